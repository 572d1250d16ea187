package org.cnx.sharing.release;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cnx.sharing.problem.ProblemMappers;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Dry run of the release policy (current or draft) on a report. */
@Path("/api/v1/policy/evaluation")
public class EvaluationResource {

    private final EvaluationService service;

    EvaluationResource(EvaluationService service) {
        this.service = service;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({"exchange-admin", "liaison-officer"})
    @Operation(summary = "Dry-run a report against the policy in force or a draft",
            description = "Returns, per active partner other than the originator, the action, the number of approvals, "
                    + "the rule and reasons, and unless denied the redacted payload exactly as a hand-over would store "
                    + "and deliver it (same serializer, same bytes), its SHA-256 and the manifest of withheld paths. "
                    + "Nothing is stored, sent or audited.")
    public EvaluationViews.Result evaluate(
            @Valid @NotNull(message = ProblemMappers.ROOT) EvaluationViews.EvaluationRequest request) {
        return service.evaluate(request);
    }
}
