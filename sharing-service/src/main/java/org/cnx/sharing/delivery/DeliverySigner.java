package org.cnx.sharing.delivery;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.security.SigningKey;
import org.cnx.sharing.security.TrustConfig;

import io.smallrye.jwt.build.Jwt;

/**
 * Signs one delivery attempt: {@code aud} = the partner code, {@code jti} = the delivery id and
 * {@code body_sha256} binding the token to the exact bytes sent. Partners verify with
 * {@code /.well-known/jwks.json}.
 */
@ApplicationScoped
public class DeliverySigner {

    public static final String BODY_HASH_CLAIM = "body_sha256";

    private final SigningKey key;
    private final String issuer;
    private final DeliveryConfig config;

    DeliverySigner(SigningKey key, TrustConfig trust, DeliveryConfig config) {
        this.key = key;
        this.issuer = trust.self().issuer();
        this.config = config;
    }

    public String sign(UUID deliveryId, String partner, String bodySha256) {
        Instant now = Instant.now();
        return Jwt.issuer(issuer)
                .subject(issuer)
                .audience(partner)
                .claim("jti", deliveryId.toString())
                .claim(BODY_HASH_CLAIM, bodySha256)
                .issuedAt(now)
                .expiresAt(now.plus(config.tokenLifetime()))
                .jws().keyId(key.keyId())
                .sign(key.privateKey());
    }
}
