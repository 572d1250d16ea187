package org.cnx.sharing.security;

import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.jwt.build.Jwt;

/**
 * Mints this service's RS256 tokens for calling peers: one per audience, reused until shortly before
 * it expires (signing costs ~1.5 ms; signing per request would cap the relays).
 */
@ApplicationScoped
public class ServiceTokens {

    private record Cached(String token, Instant renewAt) {
    }

    private final TrustConfig.Self self;
    private final PrivateKey key;
    private final String keyId;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    ServiceTokens(TrustConfig config, SigningKey signingKey) {
        this.self = config.self();
        this.key = signingKey.privateKey();
        this.keyId = signingKey.keyId();
        this.clock = Clock.systemUTC();
    }

    /** A bearer token for calling {@code audience} (e.g. {@code cnx-audit}). */
    public String bearer(String audience) {
        Instant now = clock.instant();
        Cached cached = cache.get(audience);
        if (cached == null || !now.isBefore(cached.renewAt())) {
            cached = mint(audience, now);
            cache.put(audience, cached);
        }
        return "Bearer " + cached.token();
    }

    private Cached mint(String audience, Instant now) {
        Duration lifetime = self.tokenLifetime();
        String token = Jwt.issuer(self.issuer())
                .subject(self.issuer())
                .audience(audience)
                .groups(MultiIssuerJwtParser.SERVICE_GROUP)
                .claim("jti", UUID.randomUUID().toString())
                .issuedAt(now)
                .expiresAt(now.plus(lifetime))
                .jws().keyId(keyId)
                .sign(key);
        return new Cached(token, now.plus(lifetime).minus(self.renewBefore()));
    }
}
