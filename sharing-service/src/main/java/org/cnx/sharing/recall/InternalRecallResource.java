package org.cnx.sharing.recall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.problem.Problem;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.problem.ProblemPointers;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Withdrawals from intake-service, in batches; re-sent ones are recognised by report id. */
@Path("/internal/v1/recalls")
@RolesAllowed("service")
public class InternalRecallResource {

    private static final String INTAKE = "cnx-intake";

    private final RecallService recalls;
    private final Validator validator;
    private final JsonWebToken caller;

    InternalRecallResource(RecallService recalls, Validator validator, JsonWebToken caller) {
        this.recalls = recalls;
        this.validator = validator;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hand over withdrawals (intake-service only)",
            description = "JSON array of {reportId, agency, reason?, withdrawnAt, withdrawnBy}. Cancels the report's "
                    + "releases still pending approval, and released ones whose record never left, and sends a "
                    + "signed RECALL {type, reportId, reason (where the originator "
                    + "gave one), withdrawnAt} to every partner "
                    + "that got (or may have got) the record. Idempotent by reportId → {accepted, duplicates, refused}; "
                    + "refused: the agency is not the report's originator.")
    public Map<String, Integer> receive(List<RecallNotice> batch) {
        if (!INTAKE.equals(caller.getIssuer())) {
            throw new ProblemException(403, "wrong-service", "Forbidden", "Only intake-service hands over withdrawals.");
        }
        if (batch == null || batch.isEmpty()) {
            throw new ProblemException(400, "validation", "Empty batch", "The batch holds no withdrawal.");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) == null) {
                errors.add(new Problem.FieldError("/" + i, "must not be null"));
                continue;
            }
            for (ConstraintViolation<RecallNotice> v : validator.validate(batch.get(i))) {
                errors.add(new Problem.FieldError("/" + i + ProblemPointers.of(v.getPropertyPath(), 0), v.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "validation", "Invalid batch", errors.size() + " field(s) are invalid.",
                    errors);
        }
        RecallService.Outcome outcome = recalls.recall(batch, AuditTrail.actor(caller));
        return Map.of("accepted", outcome.accepted(), "duplicates", outcome.duplicates(), "refused", outcome.refused());
    }
}
