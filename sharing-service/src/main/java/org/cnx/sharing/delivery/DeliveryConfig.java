package org.cnx.sharing.delivery;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Delivery to partner endpoints. The default retry schedule is 8 attempts over about a day: the waits
 * after attempts 1..7 are 4 min × 2.5^(n-1), capped at 12 h (4 min, 10 min, 25 min, ~1 h, ~2.6 h, 6.5 h,
 * 12 h: ~23 h in all), each varied by ±50 % jitter.
 */
@ConfigMapping(prefix = "cnx.delivery")
public interface DeliveryConfig {

    /** Off in tests that inspect the delivery table themselves. */
    @WithDefault("true")
    boolean relayEnabled();

    /**
     * Requests in flight to one partner at a time, across all replicas: each running relay takes its share
     * ({@link RelayRoster.Share}). The rest of the partner's rows stay unclaimed.
     */
    @WithDefault("4")
    int perPartnerConcurrency();

    /**
     * A relay not seen for this long (crashed, or cut off from the database) no longer counts when the limit is
     * shared out; each running relay says it is alive at every poll interval. At least three poll intervals.
     */
    @WithDefault("10s")
    Duration relayLiveness();

    /**
     * A claimed delivery is another worker's to retry once this has passed (crash recovery). Must exceed
     * connect timeout + request timeout, so that a live attempt is never stolen.
     */
    @WithDefault("60s")
    Duration lease();

    /** Safety net when no commit signal arrives (another replica wrote the rows, a backoff ran out). */
    @WithDefault("1s")
    Duration pollInterval();

    @WithDefault("2s")
    Duration connectTimeout();

    /** Until the partner's response has arrived in full. */
    @WithDefault("10s")
    Duration requestTimeout();

    /** Attempts before a delivery is dead-lettered. */
    @WithDefault("8")
    int maxAttempts();

    /** The wait after the first failed attempt. */
    @WithDefault("4m")
    Duration initialBackoff();

    /** Each further wait is this many times the previous one. */
    @WithDefault("2.5")
    double backoffMultiplier();

    /** Each wait is varied uniformly by up to this fraction either way (0.5 = ±50 %). */
    @WithDefault("0.5")
    double jitter();

    /** No wait is longer, whatever the schedule or a partner's {@code Retry-After} says. */
    @WithDefault("12h")
    Duration maxBackoff();

    /**
     * A partner none of whose deliveries landed for this long (it was down, or unreachable) is back when one lands:
     * its retries waiting out the backoff they earned meanwhile are due at once ({@link DeliveryStore#dueOnRecovery}).
     */
    @WithDefault("4m")
    Duration outageAfter();

    /**
     * Sign deliveries with Amazon Corretto Crypto Provider's native RSA where it loads (Linux x86_64 and
     * aarch64 with glibc): the same signatures as the JDK's, in about half its CPU. Off, or where it cannot
     * load, the JDK signs.
     */
    @WithDefault("true")
    boolean nativeSigning();

    /** Lifetime of the token that signs one delivery attempt. */
    @WithDefault("5m")
    Duration tokenLifetime();

    /** Outcomes of attempts recorded per database transaction, at most. */
    @WithDefault("100")
    int completionBatchSize();

    /**
     * How long the writer waits for more outcomes to record in the same transaction (CPU per delivery
     * against the time until an outcome shows; the partner has the delivery already).
     */
    @WithDefault("20ms")
    Duration completionLinger();

    /** The period over which a partner's failure rate is computed. */
    @WithDefault("1h")
    Duration healthWindow();

    /** Attempt history (behind the failure rate and the delivery detail) older than this is pruned. */
    @WithDefault("7d")
    Duration attemptRetention();

    /** How often orphaned deliveries are failed and old attempts pruned. */
    @WithDefault("30s")
    Duration housekeepingInterval();

    /** On shutdown, how long attempts in flight may take to finish and be recorded. */
    @WithDefault("10s")
    Duration shutdownGrace();
}
