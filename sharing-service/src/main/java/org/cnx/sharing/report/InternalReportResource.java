package org.cnx.sharing.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
import org.cnx.sharing.redaction.ReportShape;
import org.cnx.sharing.release.ReleaseService;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Accepted reports from intake-service, in batches; re-sent reports are recognised by id. */
@Path("/internal/v1/reports")
@RolesAllowed("service")
public class InternalReportResource {

    private static final String INTAKE = "cnx-intake";

    private final ReleaseService releases;
    private final Validator validator;
    private final JsonWebToken caller;

    InternalReportResource(ReleaseService releases, Validator validator, JsonWebToken caller) {
        this.releases = releases;
        this.validator = validator;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hand over accepted reports (intake-service only)")
    public Map<String, Integer> receive(List<IncomingReport> batch) {
        if (!INTAKE.equals(caller.getIssuer())) {
            throw new ProblemException(403, "wrong-service", "Forbidden", "Only intake-service hands over reports.");
        }
        if (batch == null || batch.isEmpty()) {
            throw new ProblemException(400, "validation", "Empty batch", "The batch holds no report.");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) == null) {
                errors.add(new Problem.FieldError("/" + i, "must not be null"));
                continue;
            }
            Set<ConstraintViolation<IncomingReport>> violations = validator.validate(batch.get(i));
            for (ConstraintViolation<IncomingReport> v : violations) {
                errors.add(new Problem.FieldError("/" + i + ProblemPointers.of(v.getPropertyPath(), 0),
                        v.getMessage()));
            }
            // a field this version does not know no profile can withhold (a step naming it is refused): an intake
            // upgraded first sent it on whole to every partner; refused, the report waits in intake's outbox
            if (batch.get(i).report() != null) {
                ReportShape.misfits(batch.get(i).report(), "/" + i + "/report")
                        .forEach(m -> errors.add(new Problem.FieldError(m.getKey(), m.getValue())));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "validation", "Invalid batch", errors.size() + " field(s) are invalid.",
                    errors);
        }
        int accepted = releases.receive(batch, AuditTrail.actor(caller));
        return Map.of("accepted", accepted, "duplicates", batch.size() - accepted);
    }
}
