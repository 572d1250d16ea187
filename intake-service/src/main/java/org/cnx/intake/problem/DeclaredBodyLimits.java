package org.cnx.intake.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.cnx.intake.report.ReportConfig;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A body whose declared {@code Content-Length} is over the HTTP layer's hard cap
 * ({@code quarkus.http.limits.max-body-size}) is refused as problem+json before it is read; Quarkus's own check of the
 * cap, the next route, answers an empty 413. For a report the problem names the report's limit
 * ({@code cnx.reports.max-body-bytes}), the one a partner has to keep to: under the cap the resource reads the body,
 * refuses it with the same problem and audits it (REPORT_REJECTED with the bytes' SHA-256); over it there are no
 * bytes to hash, and nothing is audited. Authentication runs before this route, so an anonymous caller still gets
 * its 401 and learns no limit. A body over the cap sent in chunks, without a length, still gets Quarkus's empty 413.
 */
@ApplicationScoped
public class DeclaredBodyLimits {

    private static final String REPORTS = "/api/v1/reports";

    private final long reportLimit;
    private final long hardCap;

    DeclaredBodyLimits(ReportConfig reports,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize hardCap) {
        this.reportLimit = reports.maxBodyBytes();
        this.hardCap = hardCap.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        long length = declaredLength(context);
        if (length <= hardCap) {
            context.next();
        } else if (context.request().method() == HttpMethod.POST && REPORTS.equals(context.normalizedPath())) {
            refuse(context, ProblemException.tooLarge("report", length, reportLimit));
        } else {
            refuse(context, ProblemException.tooLarge("body", length, hardCap));
        }
    }

    /** The request's Content-Length, or -1 where it has none (chunked) or one that is no number (Netty refuses it). */
    private static long declaredLength(RoutingContext context) {
        String header = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The body is not read: the connection closes after the answer, as Quarkus's own 413 does. */
    private static void refuse(RoutingContext context, ProblemException refusal) {
        Problem problem = ProblemMappers.problem(refusal, context.normalizedPath());
        context.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONNECTION, "close")
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(Json.encode(problem));
    }
}
