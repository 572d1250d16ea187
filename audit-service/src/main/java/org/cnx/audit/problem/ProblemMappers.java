package org.cnx.audit.problem;

import java.net.URI;
import java.sql.SQLException;
import java.util.Locale;
import java.util.function.Predicate;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.cnx.audit.event.AccessDenials;
import org.jboss.logging.Logger;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** Every error leaves as RFC 9457 problem+json; nothing internal (class names, stack traces) leaks. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String TYPE_BASE = "https://cnx.example/problems/";
    private static final String DATABASE_UNAVAILABLE = "The service's database cannot complete requests at the moment "
            + "(unreachable, or refusing writes); send it again shortly.";

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

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri, HttpHeaders request) {
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

    /** A method's role check ({@code @RolesAllowed}) refused the caller: as the path policies' refusals, audited. */
    @ServerExceptionMapper
    public Uni<Response> forbidden(ForbiddenException e, UriInfo uri, RoutingContext context) {
        Response refusal = respond(SecurityProblems.forbidden(uri.getPath()));
        return Uni.createFrom().completionStage(denials.refused(context)).replaceWith(refusal);
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        Problem problem = SecurityProblems.unauthorized(uri.getPath());
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem)
                .header(HttpHeaders.WWW_AUTHENTICATE, SecurityProblems.CHALLENGE).build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        if (databaseUnavailable(e)) {
            return unavailable(e, uri.getPath());
        }
        LOG.error("unexpected failure on " + uri.getPath(), e);
        return respond(new Problem(URI.create("about:blank"), "Internal Server Error", 500,
                "The request could not be completed; it has been logged.", uri.getPath(), null));
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
        return Response.fromResponse(respond(new Problem(URI.create(TYPE_BASE + "database-unavailable"),
                "Service Unavailable", 503, DATABASE_UNAVAILABLE, path, null)))
                .header(HttpHeaders.RETRY_AFTER, "5").build();
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
