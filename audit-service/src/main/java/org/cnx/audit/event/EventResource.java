package org.cnx.audit.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cnx.audit.problem.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Auditors' view of the log. Every read, list or export, is itself logged as {@code AUDIT_QUERIED}. */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("auditor")
public class EventResource {

    private static final String AFTER_SEQ = "only events recorded after this seq (the last one an earlier review "
            + "read), whenever they occurred";
    private static final String ORIGIN_AGENCY = "the agency that submitted the report an event is about, e.g. "
            + "CN-GACC: its reports' receipt, decisions, approvals, deliveries and recalls, whoever logged them";

    /** An instant whose offset's + arrived as a space: 2026-11-01T08:00:00 08:00. */
    private static final Pattern PLUS_AS_SPACE = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})? \\d{2}:\\d{2}");

    private final EventService service;
    private final EventExporter exporter;
    private final EventConfig config;
    private final JsonWebToken token;

    EventResource(EventService service, EventExporter exporter, EventConfig config, JsonWebToken token) {
        this.service = service;
        this.exporter = exporter;
        this.config = config;
        this.token = token;
    }

    /** Parameters are taken as text so that a malformed one is a 400 problem, not JAX-RS's 404. */
    @GET
    @Operation(summary = "Events in log order, filtered and cursor-paginated",
            description = "Returns {items, next}; pass next as 'after' for the following page (null on the last). "
                    + "A walk covers the log as it was at its first page: start again for later events. "
                    + "The read is appended to the log as an AUDIT_QUERIED event with the caller and the filter.")
    public EventPage list(
            @Parameter(description = "occurredAt >= from (ISO-8601)") @QueryParam("from") String from,
            @Parameter(description = "occurredAt < to (ISO-8601)") @QueryParam("to") String to,
            @Parameter(description = "action, e.g. DELIVERY_FAILED") @QueryParam("action") String action,
            @Parameter(description = "the actor's agency, e.g. CN-GACC") @QueryParam("agency") String agency,
            @Parameter(description = ORIGIN_AGENCY) @QueryParam("originAgency") String originAgency,
            @Parameter(description = "the actor's subject (token sub)") @QueryParam("actor") String actor,
            @Parameter(description = "subject.reportId") @QueryParam("reportId") String reportId,
            @Parameter(description = "subject.partner: the partner a release, delivery or recall was for, e.g. US-CBP")
            @QueryParam("partner") String partner,
            @Parameter(description = "SUCCESS, FAILURE or DENIED") @QueryParam("outcome") String outcome,
            @Parameter(description = AFTER_SEQ) @QueryParam("afterSeq") String afterSeq,
            @Parameter(description = "cursor from the previous page's next") @QueryParam("after") String after,
            @Parameter(description = "page size, 1..100 (default 50)") @QueryParam("limit") String limit) {
        EventFilter filter = filter(from, to, action, agency, originAgency, actor, reportId, partner, outcome,
                afterSeq);
        return service.query(filter, blankToNull(after), limit(limit), token);
    }

    @GET
    @Path("export")
    @Produces({"text/csv", "application/x-ndjson", MediaType.APPLICATION_JSON})
    @Operation(summary = "Stream every event matching the filter, as CSV or NDJSON",
            description = "The same filter as the list, without paging: all matching events of the log as it was when "
                    + "the export began, in seq order. NDJSON lines are the list's items; CSV has a header line, roles "
                    + "and details as JSON text, and a leading apostrophe on cells a spreadsheet would run as formulas. "
                    + "The export is logged (AUDIT_QUERIED) before it starts.")
    @APIResponse(responseCode = "200", description = "The events, as format says: CSV or NDJSON text, never JSON",
            headers = @Header(name = "Content-Disposition", description = "attachment; filename=audit-events.csv "
                    + "(or .ndjson)"), content = {
                @Content(mediaType = "text/csv", schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = "application/x-ndjson", schema = @Schema(type = SchemaType.STRING))})
    public Response export(
            @Parameter(description = "csv or ndjson", required = true) @QueryParam("format") String format,
            @Parameter(description = "occurredAt >= from (ISO-8601)") @QueryParam("from") String from,
            @Parameter(description = "occurredAt < to (ISO-8601)") @QueryParam("to") String to,
            @Parameter(description = "action, e.g. DELIVERY_FAILED") @QueryParam("action") String action,
            @Parameter(description = "the actor's agency, e.g. CN-GACC") @QueryParam("agency") String agency,
            @Parameter(description = ORIGIN_AGENCY) @QueryParam("originAgency") String originAgency,
            @Parameter(description = "the actor's subject (token sub)") @QueryParam("actor") String actor,
            @Parameter(description = "subject.reportId") @QueryParam("reportId") String reportId,
            @Parameter(description = "subject.partner: the partner a release, delivery or recall was for, e.g. US-CBP")
            @QueryParam("partner") String partner,
            @Parameter(description = "SUCCESS, FAILURE or DENIED") @QueryParam("outcome") String outcome,
            @Parameter(description = AFTER_SEQ) @QueryParam("afterSeq") String afterSeq) {
        ExportFormat exportFormat = ExportFormat.of(blankToNull(format))
                .orElseThrow(() -> badParameter("format", "must be csv or ndjson"));
        EventFilter filter = filter(from, to, action, agency, originAgency, actor, reportId, partner, outcome,
                afterSeq);
        return Response.ok(exporter.export(filter, exportFormat, token))
                .type(exportFormat.mediaType())
                .header("Content-Disposition", "attachment; filename=\"audit-events." + exportFormat.code() + "\"")
                .build();
    }

    private static EventFilter filter(String from, String to, String action, String agency, String originAgency,
            String actor, String reportId, String partner, String outcome, String afterSeq) {
        Instant since = instant("from", from);
        Instant until = instant("to", to);
        // a reversed range matches nothing: said, not answered with an empty page an auditor could take for "none"
        // (compared as given: both taken up to the next microsecond, …00.0000004Z to …00.0000002Z were one instant)
        if (since != null && until != null && since.isAfter(until)) {
            throw badParameter("from", "must not be after 'to' (" + to + ")");
        }
        return new EventFilter(
                upToMicros(since),
                upToMicros(until),
                param("action", action, Action::of, "must be one of " + Arrays.toString(Action.values())),
                text("agency", agency),
                text("originAgency", originAgency),
                text("actor", actor),
                param("reportId", reportId, UUID::fromString, "must be a UUID"),
                text("partner", partner),
                param("outcome", outcome, Outcome::of, "must be one of " + Arrays.toString(Outcome.values())),
                seq(afterSeq));
    }

    /** The seq an auditor's last review ended at: 0 and up, 0 when not given. */
    private static long seq(String text) {
        Long seq = param("afterSeq", text, Long::valueOf, "must be a whole number, 0 or more (an event's seq)");
        if (seq != null && seq < 0) {
            throw badParameter("afterSeq", "must be a whole number, 0 or more (an event's seq): " + text);
        }
        return seq == null ? 0 : seq;
    }

    private int limit(String text) {
        String accepted = "must be a whole number between 1 and " + config.maxPageSize();
        Integer limit = param("limit", text, Integer::valueOf, accepted);
        if (limit == null) {
            return config.defaultPageSize();
        }
        if (limit < 1 || limit > config.maxPageSize()) {
            throw badParameter("limit", accepted + ": " + text);
        }
        return limit;
    }

    /**
     * An instant of the years 1583 to 9999, which the log can hold ({@link UtcInstant#EARLIEST}). PostgreSQL's
     * timestamps end in 294276 and begin in 4713 BC: a filter past either answered a 500.
     */
    private static Instant instant(String name, String text) {
        // a "+08:00" written as it is in a URL arrives as " 08:00": a space, which the message would quote unexplained
        String plusAsSpace = text != null && PLUS_AS_SPACE.matcher(text).matches() ? " (a + in a URL is a space: "
                + "write it %2B, " + text.replace(" ", "%2B") + ")" : "";
        Instant at = param(name, text, Instant::parse, "must be an ISO-8601 instant such as 2026-11-01T00:00:00Z"
                + plusAsSpace);
        if (at != null && !UtcInstant.storable(at)) {
            throw badParameter(name, UtcInstant.RANGE + ": " + text);
        }
        return at;
    }

    /**
     * A bound finer than the log's microseconds taken up to the next one, which selects exactly what the bound says:
     * the driver rounded it to the nearest, so that {@code to=…00.0000004Z} left out an event at {@code …00Z} and
     * {@code from=…00.0000004Z} let it in.
     */
    private static Instant upToMicros(Instant at) {
        Instant micros = at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
        return micros == null || micros.equals(at) ? at : micros.plus(1, ChronoUnit.MICROS);
    }

    /** {@code text} parsed, or null when there is none; a 400 saying what {@code accepted} when it cannot be. */
    private static <T> T param(String name, String text, Function<String, T> parse, String accepted) {
        if (blankToNull(text) == null) {
            return null;
        }
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw badParameter(name, accepted + ": " + text);
        }
    }

    /** A filter compared as it is: any text, but U+0000, which no stored event holds and PostgreSQL cannot take. */
    private static String text(String name, String text) {
        if (text != null && text.indexOf('\0') >= 0) {
            throw badParameter(name, "must not contain the NUL character (U+0000)");
        }
        return blankToNull(text);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static ProblemException badParameter(String name, String message) {
        return new ProblemException(400, "invalid-parameter", "Bad Request",
                "Query parameter '" + name + "' " + message + ".");
    }
}
