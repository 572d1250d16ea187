package org.cnx.audit.log;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cnx.audit.event.Action;
import org.cnx.audit.event.EventService;
import org.cnx.audit.event.Outcome;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

@Path("/api/v1/log/verification")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("auditor")
public class VerificationResource {

    private final LogVerifier verifier;
    private final EventService events;
    private final JsonWebToken token;

    VerificationResource(LogVerifier verifier, EventService events, JsonWebToken token) {
        this.verifier = verifier;
        this.events = events;
        this.token = token;
    }

    @GET
    @Operation(summary = "Recompute and check the whole log",
            description = "Signs a head for the log as it is, then recomputes every leaf from its canonical JSON, checks "
                    + "the stored leaf hashes and the queryable columns against it, rebuilds the tree and compares it "
                    + "with every signed head. Returns {valid, size, root, firstInvalidSeq, reason, faults, "
                    + "faultCount, checkpoint}: every fault, not only the first. "
                    + "The verification is itself logged (AUDIT_QUERIED).")
    public Verification verify() {
        Verification result = verifier.verify();
        ObjectNode details = JsonNodeFactory.instance.objectNode()
                .put("query", "verification")
                .put("valid", result.valid())
                .put("size", result.size());
        if (result.firstInvalidSeq() != null) {
            details.put("firstInvalidSeq", result.firstInvalidSeq());
        }
        if (result.faultCount() > 0) {
            details.put("faultCount", result.faultCount());
        }
        events.recordRead(token, Action.AUDIT_QUERIED, Outcome.SUCCESS, null, details);
        return result;
    }
}
