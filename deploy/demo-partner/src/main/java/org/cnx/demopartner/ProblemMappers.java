package org.cnx.demopartner;

import java.net.URI;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as RFC 9457 problem+json; nothing internal (class names, stack traces) leaks. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String TYPE_BASE = "https://cnx.example/problems/";
    private static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response rejected(DeliveryRejectedException e, UriInfo uri) {
        Response.ResponseBuilder response = problem(new Problem(URI.create(TYPE_BASE + e.type()), e.title(),
                e.status(), e.getMessage(), uri.getPath()));
        if (e.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        } else if (e.status() == 503) {
            response.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.StatusType reason = Response.Status.fromStatusCode(status);
        String title = reason != null ? reason.getReasonPhrase() : "HTTP " + status;
        return problem(new Problem(URI.create("about:blank"), title, status, null, uri.getPath())).build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.error("unexpected failure on " + uri.getPath(), e);
        return problem(new Problem(URI.create("about:blank"), "Internal Server Error", 500,
                "The request could not be completed; it has been logged.", uri.getPath())).build();
    }

    private static Response.ResponseBuilder problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }
}
