package org.cnx.intake.problem;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;

import org.cnx.intake.audit.AccessDenials;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * 401 and 403 decided before a request reaches a resource (a token refused by proactive authentication, a path
 * policy) leave as problem+json too, like every other error; a 401 still carries its Bearer challenge. The body
 * says which, never why a token was refused: that stays in the log, not in an answer to whoever sent it. A 403 leaves
 * once it is audited ({@link AccessDenials}).
 */
@ApplicationScoped
public class SecurityProblems {

    /** The challenge every 401 carries (RFC 6750). */
    static final String CHALLENGE = "Bearer";

    private final AccessDenials denials;

    SecurityProblems(AccessDenials denials) {
        this.denials = denials;
    }

    void install(@Observes Router router) {
        router.route().failureHandler(this::handle);
    }

    void handle(RoutingContext context) {
        Throwable failure = context.failure();
        if (context.response().ended()) {
            return;
        }
        if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException) {
            unauthorized(context);
        } else if (failure instanceof ForbiddenException) {
            Context loop = Vertx.currentContext();
            denials.refused(context).whenComplete((recorded, error) -> loop.runOnContext(
                    ignored -> send(context, forbidden(context.normalizedPath()))));
        } else {
            context.next();
        }
    }

    /** 401 with the Bearer challenge. */
    static void unauthorized(RoutingContext context) {
        if (!context.response().ended()) {
            context.response().putHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
            send(context, unauthorized(context.normalizedPath()));
        }
    }

    static Problem unauthorized(String path) {
        return new Problem(URI.create("about:blank"), "Unauthorized", 401,
                "A valid bearer token from a trusted issuer is required.", path, null);
    }

    static Problem forbidden(String path) {
        return new Problem(URI.create("about:blank"), "Forbidden", 403,
                "The token's roles do not allow this request.", path, null);
    }

    private static void send(RoutingContext context, Problem problem) {
        context.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(Json.encode(problem));
    }
}
