package org.cnx.sharing.problem;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A body whose declared {@code Content-Length} is over the HTTP layer's cap ({@code quarkus.http.limits.max-body-size})
 * is refused as problem+json, naming the limit, before it is read: Quarkus's own check of the cap, the next route,
 * answered an admin's oversized policy with an empty 413. Authentication runs before this route, so an anonymous
 * caller still gets its 401 and learns no limit. A body over the cap sent in chunks, without a length, still gets
 * Quarkus's empty 413.
 */
@ApplicationScoped
public class DeclaredBodyLimits {

    private final long cap;

    DeclaredBodyLimits(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize cap) {
        this.cap = cap.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        long length = declaredLength(context.request().getHeader(HttpHeaders.CONTENT_LENGTH));
        if (length <= cap) {
            context.next();
            return;
        }
        Problem problem = new Problem(URI.create("https://cnx.example/problems/too-large"), "Content Too Large", 413,
                "The body is " + length + " bytes; the limit is " + cap + ".", context.normalizedPath(), null);
        // the body is not read: the connection closes after the answer, as Quarkus's own 413 does
        context.response().setStatusCode(413).putHeader(HttpHeaders.CONNECTION, "close")
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(Json.encode(problem));
    }

    /** The Content-Length, or -1 where there is none (chunked) or one that is no number (Netty refuses it). */
    private static long declaredLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
