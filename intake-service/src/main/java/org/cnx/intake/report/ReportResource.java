package org.cnx.intake.report;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cnx.intake.problem.ContentEncodings;
import org.cnx.intake.problem.Problem;
import org.cnx.intake.problem.ProblemException;
import org.cnx.intake.problem.ProblemMappers;
import org.cnx.intake.problem.Uncompressed;
import org.cnx.intake.validation.HasText;
import org.cnx.intake.validation.StorableStrings;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpServerRequest;

@Path("/api/v1/reports")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("partner")
public class ReportResource {

    /** The body of {@code POST /api/v1/reports/{id}/withdrawal}; optional, as is its reason. */
    public record WithdrawalRequest(
            @Schema(description = "Why; sent as written to every partner that may hold the report", maxLength = 2000)
            @HasText(optional = true) @Size(max = 2000) String reason) {
    }

    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final String REPLAYED = "Idempotent-Replayed";
    private static final int MAX_KEY_LENGTH = 255;

    private final ReportService service;
    private final ReportConfig config;
    private final ObjectMapper json;
    private final Validator validator;
    private final JsonWebToken token;

    ReportResource(ReportService service, ReportConfig config, ObjectMapper json, Validator validator,
            JsonWebToken token) {
        this.service = service;
        this.config = config;
        this.json = json;
        this.validator = validator;
        this.token = token;
    }

    /** Takes the raw bytes, so that the audit trail records the SHA-256 of exactly what the partner sent. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a trafficking report",
            description = "The agency and country come from the token. With Idempotency-Key (≤ 255 characters, kept 24 h) "
                    + "a retry with the same body gets the first response again (header Idempotent-Replayed), "
                    + "a different body 422. A known externalRef with the same content answers 200 with the existing report; "
                    + "with other content 409, naming existingReportId.")
    @APIResponse(responseCode = "201", description = "Accepted; Location names the report",
            headers = {@Header(name = HttpHeaders.LOCATION, description = "The report's path",
                    schema = @Schema(type = SchemaType.STRING)), @Header(name = REPLAYED,
                    description = "true where an Idempotency-Key's first response is given again",
                    schema = @Schema(type = SchemaType.STRING))},
            content = @Content(schema = @Schema(implementation = ReportView.class)))
    @APIResponse(responseCode = "200", description = "The externalRef's report, filed before with the same content",
            headers = @Header(name = HttpHeaders.LOCATION, description = "The report's path",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(schema = @Schema(implementation = ReportView.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, unknown field or invalid fields (all listed)")
    @APIResponse(responseCode = "409", description = "externalRef already used for other content: existingReportId "
            + "names the report it was used for", content = @Content(mediaType = Problem.MEDIA_TYPE,
                    schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body larger than the configured limit (256 KiB)")
    @APIResponse(responseCode = "415", description = "Not application/json, or compressed (Content-Encoding)")
    @APIResponse(responseCode = "422", description = "Idempotency-Key reused with another body")
    @Parameter(name = IDEMPOTENCY_KEY, in = ParameterIn.HEADER, schema = @Schema(type = SchemaType.STRING),
            description = "IETF Idempotency-Key: once, 1 to 255 visible ASCII characters")
    public Response submit(
            @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ReportRequest.class))) byte[] body,
            @Parameter(hidden = true) @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding,
            HttpServerRequest http) {
        Caller caller = Caller.of(token);
        String payloadSha256 = ReportService.sha256(body);
        try {
            // a compressed report, read as it came, answered "Illegal character ((CTRL-CHAR, code 31))" (RFC 9110,
            // 15.5.16), which sent a partner looking for a fault in its JSON
            ContentEncodings.check(contentEncoding, "report");
            String idempotencyKey = idempotencyKey(http.headers().getAll(IDEMPOTENCY_KEY));
            ReportRequest request = parse(body);
            ReportService.Submission submission = service.submit(caller, request, payloadSha256, idempotencyKey);
            Response.ResponseBuilder response = Response.status(submission.status())
                    .type(MediaType.APPLICATION_JSON).entity(submission.body())
                    // a relative reference (RFC 9110, 10.2.2): resolving it against the request's URI took 3 % of
                    // intake's CPU under load, and a client behind a gateway resolves it against the URI it called
                    .header(HttpHeaders.LOCATION, "/api/v1/reports/" + submission.reportId());
            if (submission.replayed()) {
                response.header(REPLAYED, "true");
            }
            return response.build();
        } catch (ProblemException refused) {
            service.rejected(caller, payloadSha256, refused);
            throw refused;
        }
    }

    @GET
    @Operation(summary = "The caller's agency's reports, newest first, cursor-paginated")
    @APIResponse(responseCode = "200", description = "A page of reports, and the cursor of the next if there is one",
            content = @Content(schema = @Schema(implementation = ReportView.Page.class)))
    @APIResponse(responseCode = "400", description = "An unknown type, a malformed instant, cursor or limit")
    public ReportView.Page list(
            @Parameter(description = "Report type") @QueryParam("type") String type,
            @Parameter(description = "Only reports received at or after this instant (ISO-8601)") @QueryParam("since") String since,
            @Parameter(description = "Only the report the caller's agency filed under this externalRef: a page of one "
                    + "or none") @QueryParam("externalRef") String externalRef,
            @Parameter(description = "Cursor from the previous page's next") @QueryParam("after") String after,
            @Parameter(description = "Page size, 1 to 100 (default 50)") @QueryParam("limit") String limit) {
        Caller caller = Caller.of(token);
        int size = pageSize(limit);
        List<Report> page = service.page(caller, new ReportRepository.Filter(reportType(type), instant(since),
                externalRef(externalRef)), ReportCursor.decode(after), size + 1);
        boolean more = page.size() > size;
        List<Report> items = more ? page.subList(0, size) : page;
        Report last = more ? items.get(items.size() - 1) : null;
        return new ReportView.Page(items.stream().map(ReportView::summary).toList(),
                last == null ? null : new ReportCursor(last.receivedAt, last.id).encode());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One of the caller's agency's reports, with the body as accepted; another agency's id is 404")
    @APIResponse(responseCode = "200", description = "The report, with the body as accepted",
            content = @Content(schema = @Schema(implementation = ReportView.class)))
    @APIResponse(responseCode = "404", description = "No such report of the caller's agency")
    public ReportView get(@PathParam("id") UUID id) {
        return service.find(Caller.of(token), id).map(ReportView::detail)
                .orElseThrow(() -> new ProblemException(404, "not-found", "Not Found", "No such report."));
    }

    @POST
    @Path("/{id}/withdrawal")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Withdraw the caller's agency's report: every release of it is recalled",
            description = "The body, {\"reason\": \"...\"}, may be left out: a withdrawal without a reason.")
    @APIResponse(responseCode = "200", description = "Withdrawn; recalls are on their way")
    @APIResponse(responseCode = "400", description = "A body that is not a withdrawal: malformed, an unknown field, "
            + "a reason too long")
    @APIResponse(responseCode = "404", description = "No such report of the caller's agency")
    @APIResponse(responseCode = "409", description = "Already withdrawn: reportId, withdrawnAt and withdrawalReason "
            + "say when and why", content = @Content(mediaType = Problem.MEDIA_TYPE,
                    schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "A body that is not application/json, or compressed "
            + "(Content-Encoding)")
    @Uncompressed
    public ReportView withdraw(@PathParam("id") UUID id, @RequestBody(required = false, content = @Content(
            schema = @Schema(implementation = WithdrawalRequest.class))) @Valid WithdrawalRequest request) {
        return ReportView.summary(service.withdraw(Caller.of(token), id, request == null ? null : request.reason()));
    }

    /**
     * The request's one Idempotency-Key, or null. An empty one (a client's unset variable) was taken for none, and of
     * two the first alone: either way the retry the key was sent to protect was not what the client believed.
     */
    private static String idempotencyKey(List<String> keys) {
        if (keys.isEmpty()) {
            return null;
        }
        if (keys.size() > 1) {
            throw new ProblemException(400, "bad-idempotency-key", "Bad Request",
                    "Idempotency-Key is given " + keys.size() + " times; a request takes one key.");
        }
        String key = keys.get(0);
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ProblemException(400, "bad-idempotency-key", "Bad Request",
                    "Idempotency-Key must be 1 to 255 visible ASCII characters.");
        }
        return key;
    }

    private ReportRequest parse(byte[] body) {
        if (body.length > config.maxBodyBytes()) {
            throw ProblemException.tooLarge("report", body.length, config.maxBodyBytes());
        }
        if (blank(body)) {
            throw new ProblemException(400, "malformed-json", "Bad Request", "The body is empty.");
        }
        ReportRequest request;
        try {
            request = json.readValue(body, ReportRequest.class);
        } catch (JsonProcessingException e) {
            ProblemMappers.shapeError(e, "is not a field of a report").ifPresent(error -> {
                throw new ProblemException(400, "validation", "Invalid report",
                        ProblemMappers.detail(error), List.of(error));
            });
            throw new ProblemException(400, "malformed-json", "Bad Request", ProblemMappers.notJson(e));
        } catch (java.io.IOException e) {
            throw new ProblemException(400, "malformed-json", "Bad Request", "The body cannot be read as JSON.");
        }
        if (request == null) {
            throw new ProblemException(400, "malformed-json", "Bad Request", "The body must be a JSON object.");
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

    /** Nothing, or JSON's white space alone (which Jackson calls a body of the wrong type). */
    private static boolean blank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** {@code substances[0].casNumber} → {@code /substances/0/casNumber}. */
    static String pointer(String propertyPath) {
        String path = propertyPath.replaceAll("\\[(\\d+)]", "/$1").replaceAll("<[^>]*>", "").replace('.', '/');
        return "/" + path.replaceAll("/+", "/").replaceAll("/$", "");
    }

    private static ReportType reportType(String type) {
        if (type == null) {
            return null;
        }
        try {
            return ReportType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw invalidParameter("type must be one of " + Arrays.toString(ReportType.values()));
        }
    }

    private static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        Instant since;
        try {
            since = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalidParameter("since must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
        if (!ReportCursor.listable(since)) {
            throw invalidParameter("since must be an instant from " + ReportCursor.EARLIEST
                    + " to 9999-12-31T23:59:59Z");
        }
        // the database keeps microseconds, and the driver rounded a finer bound down: a report received before it
        // was listed. A bound between two microseconds is the next one.
        Instant micros = since.truncatedTo(ChronoUnit.MICROS);
        return micros.equals(since) ? since : micros.plus(1, ChronoUnit.MICROS);
    }

    /** As a submission takes it: a reference no submission could carry is a mistake, not an empty page. */
    private static String externalRef(String value) {
        if (value != null && (!HasText.Validator.in(value)
                || value.length() > ReportRequest.EXTERNAL_REF_MAX)) {
            throw invalidParameter("externalRef must be 1 to " + ReportRequest.EXTERNAL_REF_MAX
                    + " characters, not all of them spaces");
        }
        // no stored reference holds one, and PostgreSQL cannot compare with a NUL: it answered a 500
        String unstorable = value == null ? null : StorableStrings.problem(value);
        if (unstorable != null) {
            throw invalidParameter("externalRef " + unstorable);
        }
        return value;
    }

    /** Read from the text: JAX-RS answers a typed parameter it cannot convert with an empty 404. */
    private int pageSize(String limit) {
        if (limit == null || limit.isBlank()) {
            return config.defaultPageSize();
        }
        int size;
        try {
            size = Integer.parseInt(limit.strip());
        } catch (NumberFormatException e) {
            size = 0;
        }
        if (size < 1 || size > config.maxPageSize()) {
            throw invalidParameter("limit must be a whole number between 1 and " + config.maxPageSize() + ": " + limit);
        }
        return size;
    }

    private static ProblemException invalidParameter(String detail) {
        return new ProblemException(400, "invalid-parameter", "Bad Request", detail);
    }
}
