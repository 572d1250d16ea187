package org.cnx.audit.log;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cnx.log")
public interface LogConfig {

    /**
     * How often a tree head is signed when the log has grown since the last one (also read by the scheduler as
     * {@code ${cnx.log.checkpoint-period}}). Heads are also signed on demand: see {@link CheckpointService}.
     */
    Duration checkpointPeriod();

    /** Rows fetched per database round trip while the whole log is verified. */
    @WithDefault("1000")
    int verifyFetchSize();
}
