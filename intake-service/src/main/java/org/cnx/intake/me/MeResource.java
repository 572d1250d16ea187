package org.cnx.intake.me;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Who the exchange takes the caller to be, from the verified token: lets a partner check its token
 * set-up, and is the benchmark's "authenticated JSON, no database" ceiling.
 */
@Path("/api/v1/me")
@RolesAllowed({"partner", "liaison-officer", "auditor", "exchange-admin"})
public class MeResource {

    public record Me(String sub, String agency, String country, List<String> roles, Instant expiresAt) {
    }

    private final JsonWebToken token;

    MeResource(JsonWebToken token) {
        this.token = token;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller as its token describes it")
    public Me me() {
        return new Me(token.getSubject(), token.getClaim("agency"), token.getClaim("country"),
                token.getGroups().stream().sorted().toList(), Instant.ofEpochSecond(token.getExpirationTime()));
    }
}
