package org.cnx.audit.event;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cnx.audit.problem.Problem;
import org.cnx.audit.problem.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** Where intake and sharing deliver their audit events (relayed from their outboxes). */
@Path("/internal/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("service")
public class EventAppendResource {

    private final EventService service;
    private final EventBatchParser parser;
    private final JsonWebToken token;

    EventAppendResource(EventService service, EventBatchParser parser, JsonWebToken token) {
        this.service = service;
        this.parser = parser;
        this.token = token;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Append a batch of events",
            description = "A JSON array of up to 1000 events, appended in one transaction and idempotent by "
                    + "eventId: events already in the log are skipped and counted as duplicates. An invalid "
                    + "batch is refused whole (400, with a JSON Pointer per problem). A service may only append "
                    + "events under its own name (403 otherwise). An eventId logged with other content (or given "
                    + "twice in the batch with two contents) refuses the batch whole (422 event-id-reused, a pointer "
                    + "to each such event): the log keeps what it logged.")
    public AppendResult append(@RequestBody(description = "JSON array of events") String body) {
        List<EventRequest> batch = parser.parse(body);
        authorise(batch);
        return service.append(batch);
    }

    /** Token issuer {@code cnx-intake} may append {@code intake} events only, and so on. */
    private void authorise(List<EventRequest> batch) {
        ServiceName caller = ServiceName.ofIssuer(token.getIssuer()).orElse(null);
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).service() != caller) {
                errors.add(new Problem.FieldError("/" + i + "/service",
                        "a token from " + token.getIssuer() + " may not append events of another service"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(403, "foreign-service", "Forbidden",
                    "The batch contains events of another service; nothing was appended.", errors);
        }
    }
}
