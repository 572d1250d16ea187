package org.cnx.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

/** Withdrawals from intake: pending releases cancelled, partners that got the record sent a signed RECALL. */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class RecallTest {

    @InjectWireMock
    WireMockServer partners;

    @Inject
    DataSource dataSource;

    private static ValidatableResponse recall(String... notices) {
        return given().auth().oauth2(Reports.intakeToken()).contentType("application/json")
                .body("[" + String.join(",", notices) + "]").post("/internal/v1/recalls").then();
    }

    /** A withdrawal as an intake-service older than {@code withdrawnBy} sent it. */
    private static String notice(UUID reportId, String agency, String reason) {
        return "{\"reportId\":\"%s\",\"agency\":\"%s\",\"reason\":\"%s\",\"withdrawnAt\":\"%s\"}"
                .formatted(reportId, agency, reason, Instant.parse("2026-11-28T10:15:30Z"));
    }

    private static String notice(UUID reportId, String agency, String reason, String withdrawnBy) {
        return notice(reportId, agency, reason).replace("}", ",\"withdrawnBy\":\"" + withdrawnBy + "\"}");
    }

    private static JsonPath releasesOf(String officer, UUID reportId) {
        return given().auth().oauth2(officer).queryParam("reportId", reportId).get("/api/v1/releases").then()
                .statusCode(200).extract().jsonPath();
    }

    @Test
    void aWithdrawalCancelsWhatWaitsAndRecallsWhatLeft() throws Exception {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", "AMBER", null)).statusCode(200);
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-r");
        JsonPath before = releasesOf(officer, id);
        String toDea = before.getString("items.find { it.partner == 'US-DEA' }.id");
        String toHsi = before.getString("items.find { it.partner == 'US-HSI' }.id");
        given().auth().oauth2(officer).contentType("application/json").body("{}")
                .post("/api/v1/releases/" + toDea + "/approvals").then().statusCode(200).body("status", equalTo("RELEASED"));
        LoggedRequest record = await().atMost(Duration.ofSeconds(30))
                .until(() -> PartnerInbox.deliveriesOf(partners, id), list -> list.size() == 1).get(0);

        recall(notice(id, "CN-GACC", "source compromised", "cn-gacc-analyst-7")).statusCode(200)
                .body("accepted", equalTo(1)).body("duplicates", equalTo(0)).body("refused", equalTo(0));

        JsonPath after = releasesOf(officer, id);
        assertEquals("RECALLED", after.getString("items.find { it.partner == 'US-DEA' }.status"));
        assertEquals(List.of("CANCELLED", "CANCELLED"),
                after.getList("items.findAll { it.partner == 'US-CBP' || it.partner == 'US-HSI' }.status"));
        given().auth().oauth2(officer).get("/api/v1/releases/" + toHsi).then().statusCode(200)
                .body("rejectionReason", equalTo("withdrawn by CN-GACC: source compromised"));
        given().auth().oauth2(officer).contentType("application/json").body("{}")
                .post("/api/v1/releases/" + toHsi + "/approvals").then().statusCode(409);

        // US-DEA, which got the record, gets a signed recall on the same endpoint; no one else gets anything
        List<LoggedRequest> sent = await().atMost(Duration.ofSeconds(30))
                .until(() -> PartnerInbox.deliveriesOf(partners, id), list -> list.size() == 2);
        LoggedRequest recall = sent.stream().filter(r -> r.getBodyAsString().startsWith("{\"type\":\"RECALL\""))
                .findFirst().orElseThrow();
        assertEquals("US-DEA", PartnerInbox.partnerOf(recall));
        PartnerInbox.verify(recall);
        assertNotEquals(record.getHeader("X-Cnx-Delivery-Id"), recall.getHeader("X-Cnx-Delivery-Id"));
        assertEquals("{\"type\":\"RECALL\",\"reportId\":\"" + id + "\",\"reason\":\"source compromised\","
                + "\"withdrawnAt\":\"2026-11-28T10:15:30Z\"}", recall.getBodyAsString());

        // audited: the recall sent and the two cancellations
        List<Map<String, Object>> events = await().atMost(Duration.ofSeconds(30)).until(
                () -> PartnerInbox.auditEvents(partners, id).stream()
                        .filter(e -> List.of("RECALL_SENT", "RELEASE_CANCELLED", "RELEASE_REJECTED").contains(e.get("action")))
                        .toList(), l -> l.size() == 3);
        assertEquals(List.of("RECALL_SENT", "RELEASE_CANCELLED", "RELEASE_CANCELLED"),
                events.stream().map(e -> e.get("action").toString()).sorted().toList(),
                "the recall, and the two releases cancelled (not rejected: no officer decided)");
        Map<String, Object> sentEvent = events.stream().filter(e -> "RECALL_SENT".equals(e.get("action"))).findFirst()
                .orElseThrow();
        assertEquals("US-DEA", ((Map<?, ?>) sentEvent.get("subject")).get("partner"));
        assertEquals(recall.getHeader("X-Cnx-Delivery-Id"), ((Map<?, ?>) sentEvent.get("subject")).get("deliveryId"));
        // by the partner that withdrew the report, as intake names it
        assertEquals(Map.of("sub", "cn-gacc-analyst-7", "agency", "CN-GACC", "roles", List.of("partner")),
                events.get(0).get("actor"));
        assertTrue(events.stream().allMatch(e -> events.get(0).get("actor").equals(e.get("actor"))));

        // intake re-sending the withdrawal changes nothing
        recall(notice(id, "CN-GACC", "source compromised")).statusCode(200)
                .body("accepted", equalTo(0)).body("duplicates", equalTo(1));
        // sharing's own rows, committed with the answer: one record and one recall, no second recall queued
        given().auth().oauth2(officer).queryParam("reportId", id).get("/api/v1/deliveries").then().statusCode(200)
                .body("items.kind", containsInAnyOrder("RECORD", "RECALL"));
        Thread.sleep(500);
        assertEquals(2, PartnerInbox.deliveriesOf(partners, id).size());
    }

    /**
     * A release is closed when it stops being pending, and again when a withdrawal ends it: one released at once had no
     * {@code closedAt}, and one recalled or cancelled after its release kept its approval's (or none), so that an
     * officer read it as closed before the report was withdrawn.
     */
    @Test
    void aReleaseIsClosedWhenReleasedAndAgainWhenItsReportIsWithdrawn() throws Exception {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", "GREEN", null)).statusCode(200);
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-closed");
        JsonPath released = releasesOf(officer, id);
        List<String> partnersReleased = released.getList("items.findAll { it.status == 'RELEASED' }.partner");
        assertFalse(partnersReleased.isEmpty(), released.prettify());
        assertEquals(released.getList("items.findAll { it.status == 'RELEASED' }.decidedAt"),
                released.getList("items.findAll { it.status == 'RELEASED' }.closedAt"));
        // one released at once before closed_at was kept for such a release reads as closed when it was decided
        try (Connection c = dataSource.getConnection(); PreparedStatement forget = c.prepareStatement(
                "UPDATE release SET closed_at = NULL WHERE report_id = ? AND status = 'RELEASED'")) {
            forget.setObject(1, id);
            assertEquals(partnersReleased.size(), forget.executeUpdate());
        }
        assertEquals(released.getList("items.findAll { it.status == 'RELEASED' }.closedAt"),
                releasesOf(officer, id).getList("items.findAll { it.status == 'RELEASED' }.closedAt"));

        // the same clock as the service's (one JVM), to its microseconds
        Instant withdrawn = Instant.now().truncatedTo(ChronoUnit.MICROS);
        recall(notice(id, "CN-GACC", "source compromised")).statusCode(200).body("accepted", equalTo(1));
        JsonPath after = releasesOf(officer, id);
        for (String partner : partnersReleased) {
            String find = "items.find { it.partner == '" + partner + "' }.";
            String status = after.getString(find + "status");
            assertTrue(List.of("RECALLED", "CANCELLED").contains(status), partner + ": " + status);
            Instant closed = Instant.parse(after.getString(find + "closedAt"));
            assertFalse(closed.isBefore(withdrawn), partner + " closed at " + closed + ", withdrawn at " + withdrawn);
            assertTrue(closed.isAfter(Instant.parse(released.getString(find + "closedAt"))), partner + " closed anew");
        }
    }

    /**
     * A released record that had not left yet (its partner's backlog) is held back and its release cancelled: the
     * event read as that of a release still waiting for approval, and named no record.
     */
    @Test
    void aReleasedRecordNotSentYetIsHeldBackAndItsCancellationSaysSo() throws Exception {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", "GREEN", null)).statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> PartnerInbox.deliveriesOf(partners, id).stream()
                .anyMatch(r -> "US-HSI".equals(PartnerInbox.partnerOf(r))));
        // as if it still waited behind the partner's backlog: never attempted
        String record;
        try (Connection c = dataSource.getConnection(); PreparedStatement wait = c.prepareStatement(
                "UPDATE delivery SET status = 'PENDING', attempts = 0, delivered_at = NULL, last_attempt_at = NULL, "
                        + "last_status = NULL, next_attempt_at = now() + interval '1 hour' "
                        + "WHERE report_id = ? AND partner = 'US-HSI' RETURNING id")) {
            wait.setObject(1, id);
            var rows = wait.executeQuery();
            assertTrue(rows.next());
            record = rows.getString(1);
        }
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-held");
        String toHsi = releasesOf(officer, id).getString("items.find { it.partner == 'US-HSI' }.id");

        recall(notice(id, "CN-GACC", "entered in error", "cn-gacc-analyst-2")).statusCode(200)
                .body("accepted", equalTo(1));
        given().auth().oauth2(officer).get("/api/v1/releases/" + toHsi).then().statusCode(200)
                .body("status", equalTo("CANCELLED"));
        given().auth().oauth2(officer).get("/api/v1/deliveries/" + record).then().statusCode(200)
                .body("delivery.status", equalTo("CANCELLED"));
        Map<String, Object> cancelled = await().atMost(Duration.ofSeconds(30)).until(
                () -> PartnerInbox.auditEvents(partners, id, "RELEASE_CANCELLED").stream()
                        .filter(e -> toHsi.equals(((Map<?, ?>) e.get("subject")).get("releaseId"))).toList(),
                l -> !l.isEmpty()).get(0);
        Map<?, ?> details = (Map<?, ?>) cancelled.get("details");
        assertEquals("RELEASED", details.get("was"), cancelled.toString());
        assertEquals(record, details.get("cancelledDeliveryId"), cancelled.toString());
        assertEquals("PENDING", details.get("recordStatus"), cancelled.toString());
    }

    /**
     * A withdrawal of a report of which nothing waited or left (TLP:RED: every partner denied) was logged by intake
     * alone, as if sharing had lost it.
     */
    @Test
    void aWithdrawalWithNothingToCancelOrRecallIsLoggedToo() {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", "RED", null)).statusCode(200);
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-red");
        List<String> statuses = releasesOf(officer, id).getList("items.status");
        assertFalse(statuses.isEmpty());
        assertTrue(statuses.stream().allMatch("DENIED"::equals), statuses.toString());

        recall(notice(id, "CN-GACC", "entered in error", "cn-gacc-analyst-2")).statusCode(200)
                .body("accepted", equalTo(1));
        Map<String, Object> said = await().atMost(Duration.ofSeconds(30))
                .until(() -> PartnerInbox.auditEvents(partners, id, "RELEASE_CANCELLED"), l -> !l.isEmpty()).get(0);
        assertEquals(Map.of("reportId", id.toString()), said.get("subject"), said.toString());
        Map<?, ?> details = (Map<?, ?>) said.get("details");
        assertEquals("withdrawn by CN-GACC: entered in error (nothing was waiting for approval or may have reached "
                + "a partner)", details.get("reason"));
        assertEquals(Map.of("DENIED", statuses.size()), details.get("decisions"));
        assertEquals("cn-gacc-analyst-2", PartnerInbox.actorOf(said));
        assertEquals(statuses, releasesOf(officer, id).getList("items.status"), "nothing changed");
    }

    @Test
    void aWithdrawalRecallsWhatAnEarlierAttemptMayHaveDeliveredThoughALaterOneWasRefusedOrReplayed() {
        String admin = Reports.admin("admin-recall");
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-w");
        String code = "US-W" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String entry = """
                {"name":"Test partner","country":"US","endpoint":"%s/partners/%s/deliveries",
                 "acceptedTypes":["PRECURSOR_SHIPMENT"],"maxTlp":"AMBER","active":%s}""";
        given().auth().oauth2(admin).contentType("application/json")
                .body(entry.formatted(partners.baseUrl(), code, true)).put("/api/v1/partners/" + code).then()
                .statusCode(201);
        List<StubMapping> stubs = new ArrayList<>();
        try {
            // each record's first attempt ends in a 500 after the partner stored it; the next is refused: it holds it
            UUID refused = UUID.randomUUID();
            UUID replayed = UUID.randomUUID();
            UUID refusedOnly = UUID.randomUUID();
            for (UUID report : List.of(refused, replayed)) {
                stubs.add(partners.stubFor(post(urlEqualTo("/partners/" + code + "/deliveries")).atPriority(1)
                        .withRequestBody(containing(report.toString())).inScenario(report.toString())
                        .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(500))
                        .willSetStateTo("stored")));
            }
            // a 303 See Other to a POST says the partner processed it, and points at what it made: failed, but held
            UUID seeOther = UUID.randomUUID();
            stubs.add(partners.stubFor(post(urlEqualTo("/partners/" + code + "/deliveries")).atPriority(1)
                    .withRequestBody(containing(seeOther.toString())).inScenario(seeOther.toString())
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(303).withHeader("Location", "/records/" + seeOther))
                    .willSetStateTo("stored")));
            stubs.add(partners.stubFor(post(urlEqualTo("/partners/" + code + "/deliveries")).atPriority(2)
                    .willReturn(aResponse().withStatus(409))));
            for (UUID report : List.of(refused, replayed, refusedOnly, seeOther)) {
                Reports.handOver(Reports.message(report, "CN-GACC", "CN", "GREEN",
                        "{\"releasableTo\":[\"" + code + "\"]}")).statusCode(200);
            }
            for (UUID report : List.of(refused, replayed, refusedOnly, seeOther)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> recordOf(officer, report).getString("status"),
                        "FAILED"::equals);
            }
            assertEquals(2, recordOf(officer, refused).getInt("attempts"));
            assertEquals(1, recordOf(officer, refusedOnly).getInt("attempts"));
            assertEquals(1, recordOf(officer, seeOther).getInt("attempts"));
            assertEquals(303, recordOf(officer, seeOther).getInt("lastHttpStatus"));
            // an officer replays one while the partner is paused: its attempts start at 0 again, and wait
            given().auth().oauth2(admin).contentType("application/json")
                    .body(entry.formatted(partners.baseUrl(), code, false)).put("/api/v1/partners/" + code)
                    .then().statusCode(200);
            given().auth().oauth2(officer).post("/api/v1/deliveries/" + recordOf(officer, replayed).getString("id")
                    + "/redelivery").then().statusCode(202).body("attempts", equalTo(0));

            recall(notice(refused, "CN-GACC", "source compromised"), notice(replayed, "CN-GACC", "source compromised"),
                    notice(refusedOnly, "CN-GACC", "source compromised"), notice(seeOther, "CN-GACC", "source compromised"))
                    .statusCode(200).body("accepted", equalTo(4));

            for (UUID report : List.of(refused, replayed, seeOther)) {
                JsonPath releases = releasesOf(officer, report);
                assertEquals(List.of("RECALLED"),
                        releases.getList("items.findAll { it.partner == '" + code + "' }.status"),
                        report + ": " + releases.prettify());
                assertEquals(List.of("RECORD", "RECALL"), kindsOf(officer, report));
            }
            // the log says what the withdrawal found: one failed, one waiting to be replayed (now held back)
            for (Map.Entry<UUID, String> found : Map.of(refused, "FAILED", replayed, "PENDING").entrySet()) {
                Map<String, Object> sent = await().atMost(Duration.ofSeconds(15)).until(
                        () -> PartnerInbox.auditEvents(partners, found.getKey(), "RECALL_SENT"), l -> !l.isEmpty())
                        .get(0);
                assertEquals(found.getValue(), ((Map<?, ?>) sent.get("details")).get("recordStatus"), sent.toString());
                assertEquals("SUCCESS", sent.get("outcome"));
            }
            assertEquals("CANCELLED", recordOf(officer, replayed).getString("status"));
            // one refusal and nothing before it: the partner never took it, and is not told to drop it
            assertEquals(List.of("CANCELLED"), releasesOf(officer, refusedOnly)
                    .getList("items.findAll { it.partner == '" + code + "' }.status"));
            assertEquals(List.of("RECORD"), kindsOf(officer, refusedOnly));
        } finally {
            stubs.forEach(partners::removeStub);
            given().auth().oauth2(admin).delete("/api/v1/partners/" + code);
        }
    }

    /** The report's record delivery, as its officers list it. */
    private static JsonPath recordOf(String officer, UUID reportId) {
        JsonPath list = given().auth().oauth2(officer).queryParam("reportId", reportId).get("/api/v1/deliveries").then()
                .statusCode(200).extract().jsonPath();
        return new JsonPath(list.prettify()).setRootPath("items.find { it.kind == 'RECORD' }");
    }

    private static List<String> kindsOf(String officer, UUID reportId) {
        return given().auth().oauth2(officer).queryParam("reportId", reportId).get("/api/v1/deliveries").then()
                .statusCode(200).extract().jsonPath().getList("items.kind");
    }

    @Test
    void aWithdrawalFromAnIntakeThatDoesNotNameTheWithdrawerIsIntakesActingForTheAgency() {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-MPS", "CN", "AMBER", null)).statusCode(200);
        recall(notice(id, "CN-MPS", "duplicate entry")).statusCode(200).body("accepted", equalTo(1));
        List<Map<String, Object>> cancelled = await().atMost(Duration.ofSeconds(30)).until(
                () -> PartnerInbox.auditEvents(partners, id, "RELEASE_CANCELLED"), l -> l.size() == 3);
        Map<?, ?> actor = (Map<?, ?>) cancelled.get(0).get("actor");
        assertEquals("CN-MPS", actor.get("agency"));
        assertEquals(List.of("service"), actor.get("roles"));
        // and so where the withdrawal reaches sharing before its report (it was cnx-sharing's there)
        UUID early = UUID.randomUUID();
        recall(notice(early, "CN-MPS", "duplicate entry")).statusCode(200).body("accepted", equalTo(1));
        Reports.handOver(Reports.message(early, "CN-MPS", "CN", "AMBER", null)).statusCode(200);
        Map<String, Object> nothingDecided = await().atMost(Duration.ofSeconds(30))
                .until(() -> PartnerInbox.auditEvents(partners, early, "RELEASE_CANCELLED"), l -> !l.isEmpty()).get(0);
        assertEquals(actor, nothingDecided.get("actor"));
    }

    @Test
    void onlyTheOriginatorsWithdrawalCounts() {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-MPS", "CN", "AMBER", null)).statusCode(200);
        recall(notice(id, "US-DEA", "not mine")).statusCode(200).body("accepted", equalTo(0)).body("refused", equalTo(1));
        // as decided, untouched: three waiting for approval (the US), two denied (CN's own)
        assertEquals(List.of("DENIED", "DENIED", "PENDING_APPROVAL", "PENDING_APPROVAL", "PENDING_APPROVAL"),
                releasesOf(Reports.officer("CN-MPS", "CN", "officer-cn-s"), id).getList("items.status", String.class)
                        .stream().sorted().toList());
    }

    @Test
    void aReportWithdrawnBeforeItArrivesIsNeverReleased() throws Exception {
        UUID id = UUID.randomUUID();
        recall(notice(id, "US-HSI", "entered in error", "hsi-analyst-3")).statusCode(200).body("accepted", equalTo(1));
        Reports.handOver(Reports.message(id, "US-HSI", "US", "GREEN", null)).statusCode(200).body("accepted", equalTo(1));
        given().auth().oauth2(Reports.officer("US-HSI", "US", "officer-us-s")).queryParam("reportId", id)
                .get("/api/v1/releases").then().statusCode(200).body("items", hasSize(0));
        // the log says why nothing was decided: without it, the report looked lost between intake and sharing
        Map<String, Object> cancelled = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.auditEvents(partners, id, "RELEASE_CANCELLED"), l -> !l.isEmpty()).get(0);
        assertTrue(String.valueOf(cancelled.get("details")).contains("withdrawn by US-HSI before it reached"),
                cancelled.toString());
        // by the partner that withdrew it, as when the report is there first: it was cnx-sharing's
        assertEquals(Map.of("sub", "hsi-analyst-3", "agency", "US-HSI", "roles", List.of("partner")),
                cancelled.get("actor"));
        Thread.sleep(500);
        assertTrue(PartnerInbox.deliveriesOf(partners, id).isEmpty());
    }

    @Test
    void aWithdrawalArrivingWhileItsReportIsHandedOverWithdrawsWhatTheHandOverReleased() throws Exception {
        UUID id = UUID.randomUUID();
        CompletableFuture<Integer> handOver;
        CompletableFuture<Integer> withdrawal;
        try (Connection other = dataSource.getConnection()) {
            // another transaction holds the report's row, uncommitted: the hand-over decides, then waits to store it
            other.setAutoCommit(false);
            try (PreparedStatement ps = other.prepareStatement("INSERT INTO shared_report "
                    + "(id, agency, country, tlp, type, received_at, body) "
                    + "VALUES (?, 'US-CBP', 'US', 'GREEN', 'PRECURSOR_SHIPMENT', now(), '{}')")) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
            handOver = CompletableFuture.supplyAsync(() -> Reports.handOver(Reports.message(id, "US-CBP", "US", "GREEN",
                    null)).statusCode(200).extract().path("accepted"));
            LockWaits.until(dataSource, 1, handOver);
            withdrawal = CompletableFuture.supplyAsync(() -> recall(notice(id, "US-CBP", "entered in error"))
                    .statusCode(200).extract().path("accepted"));
            LockWaits.until(dataSource, 2, withdrawal);
            other.rollback();
        }
        assertEquals(1, handOver.get(30, TimeUnit.SECONDS));
        assertEquals(1, withdrawal.get(30, TimeUnit.SECONDS));

        List<String> statuses = releasesOf(Reports.officer("US-CBP", "US", "officer-us-r"), id).getList("items.status");
        assertTrue(statuses.stream().anyMatch(List.of("CANCELLED", "RECALLED")::contains), statuses.toString());
        assertTrue(statuses.stream().allMatch(List.of("CANCELLED", "RECALLED", "DENIED")::contains),
                "nothing of a withdrawn report is released or waits for approval: " + statuses);
    }

    @Test
    void aWithdrawalWithTheLongestReasonIntakeTakesWithdrawsTheReport() {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "US-CBP", "US", "GREEN", null)).statusCode(200);
        String reason = "x".repeat(2000); // intake's limit; stored behind "withdrawn by US-CBP: ", it failed the batch
        recall(notice(id, "US-CBP", reason)).statusCode(200).body("accepted", equalTo(1));
        List<String> statuses = releasesOf(Reports.officer("US-CBP", "US", "officer-us-r"), id).getList("items.status");
        assertEquals(5, statuses.size(), statuses.toString());
        assertTrue(statuses.stream().allMatch(List.of("CANCELLED", "RECALLED", "DENIED")::contains),
                statuses.toString());
    }

    @Test
    void onlyIntakeMayWithdrawAndABadBatchIsAProblem() {
        given().auth().oauth2(TestTokens.person("partner", "CN-GACC", "CN")).contentType("application/json")
                .body("[" + notice(UUID.randomUUID(), "CN-GACC", "x") + "]").post("/internal/v1/recalls")
                .then().statusCode(403);
        recall().statusCode(400).contentType("application/problem+json");
        recall("{\"agency\":\"\",\"withdrawnAt\":\"2026-11-28T10:15:30Z\"}").statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", containsInAnyOrder("/0/reportId", "/0/agency"));
    }
}
