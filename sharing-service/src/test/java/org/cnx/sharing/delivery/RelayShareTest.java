package org.cnx.sharing.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.sharing.FakePartners;
import org.cnx.sharing.InjectWireMock;
import org.cnx.sharing.Reports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The relays running on one database keep to the per-partner limit (4 here) together: this replica's relay takes
 * its share among the relays alive in delivery_relay, where the test adds others (a replica seen lately, or long
 * ago) by hand.
 */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class RelayShareTest {

    private static final UUID FIRST = new UUID(0, 0);
    private static final UUID LAST = new UUID(-1, -1);
    /** Longer than the test takes to look at the requests in flight. */
    private static final int PARTNER_DELAY_MILLIS = 2_500;

    @InjectWireMock
    WireMockServer partners;

    @Inject
    DeliveryRelay relay;

    @Inject
    DataSource dataSource;

    private final String admin = Reports.admin("admin-relay-share");
    private final List<String> registered = new ArrayList<>();
    private final List<StubMapping> stubs = new ArrayList<>();

    @AfterEach
    void cleanUp() throws SQLException {
        sql("DELETE FROM delivery_relay WHERE id IN (?, ?)", FIRST, LAST);
        registered.forEach(code -> given().auth().oauth2(admin).delete("/api/v1/partners/" + code));
        stubs.forEach(partners::removeStub);
        await().atMost(Duration.ofSeconds(5)).until(relay::share, share -> share == 4);
    }

    @Test
    void aReplicaAloneSendsUpToTheWholeLimit() throws Exception {
        // a replica that stopped saying it is alive an hour ago (killed) no longer takes a share
        sql("INSERT INTO delivery_relay (id, name, seen_at) VALUES (?, 'gone/1', now() - interval '1 hour')", FIRST);
        Thread.sleep(1_000); // several poll intervals: the relay has looked at the roster since
        assertEquals(4, relay.share());
        assertEquals(4, inFlightAtOnce("MX-ALONE", 6));
    }

    @Test
    void twoReplicasSendHalfOfTheLimitEach() throws Exception {
        sql("INSERT INTO delivery_relay (id, name, seen_at) VALUES (?, 'other/1', now() + interval '1 hour')", FIRST);
        await().atMost(Duration.ofSeconds(5)).until(relay::share, share -> share == 2);
        assertEquals(2, inFlightAtOnce("MX-HALF", 6));
    }

    @Test
    void threeReplicasShareFourLanesAsTwoOneAndOne() throws Exception {
        // this relay's random id lies between the two others': its place is the second, which has one lane
        sql("INSERT INTO delivery_relay (id, name, seen_at) VALUES (?, 'other/1', now() + interval '1 hour'), "
                + "(?, 'other/2', now() + interval '1 hour')", FIRST, LAST);
        await().atMost(Duration.ofSeconds(5)).until(relay::share, share -> share == 1);
        assertEquals(1, inFlightAtOnce("MX-THIRD", 4));
        // an exchange-admin sees the relays and their shares; an officer does not
        JsonPath health = given().auth().oauth2(admin).get("/api/v1/deliveries/health").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(4, health.getInt("perPartnerConcurrency"));
        assertEquals(List.of(2, 1, 1), health.getList("relays.share", Integer.class));
        assertEquals("other/1", health.getString("relays[0].name"));
        assertEquals(DeliveryOutcomes.RELAY, health.getString("relays[1].name"));
        assertEquals("other/2", health.getString("relays[2].name"));
        assertEquals(Set.of("window", "asOf", "partners"), given().auth()
                .oauth2(Reports.officer("US-CBP", "US", "officer-relay-share")).get("/api/v1/deliveries/health").then()
                .statusCode(200).extract().jsonPath().getMap("$").keySet());

        // one of the others stops (it leaves the roster): this relay takes two lanes at its next poll
        sql("DELETE FROM delivery_relay WHERE id = ?", LAST);
        await().atMost(Duration.ofSeconds(5)).until(relay::share, share -> share == 2);
    }

    /**
     * Releases {@code reports} records to a new partner whose endpoint holds every request, and counts the
     * requests that reach it before the first of them is answered.
     */
    private int inFlightAtOnce(String partner, int reports) throws InterruptedException {
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"name":"Test partner %s","country":"MX","endpoint":"%s/partners/%s/deliveries",
                 "acceptedTypes":["PRECURSOR_SHIPMENT"],"maxTlp":"AMBER","active":true}"""
                .formatted(partner, partners.baseUrl(), partner))
                .put("/api/v1/partners/" + partner).then().statusCode(201);
        registered.add(partner);
        String path = "/partners/" + partner + "/deliveries";
        stubs.add(partners.stubFor(post(urlEqualTo(path))
                .willReturn(aResponse().withStatus(200).withFixedDelay(PARTNER_DELAY_MILLIS))));
        // one hand-over, one transaction: every delivery is due at once
        Reports.handOver(IntStream.range(0, reports).mapToObj(i -> Reports.message(UUID.randomUUID(), "US-CBP", "US",
                "GREEN", "{\"releasableTo\":[\"" + partner + "\"]}")).toArray(String[]::new)).statusCode(200);
        await().atMost(Duration.ofSeconds(2)).until(() -> requests(path) > 0);
        Thread.sleep(PARTNER_DELAY_MILLIS / 2); // every lane free at the start has taken a request by now
        return requests(path);
    }

    private int requests(String path) {
        return partners.findAll(postRequestedFor(urlEqualTo(path))).size();
    }

    private void sql(String statement, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            ps.executeUpdate();
        }
    }
}
