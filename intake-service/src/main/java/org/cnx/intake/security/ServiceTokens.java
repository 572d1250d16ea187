package org.cnx.intake.security;

import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;
import io.smallrye.jwt.build.Jwt;

/**
 * Mints this service's RS256 tokens for calling peers: one per audience, reused until shortly before
 * it expires (signing costs ~1.5 ms; signing per request would cap the relays).
 */
@ApplicationScoped
@Startup // a key that cannot sign stops the service at start: it reported ready and sent nothing
public class ServiceTokens {

    private record Cached(String token, Instant renewAt) {
    }

    private final TrustConfig.Self self;
    private final PrivateKey key;
    private final String keyId;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    ServiceTokens(TrustConfig config) {
        this(config.self(), Clock.systemUTC());
    }

    ServiceTokens(TrustConfig.Self self, Clock clock) {
        this.self = self;
        this.key = KeyFiles.privateKey(self.privateKeyLocation());
        this.keyId = KeyFiles.keyId(KeyFiles.publicKeyOf(key));
        this.clock = clock;
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
