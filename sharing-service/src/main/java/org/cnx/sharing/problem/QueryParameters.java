package org.cnx.sharing.problem;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.vertx.core.http.HttpServerRequest;

/**
 * A query parameter an endpoint does not read, or one given more than once, is a 400 naming it.
 * <p>
 * JAX-RS ignores a name no method parameter binds, so that a typo widened the answer, unsaid:
 * {@code releases?state=PENDING_APPROVAL} listed every release as if each awaited approval, and
 * {@code deliveries?partnerCode=US-CBP} every partner's deliveries. It reads the first of repeated values alone:
 * {@code status=PENDING&status=DEAD} listed the pending deliveries only, as if none were dead. An
 * endpoint that reads none refuses any: {@code PUT policy?dryRun=true} published the document it was meant to try.
 */
public class QueryParameters {

    private final Map<Method, Set<String>> read = new ConcurrentHashMap<>();

    @ServerRequestFilter
    public void refuse(HttpServerRequest request, UriInfo uri, ResourceInfo resource) {
        if (request.query() == null) {
            return; // a submission, say: nothing to decode
        }
        Method method = resource.getResourceMethod();
        Set<String> names = method == null ? Set.of() : read.computeIfAbsent(method, QueryParameters::names);
        uri.getQueryParameters().forEach((name, values) -> {
            if (!names.contains(name)) {
                throw new ProblemException(400, "invalid-parameter", "Bad Request", "Query parameter '" + name
                        + "' is not one this endpoint reads; it reads "
                        + (names.isEmpty() ? "none" : String.join(", ", names)) + ".");
            }
            if (values.size() > 1) {
                throw new ProblemException(400, "invalid-parameter", "Bad Request", "Query parameter '" + name
                        + "' is given " + values.size() + " times; it takes one value.");
            }
        });
    }

    /** The query parameters a resource method binds, in the order it declares them. */
    private static Set<String> names(Method method) {
        Set<String> names = new LinkedHashSet<>();
        for (Parameter parameter : method.getParameters()) {
            QueryParam query = parameter.getAnnotation(QueryParam.class);
            if (query != null) {
                names.add(query.value());
            }
        }
        return Collections.unmodifiableSet(names);
    }
}
