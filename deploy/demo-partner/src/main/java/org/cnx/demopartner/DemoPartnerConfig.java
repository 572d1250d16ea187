package org.cnx.demopartner;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the demo partner verifies and keeps deliveries from sharing-service. */
@ConfigMapping(prefix = "cnx.demo")
public interface DemoPartnerConfig {

    /** sharing-service's key set; fetched on first use and again whenever a token names an unknown kid. */
    @WithDefault("http://localhost:8082/.well-known/jwks.json")
    String jwksUrl();

    /** The only issuer whose delivery tokens are accepted. */
    @WithDefault("cnx-sharing")
    String issuer();

    /** Connect and read timeout for fetching the JWKS. */
    @WithDefault("PT5S")
    Duration jwksTimeout();

    /** Tolerated clock difference for exp/iat/nbf (DESIGN §3: at most 60 s). */
    @WithDefault("PT60S")
    Duration clockSkew();

    /** Tokens that claim to stay valid for longer than this are refused. */
    @WithDefault("PT1H")
    Duration maxTokenLifetime();

    /** Memory bound of the in-memory inbox: beyond this many deliveries per partner the oldest are forgotten. */
    @WithDefault("10000")
    int maxDeliveriesPerPartner();

    /** Memory bound of the compact arrival log (about 200 bytes an arrival); later arrivals are not logged. */
    @WithDefault("500000")
    int maxArrivalsPerPartner();
}
