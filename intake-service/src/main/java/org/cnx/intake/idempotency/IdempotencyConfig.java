package org.cnx.intake.idempotency;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cnx.idempotency")
public interface IdempotencyConfig {

    /** How long a key is remembered; the IETF draft asks for at least 24 hours. */
    @WithDefault("24h")
    Duration retention();
}
