package org.cnx.audit.log;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** RFC 9162 proofs over the log; hashes only, so partners may ask for them too. */
@Path("/api/v1/log/proofs")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"auditor", "partner"})
public class ProofResource {

    private final ProofService proofs;

    ProofResource(ProofService proofs) {
        this.proofs = proofs;
    }

    @GET
    @Path("inclusion")
    @Operation(summary = "Inclusion proof of one event in the tree of a given size",
            description = "Leaf index = seq - 1; auditPath from the leaf upwards (hex). Check it against a signed head "
                    + "of that size.")
    public InclusionProof inclusion(
            @Parameter(description = "the event's seq, 1..size") @QueryParam("seq") String seq,
            @Parameter(description = "tree size, 1..the log's size") @QueryParam("size") String size) {
        return proofs.inclusion(QueryParams.requiredLong("seq", seq), QueryParams.requiredLong("size", size));
    }

    @GET
    @Path("consistency")
    @Operation(summary = "Consistency proof between two tree sizes",
            description = "Proves that the tree of 'to' events extends the tree of 'from' events (nothing rewritten).")
    public ConsistencyProof consistency(
            @Parameter(description = "the smaller tree size, 0..to") @QueryParam("from") String from,
            @Parameter(description = "the larger tree size, up to the log's size") @QueryParam("to") String to) {
        return proofs.consistency(QueryParams.requiredLong("from", from), QueryParams.requiredLong("to", to));
    }
}
