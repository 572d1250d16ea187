package org.cnx.intake.report;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cnx.intake.problem.Problem;
import org.cnx.intake.problem.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

@Path("/api/v1/reports")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("partner")
public class ReportResource {

    private final ReportService service;
    private final ObjectMapper json;
    private final Validator validator;
    private final JsonWebToken token;

    ReportResource(ReportService service, ObjectMapper json, Validator validator, JsonWebToken token) {
        this.service = service;
        this.json = json;
        this.validator = validator;
        this.token = token;
    }

    /**
     * Takes the raw bytes so that the audit trail can record the SHA-256 of exactly what the
     * partner sent.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a trafficking report")
    public Response submit(@RequestBody(description = "a ReportRequest document") String body) {
        Caller caller = Caller.of(token);
        ReportRequest request = parse(body);
        Report report = service.submit(caller, request, sha256(body));
        return Response.created(URI.create("/api/v1/reports/" + report.id)).entity(ReportView.of(report)).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One of the caller's agency's reports")
    public ReportView get(@PathParam("id") UUID id) {
        return service.find(Caller.of(token), id).map(ReportView::of)
                .orElseThrow(() -> new ProblemException(404, "not-found", "Not Found", "No such report."));
    }

    private ReportRequest parse(String body) {
        ReportRequest request;
        try {
            request = json.readValue(body, ReportRequest.class);
        } catch (JsonProcessingException e) {
            throw new ProblemException(400, "malformed-json", "Bad Request",
                    "The body is not a valid report document: " + e.getOriginalMessage());
        }
        if (request == null) {
            throw new ProblemException(400, "malformed-json", "Bad Request", "The body is empty.");
        }
        Set<ConstraintViolation<ReportRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            List<Problem.FieldError> errors = violations.stream()
                    .map(v -> new Problem.FieldError(pointer(v.getPropertyPath().toString()), v.getMessage()))
                    .sorted(Comparator.comparing(Problem.FieldError::pointer))
                    .toList();
            throw new ProblemException(400, "validation", "Invalid report",
                    errors.size() + " field(s) are invalid.", errors);
        }
        return request;
    }

    /** {@code substances[0].casNumber} → {@code /substances/0/casNumber}. */
    static String pointer(String propertyPath) {
        String path = propertyPath.replaceAll("\\[(\\d+)]", "/$1").replaceAll("<[^>]*>", "").replace('.', '/');
        return "/" + path.replaceAll("/+", "/").replaceAll("/$", "");
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
