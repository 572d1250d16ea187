package org.cnx.demopartner;

import java.time.Duration;

/** The demo partner's configuration for unit tests, with the production defaults but for the URL and the bounds. */
final class TestConfig {

    private TestConfig() {
    }

    static DemoPartnerConfig of(String jwksUrl, int maxDeliveries, int maxArrivals) {
        return new DemoPartnerConfig() {
            @Override
            public String jwksUrl() {
                return jwksUrl;
            }

            @Override
            public String issuer() {
                return "cnx-sharing";
            }

            @Override
            public Duration jwksTimeout() {
                return Duration.ofSeconds(2);
            }

            @Override
            public Duration clockSkew() {
                return Duration.ofSeconds(60);
            }

            @Override
            public Duration maxTokenLifetime() {
                return Duration.ofHours(1);
            }

            @Override
            public int maxDeliveriesPerPartner() {
                return maxDeliveries;
            }

            @Override
            public int maxArrivalsPerPartner() {
                return maxArrivals;
            }
        };
    }
}
