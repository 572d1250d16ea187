package org.cnx.audit.log;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

/** Signed tree heads: what a partner or auditor pins the log to. */
@Path("/api/v1/log/checkpoints")
@Produces(MediaType.APPLICATION_JSON)
public class CheckpointResource {

    private final CheckpointService checkpoints;

    CheckpointResource(CheckpointService checkpoints) {
        this.checkpoints = checkpoints;
    }

    @GET
    @Path("latest")
    @RolesAllowed({"auditor", "partner"})
    @Operation(summary = "The latest signed tree head",
            description = "{size, root, timestamp, kid, jws}: jws is a compact JWS (RS256, typ cnx-tree-head+jws) over "
                    + "{root, size, timestamp}, verifiable with /.well-known/jwks.json by kid. Heads are signed every "
                    + "cnx.log.checkpoint-period when the log grew, and on demand, so the latest may not cover events "
                    + "of the last period yet.")
    public Checkpoint latest() {
        return checkpoints.latest().orElseGet(checkpoints::current);
    }

    @POST
    @RolesAllowed("auditor")
    @Operation(summary = "Sign a tree head for the log as it is now",
            description = "Returns the new head, or the latest one when the log has not grown since it was signed; "
                    + "409 log-inconsistent where the log's stored state is not what its events give (no head is "
                    + "signed over it).")
    public Checkpoint sign() {
        return checkpoints.current();
    }
}
