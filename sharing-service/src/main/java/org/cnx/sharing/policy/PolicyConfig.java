package org.cnx.sharing.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cnx.policy")
public interface PolicyConfig {

    /**
     * Publish {@code policy/initial-policy.json} as version 1 at startup when no version exists yet.
     * Off, the exchange starts with no rule, so every release is denied until an admin publishes one.
     */
    @WithDefault("true")
    boolean seedInitial();
}
