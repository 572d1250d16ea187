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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * The public keys partners use to verify deliveries: the current signing key first, then the keys
 * published around a rotation (the next one before the switch, the previous ones during the overlap).
 */
@Path("/.well-known/jwks.json")
@PermitAll
public class JwksResource {

    private final String jwks;

    JwksResource(SigningKey keys) {
        List<Map<String, Object>> published = keys.publishedKeys().entrySet().stream().map(e -> {
            RsaJsonWebKey jwk = new RsaJsonWebKey(e.getValue());
            jwk.setKeyId(e.getKey());
            jwk.setAlgorithm("RS256");
            jwk.setUse("sig");
            return jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        }).toList();
        this.jwks = JsonUtil.toJson(Map.of("keys", published));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Verification keys for delivery tokens (RS256, by kid)",
            description = "The current signing key and, around a key rotation, the next and previous ones.")
    @APIResponse(responseCode = "200", description = "A JWK Set (RFC 7517): {\"keys\": [JWK, …]}", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT,
                    properties = @SchemaProperty(name = "keys", type = SchemaType.ARRAY))))
    public String keys() {
        return jwks;
    }
}
