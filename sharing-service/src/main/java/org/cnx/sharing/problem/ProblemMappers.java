package org.cnx.sharing.problem;

import java.net.URI;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.validation.ConstraintViolationException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.cnx.sharing.audit.AccessDenials;
import org.cnx.sharing.validation.DuplicateFields;
import org.cnx.sharing.validation.StorableStrings;
import org.cnx.sharing.validation.StrictJson;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/** Every error leaves as RFC 9457 problem+json; nothing internal (class names, stack traces) leaks. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String TYPE_BASE = "https://cnx.example/problems/";
    private static final String DATABASE_UNAVAILABLE = "The service's database cannot complete requests at the moment "
            + "(unreachable, or refusing writes); send it again shortly.";
    /** What the problem says of a body that is JSON, but not an object. */
    public static final String ROOT = "must be a JSON object";
    private static final String NOT_UTF8 = "bytes that are not UTF-8, which JSON is read as (RFC 8259) whatever "
            + "charset the Content-Type names";
    private static final String UNESCAPED_CONTROL = "a control character in a string, which JSON requires escaped "
            + "(U+%1$04X as \\u%1$04X)";
    /** Jackson's words for a control character inside a string (between tokens it says "Illegal character"). */
    private static final Pattern CONTROL_CHARACTER =
            Pattern.compile("unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");

    private final AccessDenials denials;
    private final AllowedMethods allowed;

    ProblemMappers(AccessDenials denials, AllowedMethods allowed) {
        this.denials = denials;
        this.allowed = allowed;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(new Problem(URI.create(TYPE_BASE + e.type()), e.title(), e.status(), e.getMessage(),
                uri.getPath(), e.errors()));
    }

    /** Bean Validation on resource parameters: every invalid field at once, as JSON Pointers. */
    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(ProblemPointers.of(v.getPropertyPath(), 2), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::pointer))
                .toList();
        return respond(new Problem(URI.create(TYPE_BASE + "validation"), "Bad Request", 400,
                errors.size() + " field(s) are invalid.", uri.getPath(), errors));
    }

    /** A body that is not JSON at all, where it stops being JSON; or one that names a field twice. */
    @ServerExceptionMapper
    public Response unreadable(JsonParseException e, UriInfo uri) {
        Optional<String> duplicate = DuplicateFields.pointer(e);
        if (duplicate.isPresent()) {
            return respond(shape(duplicate.get(), DuplicateFields.MESSAGE, uri));
        }
        return respond(new Problem(URI.create(TYPE_BASE + "malformed-json"), "Bad Request", 400,
                "The body " + notWellFormed(e) + ".", uri.getPath(), null));
    }

    private static String pastLimit(StreamConstraintsException limit) {
        return "passes a limit of the JSON parser: " + limit.getOriginalMessage().replaceAll(", from `[^`]*`", "");
    }

    /**
     * "is not well-formed JSON (line 1, column 14)", and why where the parser's words say it without its own
     * internals: bytes that are not UTF-8 (Latin-1, say), a control character left unescaped in a string (a partner's
     * name with a line break), an escape JSON does not have.
     */
    private static String notWellFormed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        String said = e.getOriginalMessage();
        Matcher control = CONTROL_CHARACTER.matcher(said);
        String why = said.startsWith("Invalid UTF-8") ? NOT_UTF8
                : control.find() ? String.format(UNESCAPED_CONTROL, Integer.parseInt(control.group(1)))
                : said.contains("[Source") || said.contains("`") ? null : said;
        return "is not well-formed JSON" + where + (why == null ? "" : ": " + why);
    }

    /** JSON of the wrong shape: an unknown field, a wrong type; pointed at, without Java type names. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return respond(shape(e, uri));
    }

    @ServerExceptionMapper
    public Response unmappable(JsonMappingException e, UriInfo uri) {
        return respond(shape(e, uri));
    }

    private static Problem shape(JsonMappingException e, UriInfo uri) {
        // within a list, Jackson hands the parser's refusal of a field named twice on inside a mapping exception
        Optional<String> duplicate = DuplicateFields.pointer(e);
        if (duplicate.isPresent()) {
            return shape(duplicate.get(), DuplicateFields.MESSAGE, uri);
        }
        String message = e.getCause() instanceof StreamConstraintsException limit ? pastLimit(limit) // 1,000 digits
                : StrictJson.trailing(e) ? StrictJson.TRAILING // a second entry after the first
                : e.getPath().isEmpty() ? ROOT // a list for a partner entry, say
                : e.getCause() instanceof JsonParseException unparsable ? notWellFormed(unparsable)
                : e instanceof UnrecognizedPropertyException ? "is not a known field"
                : e instanceof StorableStrings.Refused refused ? refused.getOriginalMessage()
                : e instanceof InvalidFormatException ? "has the wrong format" : "has the wrong type";
        return shape(ProblemPointers.of(e.getPath()), message, uri);
    }

    private static Problem shape(String pointer, String message, UriInfo uri) {
        return new Problem(URI.create(TYPE_BASE + "validation"), "Bad Request", 400,
                "The body does not have the expected shape.", uri.getPath(),
                List.of(new Problem.FieldError(pointer, message)));
    }

    /** A method's role check ({@code @RolesAllowed}) refused the caller: as the path policies' refusals, audited. */
    @ServerExceptionMapper
    public Uni<Response> forbidden(ForbiddenException e, UriInfo uri, RoutingContext context) {
        Response refusal = respond(SecurityProblems.forbidden(uri.getPath()));
        return Uni.createFrom().completionStage(denials.refused(context)).replaceWith(refusal);
    }

    /** A token without the agency or country the endpoint acts on: audited as the role refusals are. */
    @ServerExceptionMapper
    public Uni<Response> unusableClaims(UnusableClaims e, UriInfo uri, RoutingContext context) {
        Response refusal = problem(e, uri);
        return Uni.createFrom().completionStage(denials.refused(context, e.type())).replaceWith(refusal);
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        Problem problem = SecurityProblems.unauthorized(uri.getPath());
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem)
                .header(HttpHeaders.WWW_AUTHENTICATE, SecurityProblems.CHALLENGE).build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri, HttpHeaders request) {
        // Quarkus REST's JSON reader hands a parse failure over as a 400 around it, which the mapper above never sees
        if (e.getCause() instanceof JsonParseException unparsable) {
            return unreadable(unparsable, uri);
        }
        // and so a field named twice within a list, which reaches it inside a mapping exception
        if (e.getCause() instanceof JsonMappingException unmapped) {
            return unmappable(unmapped, uri);
        }
        // and a limit of the parser (a number of 1,000 digits) where the body's own fields are read: no location
        if (e.getCause() instanceof StreamConstraintsException limit) {
            return respond(new Problem(URI.create(TYPE_BASE + "malformed-json"), "Bad Request", 400,
                    "The body " + pastLimit(limit) + ".", uri.getPath(), null));
        }
        int status = e.getResponse().getStatus();
        Response.StatusType reason = Response.Status.fromStatusCode(status);
        String title = reason != null ? reason.getReasonPhrase() : "HTTP " + status;
        Response refusal = respond(new Problem(URI.create("about:blank"), title, status, detail(status, request),
                uri.getPath(), null));
        // a 405 names the methods the path takes (RFC 9110, 15.5.6)
        String methods = status == 405 ? allowed.of(uri.getPath()) : "";
        return methods.isEmpty() ? refusal : Response.fromResponse(refusal).header("Allow", methods).build();
    }

    /** What a refusal by JAX-RS itself says: which path, header or type it was about (it said nothing). */
    private static String detail(int status, HttpHeaders request) {
        return switch (status) {
            // a path id JAX-RS cannot convert (a release id that is no UUID) is its 404
            case 404 -> "Nothing is at this path, or an id in it is not one (a UUID, say).";
            case 405 -> "This path does not take that method.";
            case 406 -> "The Accept header (" + request.getHeaderString(HttpHeaders.ACCEPT)
                    + ") admits no type this endpoint answers in.";
            case 415 -> request.getHeaderString(HttpHeaders.CONTENT_TYPE) == null
                    ? "The body has no Content-Type; this endpoint reads application/json."
                    : "The body is " + request.getHeaderString(HttpHeaders.CONTENT_TYPE)
                            + "; this endpoint reads application/json.";
            default -> null;
        };
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        if (databaseUnavailable(e)) {
            return unavailable(e, uri.getPath());
        }
        if (rolledBackByContention(e)) {
            // PostgreSQL ended this transaction (a deadlock, a serialisation failure): nothing of it stayed
            LOG.warn("concurrent change ended the transaction of " + uri.getPath() + ": " + e.getMessage());
            return sendAgainAfter(new Problem(URI.create(TYPE_BASE + "contention"), "Service Unavailable", 503,
                    "The request met a concurrent change and was undone: nothing of it was applied. Send it again.",
                    uri.getPath(), null), 1);
        }
        LOG.error("unexpected failure on " + uri.getPath(), e);
        return respond(new Problem(URI.create("about:blank"), "Internal Server Error", 500,
                "The request could not be completed; it has been logged.", uri.getPath(), null));
    }

    /** A deadlock ({@code 40P01}) or serialisation failure ({@code 40001}) anywhere in the causes. */
    private static boolean rolledBackByContention(Throwable e) {
        return anySqlCause(e, sql -> "40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()));
    }

    /**
     * The database unreachable or its connection lost ({@code 08…}), refusing writes ({@code 25006}: a standby after
     * a fail-over), out of resources ({@code 53…}: disk full), shutting down ({@code 57P0…}), or no pooled connection
     * free in time: a 503 to send again, not a 500 "logged" that read as the service's bug, for the whole incident.
     */
    private static boolean databaseUnavailable(Throwable e) {
        return anySqlCause(e, sql -> {
            String state = sql.getSQLState();
            if (state == null) {
                return String.valueOf(sql.getMessage()).toLowerCase(Locale.ROOT).contains("acquisition timeout");
            }
            return state.startsWith("08") || state.equals("25006") || state.startsWith("53")
                    || state.startsWith("57P0");
        });
    }

    /** Whether {@code test} holds for a {@link SQLException} anywhere in the causes of {@code e}. */
    private static boolean anySqlCause(Throwable e, Predicate<SQLException> test) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && test.test(sql)) {
                return true;
            }
        }
        return false;
    }

    private static Response unavailable(RuntimeException e, String path) {
        LOG.warn("the database could not complete " + path + ": " + e.getMessage());
        return sendAgainAfter(new Problem(URI.create(TYPE_BASE + "database-unavailable"), "Service Unavailable", 503,
                DATABASE_UNAVAILABLE, path, null), 5);
    }

    /** A 503 problem with the seconds to wait before sending the request again. */
    private static Response sendAgainAfter(Problem problem, int seconds) {
        return Response.fromResponse(respond(problem)).header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds)).build();
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
