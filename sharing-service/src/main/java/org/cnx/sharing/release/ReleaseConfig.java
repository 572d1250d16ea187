package org.cnx.sharing.release;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cnx.releases")
public interface ReleaseConfig {

    /** A release still waiting for approval after this long is flagged {@code overdue} in the officer's queue. */
    @WithDefault("4h")
    Duration approvalSla();
}
