package org.cnx.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** One WireMock server on a dynamic port standing in for sharing-service and audit-service, plus the test keys. */
public class FakePeers implements QuarkusTestResourceLifecycleManager {

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        server.stubFor(post(urlPathMatching("/internal/v1/reports")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"accepted\":1,\"duplicates\":0}")));
        // recalls too: a 404 left the relay backing off past a later withdrawal's wait (up to minutes)
        server.stubFor(post(urlPathMatching("/internal/v1/recalls")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"accepted\":1,\"duplicates\":0}")));
        server.stubFor(post(urlPathMatching("/internal/v1/events")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"appended\":0,\"duplicates\":0}")));
        Map<String, String> config = new HashMap<>(new TestKeys().start());
        config.put("quarkus.rest-client.sharing.url", server.baseUrl());
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
