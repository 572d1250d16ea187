package org.cnx.intake.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cnx.outbox")
public interface OutboxConfig {

    /** Messages sent in one POST. */
    @WithDefault("100")
    int batchSize();

    /**
     * Bytes of messages sent in one POST (a single larger message still goes, alone); keep it below the
     * receiver's {@code quarkus.http.limits.max-body-size}.
     */
    @WithDefault("1048576")
    long maxBatchBytes();

    /** How long a claimed batch stays reserved for the relay that claimed it. */
    @WithDefault("30s")
    Duration lease();

    /** Safety net when no commit signal arrives (e.g. another replica wrote the rows). */
    @WithDefault("1s")
    Duration pollInterval();

    @WithDefault("1s")
    Duration initialBackoff();

    @WithDefault("5m")
    Duration maxBackoff();

    /**
     * How long the audit relay lets events gather after a commit's signal (see {@link OutboxSender#linger()}).
     * Under a steady trickle of reports each commit would otherwise cost audit-service a request, the log's lock
     * and a chain update of its own; the audit log is not on a report's way to partners.
     */
    @WithDefault("100ms")
    Duration auditLinger();

    /** Off in tests that inspect the outbox table themselves. */
    @WithDefault("true")
    boolean relayEnabled();
}
