package org.cnx.sharing.partner;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/** The partner registry, from configuration until the registry API arrives. Keyed by partner code. */
@ConfigMapping(prefix = "cnx.partners")
public interface PartnerConfig {

    @WithParentName
    Map<String, Partner> partners();

    interface Partner {
        String name();

        /** ISO 3166-1 alpha-2. */
        String country();

        String endpoint();

        @WithDefault("true")
        boolean active();
    }
}
