package org.cnx.audit.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Which token issuers this service trusts, with the keys that belong to each (DESIGN §3), and this
 * service's own identity for the tokens it mints.
 */
@ConfigMapping(prefix = "cnx.jwt")
public interface TrustConfig {

    /** The identity provider that issues tokens to people and partner systems. */
    Idp idp();

    /** Peer services allowed to call {@code /internal/v1/**}: issuer → its public key locations. */
    Map<String, List<String>> services();

    /** Tolerated clock difference for {@code exp}, {@code iat} and {@code nbf}. */
    @WithDefault("60s")
    Duration clockSkew();

    /** Longest lifetime ({@code exp - iat}) accepted for a service token. */
    @WithDefault("5m")
    Duration serviceMaxLifetime();

    /**
     * How long a verified token may be reused without verifying it again (never past its own {@code exp}): a key
     * removed from the configuration stops being honoured within this time. Zero turns the reuse off.
     */
    @WithDefault("60s")
    Duration verifiedTokenTtl();

    /** How many verified tokens are kept for reuse (when full, the cache starts again empty). */
    @WithDefault("1000")
    int verifiedTokenCacheSize();

    Self self();

    interface Idp {
        @WithDefault("https://idp.cnx.local")
        String issuer();

        /** PEM files or JWKS (file or https URL); several during a key rotation. */
        List<String> keyLocations();

        @WithDefault("cnx")
        String audience();

        @WithDefault("1h")
        Duration maxLifetime();
    }

    interface Self {
        /** This service's issuer name, which is also the audience its callers must use. */
        String issuer();

        /** PKCS#8 PEM private key used to sign this service's outgoing tokens (and audit's tree heads). */
        String privateKeyLocation();

        /** Public keys (PEM) of this service's former signing keys, still published and trusted after a rotation. */
        Optional<List<String>> previousPublicKeyLocations();

        /**
         * Public keys (PEM) published and trusted ahead of a rotation, before any head is signed with them: a replica
         * not yet rolled over verifies the heads the first rolled-over one signs, and lists their key in its JWKS.
         */
        Optional<List<String>> nextPublicKeyLocations();

        @WithDefault("5m")
        Duration tokenLifetime();

        /** A cached token is replaced this long before it expires. */
        @WithDefault("30s")
        Duration renewBefore();
    }
}
