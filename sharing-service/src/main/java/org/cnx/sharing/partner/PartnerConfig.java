package org.cnx.sharing.partner;

import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Partner registry settings, and the demo partners that may be seeded into it. */
@ConfigMapping(prefix = "cnx.partners")
public interface PartnerConfig {

    String ALL_TYPES = "SEIZURE,PRECURSOR_SHIPMENT,SUSPICIOUS_ORDER,TRAFFICKING_NETWORK,ILLICIT_FINANCE,EMERGING_TREND";

    /**
     * Allows http and loopback, private and link-local endpoint addresses: only for dev, test and the
     * local run, where the demo partner listens on localhost. Off, endpoints must be https and resolve
     * to public addresses only, when registered and again at each delivery.
     */
    @WithDefault("false")
    boolean allowLocalEndpoints();

    /** At startup, registers the {@link #demo()} partners whose codes are not registered yet. */
    @WithDefault("false")
    boolean seed();

    /** Partners to seed, keyed by partner code. */
    Map<String, Seed> demo();

    interface Seed {
        String name();

        /** ISO 3166-1 alpha-2. */
        String country();

        String endpoint();

        @WithDefault(ALL_TYPES)
        List<String> acceptedTypes();

        @WithDefault("AMBER+STRICT")
        String maxTlp();

        @WithDefault("true")
        boolean active();
    }
}
