package org.cnx.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Endpoint rules as in production ({@code cnx.partners.allow-local-endpoints=false}): https only, no
 * loopback, private or link-local address, when registered and again before every delivery. No
 * request is ever sent to any of these addresses.
 */
@QuarkusTest
@TestProfile(StrictEndpointsTest.Production.class)
@QuarkusTestResource(FakePartners.class)
class StrictEndpointsTest {

    public static class Production implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cnx.partners.allow-local-endpoints", "false");
        }
    }

    @InjectWireMock
    WireMockServer partners;

    @Inject
    EntityManager em;

    private final String admin = Reports.admin("admin-strict");

    private static String entry(String endpoint, boolean active) {
        return """
                {"name":"Fiscalía General de la República","country":"MX","endpoint":"%s",
                 "acceptedTypes":["SEIZURE","PRECURSOR_SHIPMENT"],"maxTlp":"AMBER","active":%s}""".formatted(endpoint, active);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/in", "https://localhost/in", "https://[::1]/in", "https://10.0.0.8/in",
        "https://192.168.1.20/in", "https://172.20.0.2/in", "https://169.254.169.254/latest/meta-data",
        "https://[fd12:3456::1]/in"})
    void localAddressesAreRefusedAtRegistration(String endpoint) {
        given().auth().oauth2(admin).contentType("application/json").body(entry(endpoint, false))
                .put("/api/v1/partners/MX-FGR").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].pointer", equalTo("/endpoint"))
                .body("errors[0].message", startsWith("resolves to a loopback, private or link-local address"));
    }

    @Test
    void plainHttpIsRefusedAndAPublicHttpsAddressIsAccepted() {
        given().auth().oauth2(admin).contentType("application/json").body(entry("http://203.0.113.10/in", false))
                .put("/api/v1/partners/MX-FGR").then().statusCode(400)
                .body("errors[0].message", equalTo("must use https"));
        // registered inactive, and removed again: nothing is ever sent to this documentation address
        given().auth().oauth2(admin).contentType("application/json").body(entry("https://203.0.113.10/in", false))
                .put("/api/v1/partners/MX-FGR").then().statusCode(201);
        given().auth().oauth2(admin).delete("/api/v1/partners/MX-FGR").then().statusCode(204);
    }

    @Test
    void theDemoPartnersAreNotSeededHere() {
        given().auth().oauth2(admin).get("/api/v1/partners").then().statusCode(200).body("items.size()", equalTo(0));
    }

    /** As if the partner's host name had been re-pointed at the exchange's own machine after registration. */
    @Test
    void anEndpointThatNowResolvesLocallyIsRefusedAtSendTime() {
        Instant now = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                INSERT INTO partner (code, name, country, endpoint, accepted_types, max_tlp, active, created_at, updated_at)
                VALUES ('MX-SEM', 'Secretaría de Marina', 'MX', :endpoint, 'PRECURSOR_SHIPMENT', 'AMBER', true, :now, :now)""")
                .setParameter("endpoint", "https://localhost:" + partners.port() + "/partners/MX-SEM/deliveries")
                .setParameter("now", now)
                .executeUpdate());
        try {
            UUID id = UUID.randomUUID();
            Reports.handOver(Reports.message(id, "US-CBP", "US", "GREEN", null)).statusCode(200);
            Map<String, Object> failed = await().atMost(Duration.ofSeconds(30)).until(() -> PartnerInbox
                    .auditEvents(partners, id, "DELIVERY_FAILED").stream().findFirst().orElse(null), e -> e != null);
            assertEquals("MX-SEM", ((Map<?, ?>) failed.get("subject")).get("partner"));
            String error = (String) ((Map<?, ?>) failed.get("details")).get("error");
            assertTrue(error.startsWith("endpoint refused: it resolves to a loopback, private or link-local address"),
                    error);
            assertTrue(partners.findAll(postRequestedFor(urlPathMatching("/partners/.*"))).isEmpty());
        } finally {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("DELETE FROM partner WHERE code = 'MX-SEM'")
                    .executeUpdate());
        }
    }
}
