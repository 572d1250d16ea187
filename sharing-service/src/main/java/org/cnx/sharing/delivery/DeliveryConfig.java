package org.cnx.sharing.delivery;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cnx.delivery")
public interface DeliveryConfig {

    @WithDefault("20")
    int batchSize();

    /** A claimed delivery is another worker's to retry once this has passed (crash recovery). */
    @WithDefault("60s")
    Duration lease();

    @WithDefault("1s")
    Duration pollInterval();

    @WithDefault("2s")
    Duration connectTimeout();

    @WithDefault("10s")
    Duration requestTimeout();

    /** Attempts before a delivery is dead-lettered. */
    @WithDefault("8")
    int maxAttempts();

    @WithDefault("2s")
    Duration initialBackoff();

    @WithDefault("6h")
    Duration maxBackoff();

    /** Lifetime of the token that signs one delivery attempt. */
    @WithDefault("5m")
    Duration tokenLifetime();

    @WithDefault("true")
    boolean relayEnabled();
}
