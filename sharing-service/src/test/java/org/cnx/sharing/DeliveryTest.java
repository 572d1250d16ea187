package org.cnx.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/**
 * Delivery as officers and admins see it, against (WireMock) partners that fail in every way: retried
 * until dead-lettered and replayed, 410 disabling the endpoint until an admin re-enables it, other
 * client errors and redirects failing at once, Retry-After honoured. Test partners are registered in
 * Mexico, so that US reports go to them under the initial policy (green-cross-border).
 */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class DeliveryTest {

    @InjectWireMock
    WireMockServer partners;

    @Inject
    SessionFactory sessions;

    @Inject
    DataSource dataSource;

    private final String admin = Reports.admin("admin-delivery");
    private final String usOfficer = Reports.officer("US-CBP", "US", "officer-us-delivery");
    private final String cnOfficer = Reports.officer("CN-NNCC", "CN", "officer-cn-delivery");
    private final List<String> registered = new ArrayList<>();
    private final List<StubMapping> stubs = new ArrayList<>();

    @AfterEach
    void removeTestPartnersAndStubs() {
        registered.forEach(code -> given().auth().oauth2(admin).delete("/api/v1/partners/" + code));
        unstub();
        partners.resetScenarios();
    }

    private void register(String code, boolean active) {
        register(code, partners.baseUrl(), active);
    }

    private void register(String code, String baseUrl, boolean active) {
        register(code, baseUrl, "AMBER", active);
    }

    private ValidatableResponse register(String code, String baseUrl, String maxTlp, boolean active) {
        ValidatableResponse saved = given().auth().oauth2(admin).contentType("application/json").body("""
                {"name":"Test partner %s","country":"MX","endpoint":"%s/partners/%s/deliveries",
                 "acceptedTypes":["PRECURSOR_SHIPMENT"],"maxTlp":"%s","active":%s}"""
                .formatted(code, baseUrl, code, maxTlp, active))
                .put("/api/v1/partners/" + code).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        if (!registered.contains(code)) {
            registered.add(code);
        }
        return saved;
    }

    private void stub(MappingBuilder mapping) {
        stubs.add(partners.stubFor(mapping));
    }

    /** The partner's endpoint answers 503 with Retry-After: 3600, until {@link #unstub()}. */
    private void busyForAnHour(String partner) {
        stub(post(urlEqualTo("/partners/" + partner + "/deliveries"))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3600")));
    }

    /** Removes this test's stubs: the catch-all of FakePartners answers 200 again. */
    private void unstub() {
        stubs.forEach(partners::removeStub);
        stubs.clear();
    }

    private static UUID handOverTo(String partner) {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "US-CBP", "US", "GREEN", "{\"releasableTo\":[\"" + partner + "\"]}"))
                .statusCode(200);
        return id;
    }

    private List<LoggedRequest> requestsTo(String partner, UUID reportId) {
        return partners.findAll(postRequestedFor(urlEqualTo("/partners/" + partner + "/deliveries"))
                .withRequestBody(containing(reportId.toString())));
    }

    /** The report's delivery as the US officer sees it in the list. */
    private JsonPath deliveryOf(UUID reportId) {
        JsonPath page = given().auth().oauth2(usOfficer).queryParam("reportId", reportId).get("/api/v1/deliveries")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, page.getList("items").size(), page.prettify());
        return JsonPath.from(page.prettify()).setRootPath("items[0]");
    }

    private String statusOf(UUID reportId) {
        return deliveryOf(reportId).getString("status");
    }

    private List<String> auditActions(UUID reportId) {
        return PartnerInbox.auditEvents(partners, reportId).stream().map(e -> (String) e.get("action")).toList();
    }

    private Map<String, Object> healthOf(String partner, String token) {
        return given().auth().oauth2(token).get("/api/v1/deliveries/health").then().statusCode(200)
                .extract().jsonPath().getMap("partners.find { it.partner == '" + partner + "' }");
    }

    /**
     * A code registered again showed its predecessor's last success, attempts and dead letters; and a dead letter whose
     * release was cancelled since (replaying it is a 409) stayed counted among those an officer could replay.
     */
    @Test
    void healthCountsAPartnersOwnDeliveriesAndTheDeadLettersThatCanBeReplayed() throws Exception {
        register("MX-AFRESH", true);
        UUID delivered = handOverTo("MX-AFRESH");
        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(delivered), "DELIVERED"::equals);
        UUID dead = handOverTo("MX-AFRESH");
        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(dead), "DELIVERED"::equals);
        sql("UPDATE delivery SET status = 'DEAD' WHERE report_id = '" + dead + "'");
        Map<String, Object> before = healthOf("MX-AFRESH", admin);
        assertNotNull(before.get("lastSuccessAt"));
        assertEquals(2, before.get("attempts"));
        assertEquals(1, before.get("deadLetters"));
        sql("UPDATE release SET status = 'CANCELLED' WHERE report_id = '" + dead + "' AND partner = 'MX-AFRESH'");
        assertEquals(0, healthOf("MX-AFRESH", admin).get("deadLetters"), "a cancelled release's record is no replay");

        given().auth().oauth2(admin).delete("/api/v1/partners/MX-AFRESH").then().statusCode(204);
        Thread.sleep(5); // registered again a moment later, as ever
        register("MX-AFRESH", true);
        Map<String, Object> after = healthOf("MX-AFRESH", admin);
        assertNull(after.get("lastSuccessAt"), "the new registration has delivered nothing yet: " + after);
        assertEquals(0, after.get("attempts"));
        assertEquals(0, after.get("deadLetters"));
        assertEquals(0, after.get("backlog"));
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    @Test
    void aPartnerDownForTheWholeScheduleDeadLettersTheDeliveryAndARedeliverySucceeds() throws Exception {
        register("MX-DOWN", true);
        stub(post(urlEqualTo("/partners/MX-DOWN/deliveries")).willReturn(aResponse().withStatus(503)));
        UUID report = handOverTo("MX-DOWN");

        await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(report), "DEAD"::equals);
        JsonPath dead = deliveryOf(report);
        assertEquals(8, dead.getInt("attempts"));
        assertEquals(8, dead.getInt("maxAttempts"));
        assertEquals(503, dead.getInt("lastHttpStatus"));
        assertEquals("HTTP 503", dead.getString("lastError"));
        assertNull(dead.get("nextAttemptAt"));
        assertEquals(8, requestsTo("MX-DOWN", report).size());
        String id = dead.getString("id");
        given().auth().oauth2(usOfficer).get("/api/v1/deliveries/" + id).then().statusCode(200)
                .body("delivery.status", equalTo("DEAD"))
                .body("attemptHistory.attempt", equalTo(List.of(1, 2, 3, 4, 5, 6, 7, 8)))
                .body("attemptHistory.outcome", equalTo(List.of("RETRY", "RETRY", "RETRY", "RETRY", "RETRY", "RETRY",
                        "RETRY", "DEAD")))
                .body("attemptHistory[0].httpStatus", equalTo(503));
        List<String> actions = await().atMost(Duration.ofSeconds(15)).until(() -> auditActions(report),
                a -> a.contains("DELIVERY_DEAD") && a.stream().filter("DELIVERY_ATTEMPTED"::equals).count() == 8);
        assertEquals(1, actions.stream().filter("DELIVERY_DEAD"::equals).count(), actions.toString());
        Map<String, Object> health = healthOf("MX-DOWN", admin);
        assertEquals(1, health.get("deadLetters"));
        assertEquals(0, health.get("backlog"));
        assertEquals(1.0f, ((Number) health.get("failureRate")).floatValue());
        assertNull(health.get("lastSuccessAt"));

        // only the originating country's officers see it or replay it; partners and admins do not
        given().auth().oauth2(cnOfficer).get("/api/v1/deliveries/" + id).then().statusCode(404);
        given().auth().oauth2(cnOfficer).post("/api/v1/deliveries/" + id + "/redelivery").then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US")).post("/api/v1/deliveries/" + id
                + "/redelivery").then().statusCode(403);
        given().auth().oauth2(admin).post("/api/v1/deliveries/" + id + "/redelivery").then().statusCode(403);

        unstub(); // the partner is back
        given().auth().oauth2(usOfficer).post("/api/v1/deliveries/" + id + "/redelivery").then().statusCode(202)
                .body("status", equalTo("PENDING")).body("attempts", equalTo(0)).body("id", equalTo(id));
        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(report), "DELIVERED"::equals);
        assertEquals(1, deliveryOf(report).getInt("attempts"));
        List<LoggedRequest> all = requestsTo("MX-DOWN", report);
        assertEquals(9, all.size());
        assertEquals(1, all.stream().map(r -> r.getHeader("X-Cnx-Delivery-Id")).distinct().count(),
                "a replay carries the same delivery id, so the partner can drop a duplicate");
        PartnerInbox.verify(all.get(8));
        Map<String, Object> requeued = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.auditEvents(partners, report, "DELIVERY_REQUEUED").stream().findFirst()
                        .orElse(null), e -> e != null);
        assertEquals("officer-us-delivery", PartnerInbox.actorOf(requeued));
        assertEquals("DEAD", ((Map<?, ?>) requeued.get("details")).get("previousStatus"));
        await().atMost(Duration.ofSeconds(15)).until(() -> auditActions(report).contains("DELIVERY_SUCCEEDED"));
        Map<String, Object> recovered = healthOf("MX-DOWN", admin);
        assertNotNull(recovered.get("lastSuccessAt"));
        assertEquals(0, recovered.get("deadLetters"));
        assertEquals(8.0f / 9, ((Number) recovered.get("failureRate")).floatValue(), 0.001);
        // an officer sees the endpoint's state and failure rate, not the counts of every country's deliveries
        Map<String, Object> asOfficer = healthOf("MX-DOWN", cnOfficer);
        assertEquals(recovered.get("lastSuccessAt"), asOfficer.get("lastSuccessAt"));
        assertEquals(8.0f / 9, ((Number) asOfficer.get("failureRate")).floatValue(), 0.001);
        assertEquals(Set.of("partner", "active", "lastSuccessAt", "lastAttemptAt", "failureRate"), asOfficer.keySet());

        // a delivered one is not replayed
        given().auth().oauth2(usOfficer).post("/api/v1/deliveries/" + id + "/redelivery").then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void aGoneEndpointIsDisabledAndItsDeliveriesWaitUntilAnAdminReEnablesIt() {
        register("MX-GONE", true);
        stub(post(urlEqualTo("/partners/MX-GONE/deliveries")).willReturn(aResponse().withStatus(410)));
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String handling = "{\"releasableTo\":[\"MX-GONE\"]}";
        Reports.handOver(Reports.message(first, "US-CBP", "US", "GREEN", handling),
                Reports.message(second, "US-CBP", "US", "GREEN", handling)).statusCode(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> given().auth().oauth2(admin).get("/api/v1/partners/MX-GONE")
                .then().statusCode(200).extract().<Boolean>path("active"), active -> !active);
        given().auth().oauth2(admin).get("/api/v1/partners/MX-GONE").then()
                .body("disabledReason", containsString("410 Gone")).body("disabledAt", org.hamcrest.Matchers.notNullValue());
        int sent = partners.findAll(postRequestedFor(urlEqualTo("/partners/MX-GONE/deliveries"))).size();
        assertTrue(sent >= 1 && sent <= 2, "each delivery was tried at most once: " + sent);
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(sent, partners.findAll(postRequestedFor(urlEqualTo("/partners/MX-GONE/deliveries"))).size(),
                "nothing more goes to a disabled endpoint");
        assertEquals("PENDING", statusOf(first), "pending deliveries wait; they are not failed");
        assertEquals("PENDING", statusOf(second));
        Map<String, Object> health = healthOf("MX-GONE", admin);
        assertEquals(false, health.get("active"));
        assertEquals(2, health.get("backlog"));
        assertNotNull(health.get("disabledAt"));
        Map<String, Object> disabled = partnerChanged("MX-GONE", d -> "DISABLED".equals(d.get("change")));
        assertEquals("cnx-sharing", PartnerInbox.actorOf(disabled));
        // a report handed over while the endpoint is disabled waits with the others: it was never shared with the
        // partner, once it was back, and nobody was told
        UUID meanwhile = UUID.randomUUID();
        Reports.handOver(Reports.message(meanwhile, "US-CBP", "US", "GREEN", handling)).statusCode(200);
        assertEquals("PENDING", statusOf(meanwhile));

        // the partner fixed its endpoint; an exchange-admin re-enables it and the waiting deliveries go
        unstub();
        register("MX-GONE", true);
        given().auth().oauth2(admin).get("/api/v1/partners/MX-GONE").then().statusCode(200)
                .body("active", equalTo(true)).body("disabledAt", nullValue()).body("disabledReason", nullValue());
        await().atMost(Duration.ofSeconds(15)).until(() -> "DELIVERED".equals(statusOf(first))
                && "DELIVERED".equals(statusOf(second)) && "DELIVERED".equals(statusOf(meanwhile)));
    }

    /** An admin's switch-off of an endpoint the relay disabled stops the decisions for it, as any switch-off does. */
    @Test
    void anAdminsSwitchOffOfADisabledEndpointStopsTheDecisionsForIt() {
        register("MX-SWITCHED", true);
        stub(post(urlEqualTo("/partners/MX-SWITCHED/deliveries")).willReturn(aResponse().withStatus(410)));
        String handling = "{\"releasableTo\":[\"MX-SWITCHED\"]}";
        UUID first = UUID.randomUUID();
        Reports.handOver(Reports.message(first, "US-CBP", "US", "GREEN", handling)).statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> given().auth().oauth2(admin)
                .get("/api/v1/partners/MX-SWITCHED").then().statusCode(200).extract().<Boolean>path("active"),
                active -> !active);

        register("MX-SWITCHED", false);
        given().auth().oauth2(admin).get("/api/v1/partners/MX-SWITCHED").then().statusCode(200)
                .body("active", equalTo(false)).body("disabledAt", nullValue());
        UUID later = UUID.randomUUID();
        Reports.handOver(Reports.message(later, "US-CBP", "US", "GREEN", handling)).statusCode(200);
        given().auth().oauth2(usOfficer).queryParam("reportId", later).get("/api/v1/releases").then().statusCode(200)
                .body("items.partner", not(hasItem("MX-SWITCHED")));
        assertEquals("PENDING", statusOf(first), "what was decided before waits");
    }

    @Test
    void aPartnersNewEndpointGetsTheDeliveriesWaitingOutABackoffAtOnce() {
        register("MX-MOVED", true);
        busyForAnHour("MX-MOVED");
        UUID report = handOverTo("MX-MOVED");
        UUID unchanged = UUID.randomUUID();
        register("MX-STAYS", true);
        busyForAnHour("MX-STAYS");
        Reports.handOver(Reports.message(unchanged, "US-CBP", "US", "GREEN", "{\"releasableTo\":[\"MX-STAYS\"]}"))
                .statusCode(200);
        for (UUID waiting : List.of(report, unchanged)) {
            JsonPath delivery = await().atMost(Duration.ofSeconds(15)).until(() -> deliveryOf(waiting),
                    d -> d.getInt("attempts") == 1 && d.getString("nextAttemptAt") != null);
            assertTrue(Instant.parse(delivery.getString("nextAttemptAt")).isAfter(Instant.now().plusSeconds(3000)),
                    "an hour's wait, as the partner asked: " + delivery.getString("nextAttemptAt"));
        }

        // the partner moved: with its new endpoint registered, the delivery goes there now, not in an hour; it
        // used to wait out the backoff earned at the old address (up to 12 h), and an officer could not replay it
        unstub();
        register("MX-MOVED", partners.baseUrl().replace("localhost", "127.0.0.1"), true);
        register("MX-STAYS", true); // the same endpoint: nothing to retry early
        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(report), "DELIVERED"::equals);
        assertEquals(2, requestsTo("MX-MOVED", report).size());
        Map<String, Object> moved = partnerChanged("MX-MOVED", d -> d.containsKey("deliveriesDueNow"));
        assertEquals(1, ((Map<?, ?>) moved.get("details")).get("deliveriesDueNow"));
        assertEquals("PENDING", statusOf(unchanged));
        assertEquals(1, requestsTo("MX-STAYS", unchanged).size());
    }

    @Test
    void anAnswerFromAPartnersOldEndpointNeitherDisablesNorHoldsUpItsNewOne() {
        register("MX-MOVING", true);
        UUID gone = UUID.randomUUID();
        UUID busy = UUID.randomUUID();
        UUID notFound = UUID.randomUUID();
        // the old endpoint answers slowly: the exchange-admin moves the partner while the attempts are in flight
        stub(post(urlEqualTo("/partners/MX-MOVING/deliveries")).withRequestBody(containing(gone.toString()))
                .willReturn(aResponse().withStatus(410).withFixedDelay(1500)));
        stub(post(urlEqualTo("/partners/MX-MOVING/deliveries")).withRequestBody(containing(busy.toString()))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3600").withFixedDelay(1500)));
        stub(post(urlEqualTo("/partners/MX-MOVING/deliveries")).withRequestBody(containing(notFound.toString()))
                .willReturn(aResponse().withStatus(404).withFixedDelay(1500)));
        String handling = "{\"releasableTo\":[\"MX-MOVING\"]}";
        Reports.handOver(Reports.message(gone, "US-CBP", "US", "GREEN", handling),
                Reports.message(busy, "US-CBP", "US", "GREEN", handling),
                Reports.message(notFound, "US-CBP", "US", "GREEN", handling)).statusCode(200);
        // WireMock logs a request as it arrives, before the delay
        for (UUID report : List.of(gone, busy, notFound)) {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> requestsTo("MX-MOVING", report).size() == 1);
        }
        String moved = partners.baseUrl() + "/partners/MX-MOVING/v2/deliveries";
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"name":"Test partner MX-MOVING","country":"MX","endpoint":"%s","acceptedTypes":["PRECURSOR_SHIPMENT"],
                 "maxTlp":"AMBER","active":true}""".formatted(moved)).put("/api/v1/partners/MX-MOVING").then()
                .statusCode(200);

        // the old address's 410 does not disable the new one, its 503 does not hold the record back an hour, and its
        // 404 (nothing there any more) does not fail the record for good
        for (UUID report : List.of(gone, busy, notFound)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(report), "DELIVERED"::equals);
            assertEquals(1, partners.findAll(postRequestedFor(urlEqualTo("/partners/MX-MOVING/v2/deliveries"))
                    .withRequestBody(containing(report.toString()))).size());
        }
        given().auth().oauth2(admin).get("/api/v1/partners/MX-MOVING").then().statusCode(200)
                .body("active", equalTo(true)).body("disabledAt", nullValue());
        // the 404 failed the record at the old address, and the log says why it went out again: an auditor saw FAILED,
        // then a fresh first attempt and a success, with no event between
        Map<String, Object> requeued = await().atMost(Duration.ofSeconds(15)).until(
                () -> PartnerInbox.auditEvents(partners, notFound, "DELIVERY_REQUEUED"), l -> !l.isEmpty()).get(0);
        assertEquals("cnx-sharing", PartnerInbox.actorOf(requeued));
        Map<?, ?> details = (Map<?, ?>) requeued.get("details");
        assertEquals("FAILED", details.get("previousStatus"));
        assertTrue(String.valueOf(details.get("reason")).startsWith("the partner moved to another endpoint"),
                details.toString());
        assertTrue(String.valueOf(details.get("reason")).endsWith("tried again at the new one"), details.toString());
        assertEquals(1, details.get("previousAttempts"));
        assertEquals(List.of(), PartnerInbox.auditEvents(partners, busy, "DELIVERY_REQUEUED"),
                "a retry was never out of the queue");
    }

    @Test
    void anAnswerFromARemovedPartnersEndpointSendsNothingToOneRegisteredAgainUnderItsCode() {
        register("MX-AGAIN", true);
        UUID report = handOverTo("MX-AGAIN");
        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(report), "DELIVERED"::equals);
        // the report is withdrawn; the recall's endpoint answers slowly, and meanwhile the partner is removed and its
        // code registered again elsewhere
        stub(post(urlEqualTo("/partners/MX-AGAIN/deliveries")).withRequestBody(containing("\"type\":\"RECALL\""))
                .willReturn(aResponse().withStatus(404).withFixedDelay(1500)));
        given().auth().oauth2(Reports.intakeToken()).contentType("application/json")
                .body("[{\"reportId\":\"" + report + "\",\"agency\":\"US-CBP\",\"reason\":\"source compromised\","
                        + "\"withdrawnAt\":\"" + Instant.now() + "\"}]")
                .post("/internal/v1/recalls").then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> requestsTo("MX-AGAIN", report).size() == 2);
        given().auth().oauth2(admin).delete("/api/v1/partners/MX-AGAIN").then().statusCode(204);
        register("MX-AGAIN", partners.baseUrl() + "/elsewhere", "AMBER", true).statusCode(201);

        // the removal failed the recall for the partner it was meant for: the new registrant hears nothing of the
        // originator's report, nor of its withdrawal
        // once the attempt in flight is recorded (its 404 in the history; the delivery keeps the removal's reason)
        String recall = recallOf(report).getString("id");
        await().atMost(Duration.ofSeconds(15)).until(() -> given().auth().oauth2(usOfficer)
                .get("/api/v1/deliveries/" + recall).then().statusCode(200).extract().jsonPath()
                .getList("attemptHistory.httpStatus"), history -> history.contains(404));
        assertEquals("FAILED", recallOf(report).getString("status"));
        assertEquals("partner is not registered", recallOf(report).getString("lastError"));
        assertEquals(0, partners.findAll(postRequestedFor(urlEqualTo("/elsewhere/partners/MX-AGAIN/deliveries")))
                .size());
    }

    /**
     * A report delivered to a partner whose code an admin then removed and registered again, for another endpoint:
     * its withdrawal, before or after the code came back, recalls nothing to the code's new holder, who never had the
     * report. The recall fails at once, audited, and an officer cannot replay it to the new holder.
     */
    @Test
    void aWithdrawalAfterAPartnersCodeWasRegisteredAgainSendsItsRecallToNoNewHolder() {
        register("MX-HOLDER", true);
        UUID whileAway = handOverTo("MX-HOLDER");
        UUID afterReturn = handOverTo("MX-HOLDER");
        for (UUID report : List.of(whileAway, afterReturn)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(report), "DELIVERED"::equals);
        }
        given().auth().oauth2(admin).delete("/api/v1/partners/MX-HOLDER").then().statusCode(204);
        withdraw(whileAway);
        register("MX-HOLDER", partners.baseUrl() + "/elsewhere", "AMBER", true).statusCode(201);
        withdraw(afterReturn);

        for (UUID report : List.of(whileAway, afterReturn)) {
            JsonPath recall = recallOf(report);
            assertEquals("FAILED", recall.getString("status"), recall.prettify());
            assertEquals("the partner that may hold the record is no longer registered", recall.getString("lastError"));
            assertEquals(0, recall.getInt("attempts"));
            given().auth().oauth2(usOfficer).post("/api/v1/deliveries/" + recall.getString("id") + "/redelivery")
                    .then().statusCode(409).body("detail", containsString("not the one that may hold the record"));
            List<String> actions = await().atMost(Duration.ofSeconds(15)).until(() -> auditActions(report),
                    a -> a.contains("DELIVERY_FAILED"));
            assertTrue(actions.containsAll(List.of("RECALL_SENT", "DELIVERY_FAILED")), actions.toString());
            // a recall that never left is no success in the log
            Map<String, Object> sent = PartnerInbox.auditEvents(partners, report, "RECALL_SENT").get(0);
            assertEquals("FAILURE", sent.get("outcome"), sent.toString());
            assertEquals("the partner that may hold the record is no longer registered",
                    ((Map<?, ?>) sent.get("details")).get("error"));
            assertEquals("DELIVERED", ((Map<?, ?>) sent.get("details")).get("recordStatus"));
        }
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(0, partners.findAll(postRequestedFor(urlEqualTo("/elsewhere/partners/MX-HOLDER/deliveries")))
                .size(), "the new holder hears nothing of the report nor of its withdrawal");
    }

    private static void withdraw(UUID report) {
        given().auth().oauth2(Reports.intakeToken()).contentType("application/json").body("""
                [{"reportId":"%s","agency":"US-CBP","reason":"source compromised","withdrawnAt":"%s"}]"""
                .formatted(report, Instant.now())).post("/internal/v1/recalls").then().statusCode(200);
    }

    private JsonPath recallOf(UUID reportId) {
        JsonPath page = given().auth().oauth2(usOfficer).queryParam("reportId", reportId).get("/api/v1/deliveries")
                .then().statusCode(200).extract().jsonPath();
        return new JsonPath(page.prettify()).setRootPath("items.find { it.kind == 'RECALL' }");
    }

    @Test
    void aPartnersLoweredClearanceCancelsWhatWaitsAboveIt() {
        register("MX-LOWERED", true);
        busyForAnHour("MX-LOWERED");
        String handling = "{\"releasableTo\":[\"MX-LOWERED\"]}";
        UUID approved = UUID.randomUUID();
        UUID awaiting = UUID.randomUUID();
        UUID green = UUID.randomUUID();
        Reports.handOver(Reports.message(approved, "US-CBP", "US", "AMBER", handling),
                Reports.message(awaiting, "US-CBP", "US", "AMBER", handling),
                Reports.message(green, "US-CBP", "US", "GREEN", handling)).statusCode(200);
        String approvedRelease = releaseOf(approved, "MX-LOWERED");
        String awaitingRelease = releaseOf(awaiting, "MX-LOWERED");
        given().auth().oauth2(usOfficer).contentType("application/json").body("{}")
                .post("/api/v1/releases/" + approvedRelease + "/approvals").then().statusCode(200);
        for (UUID waiting : List.of(approved, green)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> deliveryOf(waiting), d -> d.getInt("attempts") == 1
                    && d.getString("nextAttemptAt") != null);
        }

        // the partner's clearance drops to GREEN: the AMBER record waiting out its backoff went out on the retry, and
        // an officer could still approve the other AMBER release to it
        register("MX-LOWERED", partners.baseUrl(), "GREEN", true).statusCode(200).body("releasesCancelled", equalTo(2));
        int version = given().auth().oauth2(admin).get("/api/v1/policy").then().extract().path("version");
        String reason = "as MX-LOWERED is now registered, policy version " + version
                + " denies it: MX-LOWERED accepts at most TLP:GREEN, the report is TLP:AMBER";
        for (String release : List.of(approvedRelease, awaitingRelease)) {
            given().auth().oauth2(usOfficer).get("/api/v1/releases/" + release).then().statusCode(200)
                    .body("status", equalTo("CANCELLED")).body("rejectionReason", equalTo(reason));
        }
        assertEquals("CANCELLED", statusOf(approved));
        assertEquals("PENDING", statusOf(green), "GREEN is within the clearance: it still goes");
        given().auth().oauth2(usOfficer).contentType("application/json").body("{}")
                .post("/api/v1/releases/" + awaitingRelease + "/approvals").then().statusCode(409)
                .body("detail", equalTo("The release is CANCELLED (" + reason + "), not waiting for approval."));
        Map<String, Object> changed = partnerChanged("MX-LOWERED", d -> d.containsKey("releasesCancelled"));
        assertEquals(2, ((Map<?, ?>) changed.get("details")).get("releasesCancelled"));
        for (UUID report : List.of(approved, awaiting)) {
            Map<String, Object> cancelled = await().atMost(Duration.ofSeconds(15)).until(() -> PartnerInbox
                    .auditEvents(partners, report, "RELEASE_CANCELLED"), l -> !l.isEmpty()).get(0);
            assertEquals("admin-delivery", PartnerInbox.actorOf(cancelled));
        }

        // the partner answers again (at a new address, so that nothing waits out the hour): only GREEN goes
        unstub();
        register("MX-LOWERED", partners.baseUrl().replace("localhost", "127.0.0.1"), "GREEN", true);
        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(green), "DELIVERED"::equals);
        assertEquals(1, requestsTo("MX-LOWERED", approved).size(), "the AMBER record is not sent again");
        assertEquals(0, requestsTo("MX-LOWERED", awaiting).size());
        assertEquals("CANCELLED", statusOf(approved));

        // the originator withdraws both: its one attempt may have reached the partner (a 503 after storing it, a
        // time-out), so the partner is told to drop it; nothing ever went for the other
        for (UUID withdrawn : List.of(approved, awaiting)) {
            given().auth().oauth2(Reports.intakeToken()).contentType("application/json").body("""
                    [{"reportId":"%s","agency":"US-CBP","withdrawnAt":"%s"}]""".formatted(withdrawn, Instant.now()))
                    .post("/internal/v1/recalls").then().statusCode(200);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> requestsTo("MX-LOWERED", approved).stream()
                .filter(r -> r.getBodyAsString().contains("\"RECALL\"")).count(), n -> n == 1);
        assertEquals(0, requestsTo("MX-LOWERED", awaiting).size());
    }

    @Test
    void aReportTypeAPartnerNoLongerAcceptsIsNotSentOnTheRetryNorReplayed() {
        register("MX-RETYPED", true);
        UUID refused = handOverTo("MX-RETYPED", 422);
        busyForAnHour("MX-RETYPED");
        UUID report = handOverTo("MX-RETYPED");
        await().atMost(Duration.ofSeconds(15)).until(() -> deliveryOf(report), d -> d.getInt("attempts") == 1);
        assertEquals("FAILED", statusOf(refused));

        reRegister("MX-RETYPED", "MX", "SEIZURE");
        assertEquals("CANCELLED", statusOf(report));
        given().auth().oauth2(usOfficer).get("/api/v1/releases/" + releaseOf(report, "MX-RETYPED")).then()
                .statusCode(200).body("status", equalTo("CANCELLED")).body("rejectionReason",
                        endsWith(" denies it: MX-RETYPED does not accept reports of type PRECURSOR_SHIPMENT"));
        // a failed delivery an officer could have replayed to the partner as it now is: it keeps its history
        assertEquals("FAILED", statusOf(refused));
        given().auth().oauth2(usOfficer).post("/api/v1/deliveries/" + deliveryOf(refused).getString("id")
                + "/redelivery").then().statusCode(409).body("detail",
                        equalTo("The release is CANCELLED; its record is not sent again."));
    }

    @Test
    void aRedeliveryRacingAChangeThatCancelsItsReleaseIsRefusedAndSendsNothing() throws Exception {
        register("MX-RACING", true);
        UUID report = handOverTo("MX-RACING", 422);
        String delivery = deliveryOf(report).getString("id");
        UUID release = UUID.fromString(releaseOf(report, "MX-RACING"));
        CompletableFuture<Void> change;
        CompletableFuture<ExtractableResponse<Response>> redelivery;
        try (Connection audit = dataSource.getConnection()) {
            // the registry change cancels the release, then waits to record its events
            audit.setAutoCommit(false);
            audit.createStatement().execute("LOCK TABLE outbox_message IN SHARE MODE");
            change = CompletableFuture.runAsync(() -> reRegister("MX-RACING", "MX", "SEIZURE"));
            await().atMost(Duration.ofSeconds(15)).until(() -> LockWaits.isLocked(dataSource, "release", release));
            redelivery = CompletableFuture.supplyAsync(() -> given().auth().oauth2(usOfficer)
                    .post("/api/v1/deliveries/" + delivery + "/redelivery").then().extract());
            LockWaits.until(dataSource, 2, redelivery);
            audit.rollback();
        }
        change.get(30, TimeUnit.SECONDS);
        ExtractableResponse<Response> refused = redelivery.get(30, TimeUnit.SECONDS);
        assertEquals(409, refused.statusCode(), refused.asString());
        assertEquals("The release is CANCELLED; its record is not sent again.", refused.path("detail"));
        assertEquals("FAILED", statusOf(report));
        assertEquals(1, requestsTo("MX-RACING", report).size(), "the partner got the one refused attempt only");
    }

    @Test
    void aPartnerRegisteredInAnotherCountryGetsNoLongerWhatOnlyCrossedABorder() {
        register("MX-RELOCATED", true);
        busyForAnHour("MX-RELOCATED");
        UUID report = handOverTo("MX-RELOCATED");
        await().atMost(Duration.ofSeconds(15)).until(() -> deliveryOf(report), d -> d.getInt("attempts") == 1);

        // the US report went to it as a foreign partner (green-cross-border): registered as a US agency, nothing
        // in the policy shares a report within its country
        reRegister("MX-RELOCATED", "US", "PRECURSOR_SHIPMENT");
        assertEquals("CANCELLED", statusOf(report));
        given().auth().oauth2(usOfficer).get("/api/v1/releases/" + releaseOf(report, "MX-RELOCATED")).then()
                .statusCode(200).body("rejectionReason",
                        endsWith(" denies it: no rule of the policy matches: denied by default"));
    }

    /** Registers an existing test partner anew, at the same endpoint, with another country or accepted type. */
    private void reRegister(String code, String country, String acceptedType) {
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"name":"Test partner %s","country":"%s","endpoint":"%s/partners/%s/deliveries",
                 "acceptedTypes":["%s"],"maxTlp":"AMBER","active":true}"""
                .formatted(code, country, partners.baseUrl(), code, acceptedType))
                .put("/api/v1/partners/" + code).then().statusCode(200);
    }

    @Test
    void aPartnerRemovedFromTheRegistryGetsNothingDecidedForItWhenItsCodeComesBack() {
        register("MX-REMOVED", true);
        busyForAnHour("MX-REMOVED");
        String handling = "{\"releasableTo\":[\"MX-REMOVED\"]}";
        UUID released = UUID.randomUUID();
        UUID awaiting = UUID.randomUUID();
        UUID withdrawn = UUID.randomUUID();
        Reports.handOver(Reports.message(released, "US-CBP", "US", "GREEN", handling),
                Reports.message(awaiting, "US-CBP", "US", "AMBER", handling),
                Reports.message(withdrawn, "US-CBP", "US", "GREEN", handling)).statusCode(200);
        String awaitingRelease = releaseOf(awaiting, "MX-REMOVED");
        for (UUID report : List.of(released, withdrawn)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> deliveryOf(report), d -> d.getInt("attempts") == 1);
        }
        // its attempt may have reached the partner: the withdrawal recalls it, and the recall waits too
        given().auth().oauth2(Reports.intakeToken()).contentType("application/json").body("""
                [{"reportId":"%s","agency":"US-CBP","withdrawnAt":"%s"}]""".formatted(withdrawn, Instant.now()))
                .post("/internal/v1/recalls").then().statusCode(200);
        String recall = given().auth().oauth2(usOfficer).queryParam("reportId", withdrawn).get("/api/v1/deliveries")
                .then().statusCode(200).extract().path("items.find { it.kind == 'RECALL' }.id");

        given().auth().oauth2(admin).delete("/api/v1/partners/MX-REMOVED").then().statusCode(204);
        // the recall fails with the removal, not when housekeeping next finds it: a partner registered under the code
        // meanwhile would have got it, with the withdrawal's reason
        given().auth().oauth2(usOfficer).get("/api/v1/deliveries/" + recall).then().statusCode(200)
                .body("delivery.status", equalTo("FAILED"))
                .body("delivery.lastError", equalTo("partner is not registered"));
        Map<String, Object> recallFailed = await().atMost(Duration.ofSeconds(15)).until(() -> PartnerInbox
                .auditEvents(partners, withdrawn, "DELIVERY_FAILED"), l -> !l.isEmpty()).get(0);
        assertEquals("admin-delivery", PartnerInbox.actorOf(recallFailed));
        int recallsSent = requestsTo("MX-REMOVED", withdrawn).size();
        for (UUID report : List.of(released, awaiting)) {
            given().auth().oauth2(usOfficer).get("/api/v1/releases/" + releaseOf(report, "MX-REMOVED")).then()
                    .statusCode(200).body("status", equalTo("CANCELLED"))
                    .body("rejectionReason", equalTo("MX-REMOVED was removed from the registry"));
        }
        assertEquals("CANCELLED", statusOf(released));
        Map<String, Object> deleted = partnerChanged("MX-REMOVED", d -> "DELETED".equals(d.get("change")));
        assertEquals(2, ((Map<?, ?>) deleted.get("details")).get("releasesCancelled"));

        // the code is registered again, for another agency's endpoint: what was decided for the old one stays put
        unstub();
        register("MX-REMOVED", partners.baseUrl().replace("localhost", "127.0.0.1"), true);
        given().auth().oauth2(usOfficer).contentType("application/json").body("{}")
                .post("/api/v1/releases/" + awaitingRelease + "/approvals").then().statusCode(409);
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(1, requestsTo("MX-REMOVED", released).size(), "the record is not sent to the new registration");
        assertEquals("CANCELLED", statusOf(released));
        assertEquals(recallsSent, requestsTo("MX-REMOVED", withdrawn).size(), "nor the old registration's recall");
    }

    /** Hands a report over to {@code partner}, whose endpoint refuses it with {@code status}, once delivery failed. */
    private UUID handOverTo(String partner, int status) {
        UUID id = UUID.randomUUID();
        stub(post(urlEqualTo("/partners/" + partner + "/deliveries")).withRequestBody(containing(id.toString()))
                .willReturn(aResponse().withStatus(status)));
        Reports.handOver(Reports.message(id, "US-CBP", "US", "GREEN", "{\"releasableTo\":[\"" + partner + "\"]}"))
                .statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(id), "FAILED"::equals);
        return id;
    }

    /** The first PARTNER_CHANGED event of {@code partner} whose details match, once audit-service has it. */
    private Map<String, Object> partnerChanged(String partner, Predicate<Map<?, ?>> details) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> PartnerInbox.auditEvents(partners).stream()
                .filter(e -> "PARTNER_CHANGED".equals(e.get("action"))
                        && partner.equals(((Map<?, ?>) e.get("subject")).get("partner"))
                        && details.test((Map<?, ?>) e.get("details")))
                .toList(), l -> !l.isEmpty()).get(0);
    }

    /** The id of the report's release to {@code partner}, as the US officer lists it. */
    private String releaseOf(UUID reportId, String partner) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> given().auth().oauth2(usOfficer)
                .queryParam("reportId", reportId).queryParam("partner", partner).get("/api/v1/releases").then()
                .statusCode(200).extract().jsonPath().<String>getList("items.id"), ids -> ids.size() == 1).get(0);
    }

    @Test
    void otherClientErrorsAndRedirectsFailAtOnceAndARedirectIsNeverFollowed() {
        register("MX-BAD", true);
        UUID rejected = UUID.randomUUID();
        UUID redirected = UUID.randomUUID();
        stub(post(urlEqualTo("/partners/MX-BAD/deliveries")).withRequestBody(containing(rejected.toString()))
                .willReturn(aResponse().withStatus(422)));
        stub(post(urlEqualTo("/partners/MX-BAD/deliveries")).withRequestBody(containing(redirected.toString()))
                .willReturn(aResponse().withStatus(307).withHeader("Location", partners.baseUrl() + "/elsewhere")));
        String handling = "{\"releasableTo\":[\"MX-BAD\"]}";
        Reports.handOver(Reports.message(rejected, "US-CBP", "US", "GREEN", handling),
                Reports.message(redirected, "US-CBP", "US", "GREEN", handling)).statusCode(200);

        await().atMost(Duration.ofSeconds(15))
                .until(() -> "FAILED".equals(statusOf(rejected)) && "FAILED".equals(statusOf(redirected)));
        assertEquals(422, deliveryOf(rejected).getInt("lastHttpStatus"));
        assertEquals(307, deliveryOf(redirected).getInt("lastHttpStatus"));
        await().pollDelay(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertEquals(1, requestsTo("MX-BAD", rejected).size(), "not retried");
        assertEquals(1, requestsTo("MX-BAD", redirected).size(), "not retried");
        assertTrue(partners.findAll(postRequestedFor(urlPathMatching("/elsewhere.*"))).isEmpty(), "never followed");
        for (UUID report : List.of(rejected, redirected)) {
            List<String> actions = await().atMost(Duration.ofSeconds(15)).until(() -> auditActions(report),
                    a -> a.contains("DELIVERY_FAILED"));
            assertEquals(1, actions.stream().filter("DELIVERY_ATTEMPTED"::equals).count(), actions.toString());
        }
    }

    @Test
    void retryAfterIsHonoured() {
        register("MX-BUSY", true);
        UUID report = UUID.randomUUID();
        stub(post(urlEqualTo("/partners/MX-BUSY/deliveries")).withRequestBody(containing(report.toString()))
                .inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("free"));
        stub(post(urlEqualTo("/partners/MX-BUSY/deliveries")).withRequestBody(containing(report.toString()))
                .inScenario("busy").whenScenarioStateIs("free").willReturn(aResponse().withStatus(200)));
        Reports.handOver(Reports.message(report, "US-CBP", "US", "GREEN", "{\"releasableTo\":[\"MX-BUSY\"]}"))
                .statusCode(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(report), "DELIVERED"::equals);
        List<LoggedRequest> attempts = requestsTo("MX-BUSY", report);
        assertEquals(2, attempts.size());
        long gap = attempts.get(1).getLoggedDate().getTime() - attempts.get(0).getLoggedDate().getTime();
        assertTrue(gap >= 2000, "the second attempt waited for Retry-After (2 s), not the 100 ms backoff: " + gap);
    }

    /** The partner's endpoint answers {@code status} with Retry-After: 3600 to the report's record. */
    private void refuseForAnHour(String partner, UUID report, int status) {
        stub(post(urlEqualTo("/partners/" + partner + "/deliveries")).withRequestBody(containing(report.toString()))
                .willReturn(aResponse().withStatus(status).withHeader("Retry-After", "3600")));
    }

    /** Hands the report over and waits until its first attempt was refused and the next one is about an hour away. */
    private void refusedOnce(String partner, UUID report, int status) {
        refuseForAnHour(partner, report, status);
        Reports.handOver(Reports.message(report, "US-CBP", "US", "GREEN",
                "{\"releasableTo\":[\"" + partner + "\"]}")).statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> deliveryOf(report).getInt("attempts") == 1
                && deliveryOf(report).getString("nextAttemptAt") != null);
        assertWaitsAboutAnHour(report);
    }

    private void assertWaitsAboutAnHour(UUID report) {
        JsonPath delivery = deliveryOf(report);
        assertEquals("PENDING", delivery.getString("status"), delivery.prettify());
        assertEquals(1, delivery.getInt("attempts"), delivery.prettify());
        assertTrue(Instant.parse(delivery.getString("nextAttemptAt")).isAfter(Instant.now().plusSeconds(3000)),
                delivery.prettify());
    }

    /**
     * A partner down for a while (every attempt refused, none landed within cnx.delivery.outage-after) had its
     * records' next attempts up to hours away, and they reached it that much later once it answered again. The first
     * delivery that lands makes them due at once; not one it answered 429 (it asked for fewer requests).
     */
    @Test
    void aPartnerBackAfterAnOutageGetsTheRetriesWaitingOutTheirBackoffAtOnce() {
        register("MX-OUTAGE", true);
        UUID waiting = UUID.randomUUID();
        UUID slowedDown = UUID.randomUUID();
        refusedOnce("MX-OUTAGE", waiting, 503);
        refusedOnce("MX-OUTAGE", slowedDown, 429);

        unstub(); // the partner is back, and answers 200 to all
        UUID first = handOverTo("MX-OUTAGE");
        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(first), "DELIVERED"::equals);

        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(waiting), "DELIVERED"::equals);
        assertEquals(2, requestsTo("MX-OUTAGE", waiting).size());
        assertWaitsAboutAnHour(slowedDown);
        assertEquals(1, requestsTo("MX-OUTAGE", slowedDown).size());
    }

    /**
     * A record the partner keeps refusing (a bug of its own fails it with a 5xx) while it takes others waits out its
     * backoff: tried again after every other delivery that lands, it was dead-lettered within minutes.
     */
    @Test
    void aRecordAPartnerRefusesWhileItTakesOthersWaitsOutItsBackoff() {
        register("MX-STEADY", true);
        UUID before = handOverTo("MX-STEADY");
        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(before), "DELIVERED"::equals);
        UUID refused = UUID.randomUUID();
        refusedOnce("MX-STEADY", refused, 503);

        assertStillWaitingAfterTwoOthersLand("MX-STEADY", refused);
    }

    /**
     * Two more records land at {@code partner}, the second a poll interval or more after the first (what the first
     * brought forward would be sent by then), and {@code refused} still waits out its first backoff.
     */
    private void assertStillWaitingAfterTwoOthersLand(String partner, UUID refused) {
        for (int i = 0; i < 2; i++) {
            UUID other = handOverTo(partner);
            await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(other), "DELIVERED"::equals);
        }
        assertWaitsAboutAnHour(refused);
        assertEquals(1, requestsTo(partner, refused).size());
    }

    /**
     * At a partner that takes a record every few minutes or less often, no delivery landed within the outage window
     * before each one that does: a record its bug fails with a 500 was then due at once after every other report,
     * and dead-lettered within hours, not the day its backoff gives it. Only a failure that looks like the partner
     * being away (no answer, 408, 502, 503, 504) comes due on its return.
     */
    @Test
    void aRecordAQuietPartnerFailsWithA500WaitsOutItsBackoff() {
        register("MX-QUIET", true);
        UUID buggy = UUID.randomUUID();
        refusedOnce("MX-QUIET", buggy, 500);

        unstub(); // it answers 200 to all now, but nothing says its bug was fixed
        assertStillWaitingAfterTwoOthersLand("MX-QUIET", buggy);
    }

    @Test
    void officersSeeTheirCountrysDeliveriesPageByPageInOneQueryEach() {
        register("MX-LIST", true);
        List<UUID> usReports = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        UUID cnReport = UUID.randomUUID();
        String handling = "{\"releasableTo\":[\"MX-LIST\"]}";
        Reports.handOver(usReports.stream().map(id -> Reports.message(id, "US-CBP", "US", "GREEN", handling))
                .toArray(String[]::new)).statusCode(200);
        Reports.handOver(Reports.message(cnReport, "CN-GACC", "CN", "GREEN", handling)).statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> usReports.stream().allMatch(r -> "DELIVERED".equals(statusOf(r))));

        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            var request = given().auth().oauth2(usOfficer).queryParam("partner", "MX-LIST").queryParam("limit", 1);
            if (after != null) {
                request = request.queryParam("after", after);
            }
            JsonPath page = request.get("/api/v1/deliveries").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.reportId"));
            after = page.getString("next");
        } while (after != null);
        assertEquals(usReports.stream().map(UUID::toString).toList(), seen, "oldest first, the US reports only");
        given().auth().oauth2(cnOfficer).queryParam("partner", "MX-LIST").get("/api/v1/deliveries").then()
                .statusCode(200).body("items.reportId", equalTo(List.of(cnReport.toString())));
        given().auth().oauth2(usOfficer).queryParam("partner", "MX-LIST").queryParam("status", "FAILED")
                .get("/api/v1/deliveries").then().statusCode(200).body("items.size()", equalTo(0));

        Statistics statistics = sessions.getStatistics();
        long before = statistics.getPrepareStatementCount();
        given().auth().oauth2(usOfficer).queryParam("limit", 100).get("/api/v1/deliveries").then().statusCode(200);
        long statements = statistics.getPrepareStatementCount() - before;
        assertTrue(statements <= 2, "one query for the page, not one per delivery: " + statements);

        given().auth().oauth2(usOfficer).queryParam("limit", 0).get("/api/v1/deliveries").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("Query parameter 'limit' must be a whole number between 1 and 100: 0."));
        given().auth().oauth2(usOfficer).queryParam("after", "not-a-cursor!").get("/api/v1/deliveries").then()
                .statusCode(400).contentType("application/problem+json");
        // a number this list never wrote: "-1" listed from the start, "+5" and Arabic-Indic "5" from 5
        for (String position : List.of("-1", "+5", "\u0665", "05", "99999999999999999999")) {
            given().auth().oauth2(usOfficer).queryParam("after", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(position.getBytes(StandardCharsets.UTF_8))).get("/api/v1/deliveries").then()
                    .statusCode(400).body("type", equalTo("https://cnx.example/problems/bad-cursor"));
        }
        // typed parameters that JAX-RS could not convert answered an empty 404, as if the list did not exist
        given().auth().oauth2(usOfficer).queryParam("status", "LOST").get("/api/v1/deliveries").then()
                .statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/invalid-parameter"))
                .body("detail", equalTo("Query parameter 'status' must be one of PENDING, DELIVERED, FAILED, DEAD, "
                        + "CANCELLED: LOST."));
        given().auth().oauth2(usOfficer).queryParam("reportId", "42").get("/api/v1/deliveries").then()
                .statusCode(400).body("detail", equalTo("Query parameter 'reportId' is not a UUID: 42."));
    }

    @Test
    void onlyOfficersSeeDeliveriesAndOnlyOfficersAndAdminsSeeHealth() {
        given().get("/api/v1/deliveries").then().statusCode(401);
        given().auth().oauth2(admin).get("/api/v1/deliveries").then().statusCode(403);
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US")).get("/api/v1/deliveries").then()
                .statusCode(403);
        given().auth().oauth2(TestTokens.person("auditor", "US-DEA", "US")).get("/api/v1/deliveries/health").then()
                .statusCode(403);
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US")).get("/api/v1/deliveries/health").then()
                .statusCode(403);
        given().auth().oauth2(usOfficer).get("/api/v1/deliveries/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        Map<String, Object> seeded = healthOf("US-CBP", admin);
        assertEquals(true, seeded.get("active"));
        assertNotNull(seeded.get("backlog"), "an admin gets the counts");
        assertEquals(Set.of("partner", "active"), healthOf("US-CBP", usOfficer).keySet().stream()
                .filter(k -> !k.startsWith("last") && !k.equals("failureRate")).collect(Collectors.toSet()),
                "an officer gets no counts");
        assertEquals("PT1H", given().auth().oauth2(admin).get("/api/v1/deliveries/health").then().extract()
                .path("window"));
        assertTrue(given().auth().oauth2(admin).get("/api/v1/deliveries/health").then().extract().jsonPath()
                .getList("partners.partner").stream().map(Object::toString).collect(Collectors.toList())
                .containsAll(List.of("CN-GACC", "CN-MPS", "CN-NNCC", "US-CBP", "US-DEA", "US-HSI")));
    }

    @Test
    void aPartnerThatTricklesItsAnswerHasTheAttemptCutAtTheDeadlineAndRetried() {
        // the headers come at once, so the request timeout (2 s in tests) is met; the body takes 9 s
        register("MX-TRICKLE", true);
        stub(post(urlEqualTo("/partners/MX-TRICKLE/deliveries"))
                .willReturn(aResponse().withStatus(200).withBody("received").withChunkedDribbleDelay(8, 9_000)));
        UUID report = handOverTo("MX-TRICKLE");

        // cut at connect + request timeout (3 s), long before the body would have ended
        JsonPath cut = await().atMost(Duration.ofSeconds(7)).until(() -> deliveryOf(report),
                d -> d.getString("lastError") != null);
        assertTrue(cut.getString("lastError").contains("no complete response within 3000 ms"), cut.prettify());
        assertNotEquals("DELIVERED", cut.getString("status"), cut.prettify());

        unstub();
        await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(report), "DELIVERED"::equals);
    }

    @Test
    void aPartnerThatNeverAnswersIsCutAtTheRequestTimeoutAndRetried() {
        register("MX-SILENT", true);
        stub(post(urlEqualTo("/partners/MX-SILENT/deliveries")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(8_000)));
        UUID report = handOverTo("MX-SILENT");

        // no byte within the request timeout (2 s in tests) ends the attempt, before the 3 s deadline
        JsonPath cut = await().atMost(Duration.ofSeconds(7)).until(() -> deliveryOf(report),
                d -> d.getString("lastError") != null || "DELIVERED".equals(d.getString("status")));
        assertNotEquals("DELIVERED", cut.getString("status"), cut.prettify());
        assertEquals("timed out waiting for the response", cut.getString("lastError"), cut.prettify());

        unstub();
        await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(report), "DELIVERED"::equals);
    }

    @Test
    void partnersThatHangHoldNoConnectionAnotherPartnerOnTheSameHostWaitsFor() {
        // two partners hang on every request, their 4 lanes each busy; a third partner on the same host (one
        // connection pool) must still get its record at once, not after the hanging requests time out
        for (String code : List.of("MX-HANGA", "MX-HANGB")) {
            register(code, true);
            stub(post(urlEqualTo("/partners/" + code + "/deliveries")).willReturn(aResponse().withStatus(200)
                    .withFixedDelay(8_000)));
        }
        register("MX-PROMPT", true);
        for (int i = 0; i < 4; i++) {
            Reports.handOver(Reports.message(UUID.randomUUID(), "US-CBP", "US", "GREEN",
                    "{\"releasableTo\":[\"MX-HANGA\",\"MX-HANGB\"]}")).statusCode(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> partners.findAll(postRequestedFor(
                urlPathMatching("/partners/MX-HANG./deliveries"))).size() >= 8);

        long handedOver = System.currentTimeMillis();
        UUID report = handOverTo("MX-PROMPT");
        await().atMost(Duration.ofSeconds(10)).until(() -> !requestsTo("MX-PROMPT", report).isEmpty());
        long took = requestsTo("MX-PROMPT", report).get(0).getLoggedDate().getTime() - handedOver;
        assertTrue(took < 1_000, "MX-PROMPT's record arrived " + took + " ms after the hand-over");
        await().atMost(Duration.ofSeconds(5)).until(() -> statusOf(report), "DELIVERED"::equals);
        assertEquals(1, deliveryOf(report).getInt("attempts"));
    }

    @Test
    void aPartnerEndpointWhoseCertificateNoTrustedAuthoritySignedGetsNothing() {
        // the endpoint could be anyone's: the record must not leave, and the attempt fails as a TLS error (retried,
        // as the partner may fix its certificate)
        WireMockServer impostor = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort());
        impostor.start();
        try {
            impostor.stubFor(post(urlPathMatching("/partners/.*")).willReturn(aResponse().withStatus(200)));
            register("MX-TLS", "https://localhost:" + impostor.httpsPort(), true);
            UUID report = handOverTo("MX-TLS");

            JsonPath refused = await().atMost(Duration.ofSeconds(15)).until(() -> deliveryOf(report),
                    d -> d.getString("lastError") != null || "DELIVERED".equals(d.getString("status")));
            assertNotEquals("DELIVERED", refused.getString("status"), refused.prettify());
            assertTrue(refused.getString("lastError").contains("SSLHandshakeException"), refused.prettify());
            assertEquals(List.of(), impostor.findAll(postRequestedFor(urlPathMatching("/partners/.*"))),
                    "nothing reached the endpoint");
        } finally {
            impostor.stop();
        }
    }

    @Test
    void deliveriesStartNoThreadOfTheirOwn() {
        // where the common pool has one thread (2 cores), the JDK client's sendAsync started a thread per response
        register("MX-MANY", true);
        UUID warm = handOverTo("MX-MANY");
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).until(() -> statusOf(warm), "DELIVERED"::equals);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();

        List<UUID> reports = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            UUID id = UUID.randomUUID();
            reports.add(id);
            messages.add(Reports.message(id, "US-CBP", "US", "GREEN", "{\"releasableTo\":[\"MX-MANY\"]}"));
        }
        Reports.handOver(messages.toArray(String[]::new)).statusCode(200);
        await().pollInSameThread().atMost(Duration.ofSeconds(30))
                .until(() -> reports.stream().allMatch(id -> !requestsTo("MX-MANY", id).isEmpty()));

        long started = threads.getTotalStartedThreadCount() - before;
        assertTrue(started < 20, started + " threads started for 40 deliveries");
    }
}
