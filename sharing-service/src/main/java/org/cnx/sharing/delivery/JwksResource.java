package org.cnx.sharing.delivery;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cnx.sharing.security.SigningKey;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;

/** The public keys partners use to verify deliveries. */
@Path("/.well-known/jwks.json")
@PermitAll
public class JwksResource {

    private final String jwks;

    JwksResource(SigningKey key) {
        RsaJsonWebKey jwk = new RsaJsonWebKey(key.publicKey());
        jwk.setKeyId(key.keyId());
        jwk.setAlgorithm("RS256");
        jwk.setUse("sig");
        Map<String, Object> params = jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        this.jwks = org.jose4j.json.JsonUtil.toJson(Map.of("keys", List.of(params)));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Verification keys for delivery tokens (RS256, by kid)")
    public String keys() {
        return jwks;
    }
}
