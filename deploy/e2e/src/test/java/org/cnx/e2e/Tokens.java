package org.cnx.e2e;

import java.security.PrivateKey;
import java.util.List;
import java.util.UUID;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/** Dev-IdP tokens minted with jose4j, independently of the services' own token code. */
final class Tokens {

    private final PrivateKey idpKey;

    Tokens(PrivateKey idpKey) {
        this.idpKey = idpKey;
    }

    /** A service token, as a peer service mints it (e.g. cnx-intake handing reports over to cnx-sharing). */
    static String service(String issuer, String audience, PrivateKey key) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(issuer);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(4);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setStringListClaim("groups", List.of("service"));
        return sign(claims, key, null);
    }

    /** A delivery token as sharing-service signs one (DESIGN §3), with any key: for key-rotation checks. */
    static String delivery(String partner, String deliveryId, String bodySha256, PrivateKey key, String kid) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("cnx-sharing");
        claims.setSubject("cnx-sharing");
        claims.setAudience(partner);
        claims.setJwtId(deliveryId);
        claims.setClaim("body_sha256", bodySha256);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        return sign(claims, key, kid);
    }

    private static String sign(JwtClaims claims, PrivateKey key, String kid) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    String person(String role, String agency, String country, String sub) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://idp.cnx.local");
        claims.setAudience("cnx");
        claims.setSubject(sub);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(10);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setStringListClaim("groups", List.of(role));
        claims.setClaim("agency", agency);
        claims.setClaim("country", country);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(idpKey);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
