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
