package org.cnx.audit.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cnx.audit.security.SigningKey;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;

/** The public keys that verify audit's signed tree heads (and so every receipt), by kid. */
@Path("/.well-known/jwks.json")
@PermitAll
public class JwksResource {

    private final String jwks;

    JwksResource(SigningKey key) {
        List<Map<String, Object>> keys = new ArrayList<>();
        key.verificationKeys().forEach((kid, publicKey) -> {
            RsaJsonWebKey jwk = new RsaJsonWebKey(publicKey);
            jwk.setKeyId(kid);
            jwk.setAlgorithm("RS256");
            jwk.setUse("sig");
            keys.add(jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        });
        this.jwks = JsonUtil.toJson(Map.of("keys", keys));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Verification keys for signed tree heads and receipts (RS256, by kid)")
    @APIResponse(responseCode = "200", description = "A JWK Set (RFC 7517): {\"keys\": [JWK, …]}", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT,
                    properties = @SchemaProperty(name = "keys", type = SchemaType.ARRAY))))
    public String keys() {
        return jwks;
    }
}
