package io.quarkus.smallrye.openapi.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.arc.Unremovable;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.quarkus.smallrye.openapi.runtime.filter.AutoSecurityFilter;
import io.smallrye.openapi.runtime.io.Format;

/**
 * Prepares the OpenAPI document on its first request instead of while the service starts, as Quarkus itself does again
 * since quarkusio/quarkus#55538 (for the start-up regression #54826; merged in July 2026, after the 3.33.2 this project
 * is on). Delete this class when upgrading to a release with that fix.
 * <p>
 * Quarkus 3.33's recorder prepares every document as the application starts: it parses the document the build wrote
 * and writes it out as JSON and as YAML, on a cold JVM's main thread (sharing-service on two cores: ready 0.55 s
 * sooner, with 0.7 s less CPU, without it; deploy/bench/RUNS.md, twelfth session). Here the recorder's call only
 * records what it asked for, and the first request for the document prepares it, once (0.2-0.4 s).
 * <p>
 * The class sits in Quarkus's package because the recorder's method is package-private, so it only works where one
 * class loader loads both, as in the packaged application. In dev and test mode the application has a class loader of
 * its own: application.properties leaves the class out there, and Quarkus's own service prepares the document at
 * start, as before. deploy/e2e's JourneyIT checks the packaged services, and fails if an upgrade stops calling this.
 */
@Alternative
@Priority(1)
@Singleton // no client proxy: the recorder's call reaches this class's own method
@Unremovable // looked up by the recorder and by the /q/openapi handler, injected nowhere
public class DeferredOpenApiDocumentService extends OpenApiDocumentService {

    private static final Logger LOG = Logger.getLogger(DeferredOpenApiDocumentService.class);

    private final Map<String, Runnable> pending = new LinkedHashMap<>();

    @Override
    synchronized void prepareDocument(AutoSecurityFilter autoSecurityFilter,
            Map<OpenApiFilter.RunStage, List<String>> filters, String documentName) {
        pending.put(documentName, () -> super.prepareDocument(autoSecurityFilter, filters, documentName));
    }

    @Override
    public synchronized byte[] getDocument(String documentName, Format format) {
        Runnable prepare = pending.get(documentName);
        if (prepare != null) {
            long start = System.nanoTime();
            prepare.run();
            pending.remove(documentName);
            LOG.infof("Prepared the OpenAPI document %s on its first request, in %d ms", documentName,
                    (System.nanoTime() - start) / 1_000_000);
        }
        return super.getDocument(documentName, format);
    }
}
