package org.cnx.sharing.problem;

import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.vertx.core.http.HttpServerRequest;

/**
 * A query parameter given more than once is a 400 naming it. JAX-RS reads the first value alone, so that a filter
 * repeated in the hope of "either" answered for one of them, unsaid: {@code status=PENDING&status=DEAD} listed
 * the pending deliveries only, as if none were dead. Each parameter here takes one value.
 */
public class RepeatedParameters {

    @ServerRequestFilter
    public void refuse(HttpServerRequest request, UriInfo uri) {
        if (request.query() == null) {
            return; // a submission, say: nothing to decode
        }
        uri.getQueryParameters().forEach((name, values) -> {
            if (values.size() > 1) {
                throw new ProblemException(400, "invalid-parameter", "Bad Request", "Query parameter '" + name
                        + "' is given " + values.size() + " times; it takes one value.");
            }
        });
    }
}
