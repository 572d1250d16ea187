package org.cnx.sharing.delivery;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.security.SigningKey;
import org.cnx.sharing.security.TrustConfig;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Signs one delivery attempt (RS256, the current key's {@code kid}): {@code aud} = the partner code,
 * {@code jti} = the delivery id and {@code body_sha256} binding the token to the exact bytes sent.
 * Partners verify with {@code /.well-known/jwks.json}. Built with jose4j directly: one token per
 * attempt is on the relay's hot path, and the RSA signature should be most of its cost.
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
        long now = Instant.now().getEpochSecond();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(issuer);
        claims.setAudience(partner);
        claims.setJwtId(deliveryId.toString());
        claims.setClaim(BODY_HASH_CLAIM, bodySha256);
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + config.tokenLifetime().toSeconds()));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKeyIdHeaderValue(key.keyId());
        jws.setKey(key.privateKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign delivery " + deliveryId, e);
        }
    }
}
