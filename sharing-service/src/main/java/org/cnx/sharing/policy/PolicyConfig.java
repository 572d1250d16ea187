package org.cnx.sharing.policy;

import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The simple release policy of the foundation: which TLP labels go at once, which need approval. */
@ConfigMapping(prefix = "cnx.policy")
public interface PolicyConfig {

    /** Released without approval (unless the handling rules ask for one). */
    @WithDefault("CLEAR,GREEN")
    Set<String> autoRelease();

    /** Released after approval by officers of the originating country. */
    @WithDefault("AMBER,AMBER+STRICT")
    Set<String> approval();

    /** Distinct officers needed for an approval. */
    @WithDefault("1")
    int approvers();
}
