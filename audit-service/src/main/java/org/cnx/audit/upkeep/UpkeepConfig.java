package org.cnx.audit.upkeep;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cnx.upkeep")
public interface UpkeepConfig {

    enum Mode {
        /** Only where the server runs without autovacuum. */
        AUTO,
        ALWAYS,
        OFF
    }

    @WithDefault("auto")
    Mode mode();

    /** How often it looks at the statistics counters. */
    @WithDefault("20s")
    Duration interval();
}
