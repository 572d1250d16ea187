package org.cnx.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One WireMock server on a dynamic port standing in for every partner endpoint and for
 * audit-service, plus the test keys.
 */
public class FakePartners implements QuarkusTestResourceLifecycleManager {

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        // partners that hang (fixed delays, up to 9 s) must not take every thread from the others and from audit:
        // a delayed answer waits on a timer, not on one of the server's threads
        server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(100)
                .asynchronousResponseEnabled(true).asynchronousResponseThreads(20));
        server.start();
        server.stubFor(post(urlPathMatching("/partners/.*")).willReturn(aResponse().withStatus(200)));
        server.stubFor(post(urlPathMatching("/internal/v1/events")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"appended\":0,\"duplicates\":0}")));
        Map<String, String> config = new HashMap<>(new TestKeys().start());
        config.put("cnx.demo-partner-url", server.baseUrl());
        config.put("quarkus.rest-client.audit.url", server.baseUrl());
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectWireMock.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
