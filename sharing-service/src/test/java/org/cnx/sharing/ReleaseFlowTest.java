package org.cnx.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.cnx.sharing.jdbc.JdbcCounter;
import org.cnx.sharing.release.Release;
import org.cnx.sharing.release.ReleaseRepository;
import org.hibernate.Hibernate;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** From hand-over to a signed delivery at a (WireMock) partner, through the officer's approval. */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class ReleaseFlowTest {

    private static final Set<String> ALL = Set.of("US-CBP", "US-DEA", "US-HSI", "CN-NNCC", "CN-GACC", "CN-MPS");

    @InjectWireMock
    WireMockServer partners;

    @Inject
    EntityManager em;

    @Inject
    SessionFactory sessions;

    @Inject
    ReleaseRepository releases;

    private List<LoggedRequest> deliveriesOf(UUID reportId) {
        return PartnerInbox.deliveriesOf(partners, reportId);
    }

    private static String partnerOf(LoggedRequest request) {
        return PartnerInbox.partnerOf(request);
    }

    private static JwtClaims verify(LoggedRequest request) throws Exception {
        return PartnerInbox.verify(request);
    }

    /**
     * A queue page leaves payloads, manifests and reasons unread (50 MB a page of large reports); a release's own page
     * reads them.
     */
    @Test
    void aQueuePageDoesNotLoadThePayloadsItNeverShows() {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", "AMBER", null)).statusCode(200);
        QuarkusTransaction.requiringNew().run(() -> {
            List<Release> page = releases.page("CN", null, null, id, 0, 10);
            assertFalse(page.isEmpty());
            for (String lazy : List.of("payload", "withheld", "reasons")) {
                assertTrue(page.stream().noneMatch(r -> Hibernate.isPropertyInitialized(r, lazy)), lazy);
            }
        });
        String officer = Reports.officer("CN-NNCC", "CN", "officer-lazy");
        String release = given().auth().oauth2(officer).queryParam("reportId", id).get("/api/v1/releases").then()
                .statusCode(200).extract().path("items.find { it.status == 'PENDING_APPROVAL' }.id");
        given().auth().oauth2(officer).get("/api/v1/releases/" + release).then().statusCode(200)
                .body("payload.reportId", equalTo(id.toString())).body("reasons", not(empty()));
    }

    /** An invalid hand-over names each field as a JSON Pointer ("/0/watchlistHits[0].<list element>" before). */
    @Test
    void anInvalidHandOverPointsAtEachFieldInTheBatch() {
        Reports.handOver(Reports.message(UUID.randomUUID(), "US-CBP", "US", Instant.now(), "[\"ANPP\", \" \"]",
                "{\"type\":\"SEIZURE\",\"tlp\":\"GREEN\"}")).statusCode(400)
                .contentType("application/problem+json").body("errors.pointer", contains("/0/watchlistHits/1"));
    }

    /**
     * A report holding a field this version does not know (an intake upgraded first, say) went on whole to every
     * partner, and no profile could withhold the field: a step naming it is refused. It is refused with a pointer, and
     * nothing is decided for it; intake keeps it until the two agree.
     */
    @Test
    void aReportWithAFieldSharingDoesNotKnowIsRefusedNotSentOnWhole() {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "US-CBP", "US", Instant.now(), "[]", """
                {"type":"SEIZURE","tlp":"GREEN","title":"t","location":{"lat":31.3,"lon":-110.9},
                 "subjects":[{"kind":"PERSON","name":"x","dateOfBirth":"1980-01-01"}]}""")).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", contains("/0/report/location", "/0/report/subjects/0/dateOfBirth"))
                .body("errors.message", contains("is not a known field", "is not a known field"));
        given().auth().oauth2(Reports.officer("US-CBP", "US", "officer-us-unknown")).queryParam("reportId", id)
                .get("/api/v1/releases").then().statusCode(200).body("items", hasSize(0));
    }

    /**
     * A report arriving while every partner but its originator is switched off: nothing is decided, and the log said
     * nothing either (REPORT_RECEIVED, then silence, as if sharing had lost it). It says why now.
     */
    @Test
    void aReportWithNoPartnerToDecideForIsAuditedAsDecidedForNone() {
        @SuppressWarnings("unchecked")
        List<String> switchedOff = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "UPDATE partner SET active = false WHERE active AND code <> 'US-CBP' RETURNING code").getResultList());
        UUID id = UUID.randomUUID();
        try {
            Reports.handOver(Reports.message(id, "US-CBP", "US", "GREEN", null)).statusCode(200)
                    .body("accepted", equalTo(1));
        } finally {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                    "UPDATE partner SET active = true WHERE code IN (:codes)").setParameter("codes", switchedOff)
                    .executeUpdate());
        }
        Map<String, Object> decided = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.auditEvents(partners, id, "RELEASE_DECIDED"), l -> !l.isEmpty()).get(0);
        Map<?, ?> details = (Map<?, ?>) decided.get("details");
        assertEquals(0, details.get("decisions"), decided.toString());
        assertTrue(String.valueOf(details.get("reason")).startsWith("no partner other than the originator was active"),
                decided.toString());
        assertNull(((Map<?, ?>) decided.get("subject")).get("partner"));
    }

    @Test
    void greenReportGoesSignedToTheOtherCountrysPartnersAtOnceAndNowhereElse() throws Exception {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "US-CBP", "US", "GREEN", null)).statusCode(200)
                .body("accepted", equalTo(1));

        await().atMost(Duration.ofSeconds(15)).until(() -> deliveriesOf(id).size() == 3);
        List<LoggedRequest> delivered = deliveriesOf(id);
        Set<String> recipients = delivered.stream().map(ReleaseFlowTest::partnerOf).collect(Collectors.toSet());
        assertEquals(Set.of("CN-NNCC", "CN-GACC", "CN-MPS"), recipients);
        for (LoggedRequest request : delivered) {
            verify(request);
            JsonPath body = JsonPath.from(request.getBodyAsString());
            assertEquals("RECORD", body.getString("type"));
            assertEquals(partnerOf(request), body.getString("recipient"));
            assertEquals("US-CBP", body.getString("originator.agency"));
            assertEquals("ANPP", body.getString("report.substances[0].name"));
        }
        // the exchange is not for domestic sharing: the initial policy has no rule for it
        given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-3")).queryParam("reportId", id)
                .get("/api/v1/releases").then().statusCode(200)
                .body("items.findAll { it.reportId == '" + id + "' && it.partner.startsWith('US-') }.status",
                        everyItem(equalTo("DENIED")))
                .body("items.findAll { it.reportId == '" + id + "' && it.partner.startsWith('US-') }.rule",
                        contains("default-deny", "default-deny"))
                .body("items.findAll { it.reportId == '" + id + "' && it.partner.startsWith('CN-') }.rule",
                        everyItem(equalTo("green-cross-border")));
    }

    @Test
    void amberReportLeavesOnlyAfterAnOfficerOfTheOriginatingCountryApproves() throws Exception {
        // CN → US-DEA and US-HSI: amber-cross-border, one approval; US-CBP: cn-watchlist-to-cbp, two
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", "AMBER", null)).statusCode(200);
        String cnOfficer = Reports.officer("CN-NNCC", "CN", "officer-cn-1");

        JsonPath queue = given().auth().oauth2(cnOfficer).queryParam("status", "PENDING_APPROVAL")
                .queryParam("reportId", id).get("/api/v1/releases").then().statusCode(200).extract().jsonPath();
        List<String> pendingForReport = queue.getList("items.findAll { it.reportId == '" + id + "' }.id");
        assertEquals(3, pendingForReport.size());
        String toDea = queue.getString("items.find { it.reportId == '" + id + "' && it.partner == 'US-DEA' }.id");
        String toHsi = queue.getString("items.find { it.reportId == '" + id + "' && it.partner == 'US-HSI' }.id");

        // the US can neither release nor reject a CN report, nor can a partner system approve anything
        given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-1")).contentType("application/json")
                .body("{}").post("/api/v1/releases/" + toDea + "/approvals").then().statusCode(403);
        given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-1")).contentType("application/json")
                .body("{\"reason\":\"not yours to share\"}").post("/api/v1/releases/" + toHsi + "/rejection").then()
                .statusCode(403).body("type", equalTo("https://cnx.example/problems/other-country"));
        given().auth().oauth2(TestTokens.person("partner", "CN-GACC", "CN")).contentType("application/json")
                .body("{}").post("/api/v1/releases/" + toDea + "/approvals").then().statusCode(403);
        // a US officer does not even see CN releases: not one by one, nor in the queue (asked for this very report)
        given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-1")).get("/api/v1/releases/" + toDea)
                .then().statusCode(404);
        given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-1")).queryParam("reportId", id)
                .get("/api/v1/releases").then().statusCode(200).body("items", hasSize(0));
        given().auth().oauth2(cnOfficer).queryParam("reportId", id).get("/api/v1/deliveries").then().statusCode(200)
                .body("items", hasSize(0));
        Thread.sleep(300);
        assertTrue(deliveriesOf(id).isEmpty(), "nothing leaves before approval");

        String previewed = given().auth().oauth2(cnOfficer).get("/api/v1/releases/" + toDea).then().statusCode(200)
                .body("status", equalTo("PENDING_APPROVAL")).body("rule", equalTo("amber-cross-border"))
                .body("requiredApprovals", equalTo(1)).body("redaction", equalTo("no-personal-data"))
                .body("approvals", hasSize(0))
                .extract().jsonPath().prettify();
        String payloadSha = JsonPath.from(previewed).getString("payloadSha256");

        given().auth().oauth2(cnOfficer).contentType("application/json").body("{\"comment\":\"ok to share\"}")
                .post("/api/v1/releases/" + toDea + "/approvals").then().statusCode(200)
                .body("status", equalTo("RELEASED")).body("approvals[0].officer", equalTo("officer-cn-1"));
        // approving twice is 403 (also once released); another officer approving a released one is 409
        given().auth().oauth2(cnOfficer).contentType("application/json").body("{}")
                .post("/api/v1/releases/" + toDea + "/approvals").then().statusCode(403)
                .body("type", equalTo("https://cnx.example/problems/already-approved"));
        given().auth().oauth2(Reports.officer("CN-MPS", "CN", "officer-cn-2")).contentType("application/json")
                .body("{}").post("/api/v1/releases/" + toDea + "/approvals").then().statusCode(409);

        await().atMost(Duration.ofSeconds(15)).until(() -> deliveriesOf(id).size() == 1);
        LoggedRequest delivery = deliveriesOf(id).get(0);
        assertEquals("US-DEA", partnerOf(delivery));
        verify(delivery);
        // what the officer previewed is byte for byte what left
        String sent = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(delivery.getBody()));
        assertEquals(payloadSha, sent);
        // and the audit log hashes those bytes too: a partner's receipt is checked against them
        Map<String, Object> succeeded = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.auditEvents(partners, id, "DELIVERY_SUCCEEDED"), list -> !list.isEmpty())
                .get(0);
        assertEquals(sent, succeeded.get("payloadSha256"));
        assertEquals("US-DEA", ((Map<?, ?>) succeeded.get("subject")).get("partner"));
        assertEquals(delivery.getHeader("X-Cnx-Delivery-Id"), ((Map<?, ?>) succeeded.get("subject")).get("deliveryId"));
        // and where they went, the attempt as its outcome: an endpoint changed since would not say
        Map<String, Object> attempted = PartnerInbox.auditEvents(partners, id, "DELIVERY_ATTEMPTED").get(0);
        for (Map<String, Object> event : List.of(attempted, succeeded)) {
            assertEquals(partners.baseUrl() + delivery.getUrl(), ((Map<?, ?>) event.get("details")).get("endpoint"));
        }

        // spaces of any script, or invisible characters, are no reason: one ideographic space was taken and audited
        for (String blank : List.of(" ", "\u3000", "\u200b\ufeff", "\u00a0\n", "\u3164", "\u2800\uFE0F")) {
            given().auth().oauth2(cnOfficer).contentType("application/json").body(Map.of("reason", blank))
                    .post("/api/v1/releases/" + toHsi + "/rejection").then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].pointer", equalTo("/reason"))
                    .body("errors[0].message", equalTo("must not be blank"));
        }
        given().auth().oauth2(cnOfficer).contentType("application/json").body("{\"reason\":\"ongoing operation\"}")
                .post("/api/v1/releases/" + toHsi + "/rejection").then().statusCode(200)
                .body("status", equalTo("REJECTED")).body("rejectionReason", equalTo("ongoing operation"));
        given().auth().oauth2(cnOfficer).contentType("application/json").body("{}")
                .post("/api/v1/releases/" + toHsi + "/approvals").then().statusCode(409);
        // the queue says why a release was closed, as the release's own page does; one released has no reason
        given().auth().oauth2(cnOfficer).queryParam("reportId", id).get("/api/v1/releases").then().statusCode(200)
                .body("items.find { it.id == '" + toHsi + "' }.status", equalTo("REJECTED"))
                .body("items.find { it.id == '" + toHsi + "' }.rejectionReason", equalTo("ongoing operation"))
                .body("items.find { it.id == '" + toHsi + "' }.closedAt", notNullValue())
                .body("items.find { it.id == '" + toDea + "' }", not(hasKey("rejectionReason")));

        // the refusals with 403 are audited, each with the officer, the release and the reason; the partner system's
        // (its role may not decide at all) by method and path alone (SharingSecurityTest), and the 409s not at all
        List<Map<String, Object>> refused = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.auditEvents(partners, id, "ACCESS_DENIED"), list -> list.size() >= 3);
        assertEquals(List.of("officer-us-1 RELEASE_APPROVED other-country " + toDea,
                "officer-us-1 RELEASE_REJECTED other-country " + toHsi,
                "officer-cn-1 RELEASE_APPROVED already-approved " + toDea),
                refused.stream().map(e -> PartnerInbox.actorOf(e) + " " + detail(e, "attempted") + " "
                        + detail(e, "problem") + " " + ((Map<?, ?>) e.get("subject")).get("releaseId")).toList());
        assertTrue(refused.stream().allMatch(e -> "DENIED".equals(e.get("outcome"))));
        // the rejection itself: who blocked which release, and why
        Map<String, Object> rejected = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.auditEvents(partners, id, "RELEASE_REJECTED"), list -> !list.isEmpty())
                .get(0);
        assertEquals("officer-cn-1", PartnerInbox.actorOf(rejected));
        assertEquals("SUCCESS", rejected.get("outcome"));
        assertEquals(toHsi, ((Map<?, ?>) rejected.get("subject")).get("releaseId"));
        assertEquals("ongoing operation", detail(rejected, "reason"));
        assertEquals("CN", detail(rejected, "officerCountry"));
    }

    private static Object detail(Map<String, Object> event, String key) {
        return ((Map<?, ?>) event.get("details")).get(key);
    }

    @Test
    void theQueueAnswersAParameterItCannotReadWith400NamingIt() {
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-params");
        given().auth().oauth2(officer).queryParam("status", "PENDING").get("/api/v1/releases").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/invalid-parameter"))
                .body("detail", equalTo("Query parameter 'status' must be one of PENDING_APPROVAL, RELEASED, DENIED, "
                        + "REJECTED, CANCELLED, RECALLED: PENDING."));
        given().auth().oauth2(officer).queryParam("reportId", "not-a-report").get("/api/v1/releases").then()
                .statusCode(400).body("detail", equalTo("Query parameter 'reportId' is not a UUID: not-a-report."));
        for (String limit : List.of("abc", "0", "101")) {
            given().auth().oauth2(officer).queryParam("limit", limit).get("/api/v1/releases").then().statusCode(400)
                    .body("detail", equalTo("Query parameter 'limit' must be a whole number between 1 and 100: "
                            + limit + "."));
        }
        // no partner has such a code, and PostgreSQL cannot compare with U+0000: it once answered a 500
        for (String partner : List.of("cbp", "US-C\u0000P")) {
            given().auth().oauth2(officer).queryParam("partner", partner).get("/api/v1/releases").then()
                    .statusCode(400).body("detail", startsWith("Query parameter 'partner' is not a partner code"));
            given().auth().oauth2(officer).queryParam("partner", partner).get("/api/v1/deliveries").then()
                    .statusCode(400).body("detail", startsWith("Query parameter 'partner' is not a partner code"));
        }
        // JAX-RS reads a repeated parameter's first value alone: the second status was dropped unsaid
        for (String list : List.of("/api/v1/releases", "/api/v1/deliveries")) {
            given().auth().oauth2(officer).queryParam("partner", "US-CBP").queryParam("partner", "US-DEA")
                    .get(list).then().statusCode(400).contentType("application/problem+json")
                    .body("detail", equalTo("Query parameter 'partner' is given 2 times; it takes one value."));
        }
        // JAX-RS ignores a name it binds to nothing: every release answered as if each awaited approval
        given().auth().oauth2(officer).queryParam("state", "PENDING_APPROVAL").get("/api/v1/releases").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("Query parameter 'state' is not one this endpoint reads; it reads status, "
                        + "partner, reportId, after, limit."));
        given().auth().oauth2(officer).queryParam("partnerCode", "US-CBP").get("/api/v1/deliveries").then()
                .statusCode(400).body("detail", startsWith("Query parameter 'partnerCode' is not one"));
        given().auth().oauth2(officer).queryParam("status", "PENDING_APPROVAL").queryParam("limit", "100")
                .queryParam("partner", "US-CBP").get("/api/v1/releases").then().statusCode(200);
    }

    @Test
    void anApprovalWhoseBodyIsNotJsonIs400SayingWhere() {
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-json");
        given().auth().oauth2(officer).contentType("application/json").body("{\"comment\":")
                .post("/api/v1/releases/" + UUID.randomUUID() + "/approvals").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/malformed-json"))
                .body("detail", startsWith("The body is not well-formed JSON (line 1, column "));
        // a number past the parser's limit where the body's own fields are read: Quarkus's bare 400
        String limit = "passes a limit of the JSON parser: Number value length (1001) exceeds the maximum allowed "
                + "(1000)";
        given().auth().oauth2(officer).contentType("application/json").body("{\"comment\":1" + "0".repeat(1000) + "}")
                .post("/api/v1/releases/" + UUID.randomUUID() + "/approvals").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/malformed-json"))
                .body("detail", equalTo("The body " + limit + "."));
        given().auth().oauth2(Reports.admin("admin-limit")).contentType("application/json")
                .body("{\"description\":1" + "0".repeat(1000) + ",\"rules\":[]}").put("/api/v1/policy").then()
                .statusCode(400).contentType("application/problem+json").body("detail", containsString(limit));
    }

    /** JAX-RS's 404 for a path id it cannot convert was a problem that said nothing. */
    @Test
    void aMalformedIdInThePathIsAProblemThatSaysSo() {
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-paths");
        for (String path : List.of("/api/v1/releases/123", "/api/v1/deliveries/not-a-uuid")) {
            given().auth().oauth2(officer).get(path).then().statusCode(404).contentType("application/problem+json")
                    .body("detail", equalTo("Nothing is at this path, or an id in it is not one (a UUID, say)."));
        }
    }

    @Test
    void releasesPendingLongerThanTheApprovalSlaAreFlaggedOverdue() {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-MPS", "CN", "AMBER", null)).statusCode(200);
        String officer = Reports.officer("CN-MPS", "CN", "officer-cn-sla");
        given().auth().oauth2(officer).queryParam("reportId", id).queryParam("status", "PENDING_APPROVAL")
                .get("/api/v1/releases").then().statusCode(200)
                .body("items", hasSize(3)).body("items.overdue", everyItem(equalTo(false)));

        // the US-CBP release has waited five hours (the SLA is 4h); the others were just decided
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE release SET decided_at = now() - interval '5 hours' WHERE report_id = :id AND partner = 'US-CBP'")
                .setParameter("id", id).executeUpdate());
        JsonPath queue = given().auth().oauth2(officer).queryParam("reportId", id).get("/api/v1/releases").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of("US-CBP"), queue.getList("items.findAll { it.overdue }.partner"));
        given().auth().oauth2(officer).get("/api/v1/releases/" + queue.getString("items.find { it.overdue }.id"))
                .then().statusCode(200).body("overdue", equalTo(true));
        // decided (denied) releases are never overdue, however old
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE release SET decided_at = now() - interval '5 days' WHERE report_id = :id AND status = 'DENIED'")
                .setParameter("id", id).executeUpdate());
        given().auth().oauth2(officer).queryParam("reportId", id).queryParam("status", "DENIED")
                .get("/api/v1/releases").then().statusCode(200).body("items", hasSize(2))
                .body("items.overdue", everyItem(equalTo(false)));
    }

    @Test
    void redReportIsDeniedForEveryPartnerAndNeverLeaves() throws Exception {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "US-DEA", "US", "RED", null)).statusCode(200);
        given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-2")).queryParam("status", "DENIED")
                .queryParam("reportId", id).get("/api/v1/releases").then().statusCode(200)
                .body("items.findAll { it.reportId == '" + id + "' }", hasSize(5))
                .body("items.findAll { it.reportId == '" + id + "' }.rule", everyItem(equalTo("tlp-red")));
        given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-2")).queryParam("reportId", id)
                .get("/api/v1/deliveries").then().statusCode(200).body("items", hasSize(0));
        Thread.sleep(500);
        assertTrue(deliveriesOf(id).isEmpty());
    }

    @Test
    void releasableToCapsTheRecipients() {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "US-HSI", "US", "GREEN", "{\"releasableTo\":[\"CN-NNCC\"]}"))
                .statusCode(200);
        // sharing's own rows, committed with the hand-over: one delivery, to the one partner named
        given().auth().oauth2(Reports.officer("US-HSI", "US", "officer-us-cap")).queryParam("reportId", id)
                .get("/api/v1/deliveries").then().statusCode(200).body("items.partner", contains("CN-NNCC"));
        await().atMost(Duration.ofSeconds(15)).until(() -> deliveriesOf(id).size() == 1);
        assertEquals("CN-NNCC", partnerOf(deliveriesOf(id).get(0)));
    }

    @Test
    void aBatchsRowsGoInPlainSqlBatchesNotAsEntities() {
        // 10 AMBER reports from US-CBP: 10 shared reports and 50 decisions, pending for China's partners and denied
        // for the other US agencies under the initial policy (nothing leaves before an officer approves)
        String[] messages = new String[10];
        List<UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < messages.length; i++) {
            ids.add(UUID.randomUUID());
            messages[i] = Reports.message(ids.get(i), "US-CBP", "US", "AMBER", null);
        }
        Statistics statistics = sessions.getStatistics();
        long inserted = statistics.getEntityInsertCount();
        long before = JdbcCounter.roundTrips();
        Reports.handOver(messages).statusCode(200).body("accepted", equalTo(10));
        long roundTrips = JdbcCounter.roundTrips() - before;
        // as entities, Hibernate's insert machinery cost more than the statements (and a column read back after
        // each insert made it one statement per row)
        assertEquals(0, statistics.getEntityInsertCount() - inserted, "no entity inserted through Hibernate");
        assertTrue(roundTrips <= 2, "Hibernate made " + roundTrips + " JDBC batches and single statements");
        // ... and the rows are all there: each report's five decisions, in the partners' code order
        for (UUID id : ids) {
            given().auth().oauth2(Reports.officer("US-CBP", "US", "officer-us-batch")).queryParam("reportId", id)
                    .get("/api/v1/releases").then().statusCode(200)
                    .body("items.partner", contains("CN-GACC", "CN-MPS", "CN-NNCC", "US-DEA", "US-HSI"))
                    .body("items.status", contains("PENDING_APPROVAL", "PENDING_APPROVAL", "PENDING_APPROVAL", "DENIED",
                            "DENIED"));
        }
    }

    @Test
    void theHandOverReadsThePartnersAndThePolicyInPlainSql() {
        // every hand-over asks for the active partners and the policy version in force; through Hibernate's query
        // machinery (and, for the partners, as managed entities dirty-checked at the flush) that cost 6 % of
        // sharing's CPU under load
        UUID id = UUID.randomUUID();
        Statistics statistics = sessions.getStatistics();
        Map<String, Long> before = queryExecutions(statistics);

        Reports.handOver(Reports.message(id, "US-DEA", "US", "AMBER", null)).statusCode(200)
                .body("accepted", equalTo(1));

        Map<String, Long> after = queryExecutions(statistics);
        List<String> ran = after.keySet().stream()
                .filter(q -> !after.get(q).equals(before.getOrDefault(q, 0L)))
                .filter(q -> q.toLowerCase(Locale.ROOT).contains("partner") || q.toLowerCase(Locale.ROOT).contains("policy"))
                .toList();
        assertEquals(List.of(), ran, "no query on the partners or the policy through Hibernate");
        // ... and still one decision for each active partner but the originator, in code order
        given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-7")).queryParam("reportId", id)
                .get("/api/v1/releases").then().statusCode(200)
                .body("items.partner", contains("CN-GACC", "CN-MPS", "CN-NNCC", "US-CBP", "US-HSI"));
    }

    /** How often each query string has run so far, HQL and SQL alike. */
    private static Map<String, Long> queryExecutions(Statistics statistics) {
        Map<String, Long> counts = new HashMap<>();
        for (String query : statistics.getQueries()) {
            counts.put(query, statistics.getQueryStatistics(query).getExecutionCount());
        }
        return counts;
    }

    @Test
    void aResentBatchChangesNothing() {
        UUID id = UUID.randomUUID();
        String message = Reports.message(id, "CN-MPS", "CN", "AMBER", null);
        Reports.handOver(message).statusCode(200).body("accepted", equalTo(1)).body("duplicates", equalTo(0));
        Reports.handOver(message, message).statusCode(200).body("accepted", equalTo(0)).body("duplicates", equalTo(2));
        given().auth().oauth2(Reports.officer("CN-NNCC", "CN", "officer-cn-3")).queryParam("reportId", id)
                .get("/api/v1/releases").then().statusCode(200)
                .body("items.findAll { it.reportId == '" + id + "' }", hasSize(5));
    }

    @Test
    void aPartnerFailingTwiceGetsTheRecordOnTheThirdAttemptAndEveryAttemptIsAudited() {
        // the scenario only answers for this report, so deliveries of other tests cannot advance it
        UUID id = UUID.randomUUID();
        partners.stubFor(post(urlEqualTo("/partners/CN-MPS/deliveries")).withRequestBody(containing(id.toString()))
                .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(500))
                .willSetStateTo("failed-once"));
        partners.stubFor(post(urlEqualTo("/partners/CN-MPS/deliveries")).withRequestBody(containing(id.toString()))
                .inScenario("flaky").whenScenarioStateIs("failed-once")
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0"))
                .willSetStateTo("recovered"));
        partners.stubFor(post(urlEqualTo("/partners/CN-MPS/deliveries")).withRequestBody(containing(id.toString()))
                .inScenario("flaky").whenScenarioStateIs("recovered").willReturn(aResponse().withStatus(200)));
        try {
            Reports.handOver(Reports.message(id, "US-CBP", "US", "GREEN", "{\"releasableTo\":[\"CN-MPS\"]}"))
                    .statusCode(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> deliveriesOf(id).size() == 3);
            List<LoggedRequest> attempts = deliveriesOf(id);
            assertEquals(1, attempts.stream().map(r -> r.getHeader("X-Cnx-Delivery-Id")).distinct().count(),
                    "every attempt carries the same delivery id");
            // audit batches may arrive out of order (a failed batch is retried later): wait for all of them
            List<String> actions = await().atMost(Duration.ofSeconds(15)).until(() -> auditActions(id),
                    a -> a.contains("DELIVERY_SUCCEEDED") && a.stream().filter("DELIVERY_ATTEMPTED"::equals).count() >= 3);
            // every attempt is audited, then the outcome
            assertEquals(3, actions.stream().filter("DELIVERY_ATTEMPTED"::equals).count(), actions.toString());
            assertEquals(1, actions.stream().filter("DELIVERY_SUCCEEDED"::equals).count(), actions.toString());
            assertTrue(actions.contains("RELEASE_DECIDED"));
        } finally {
            partners.resetScenarios();
            partners.stubFor(post(urlPathMatching("/partners/.*")).willReturn(aResponse().withStatus(200)));
        }
    }

    @Test
    void auditEventsLeaveWithAServiceTokenForAudit() throws Exception {
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "US-CBP", "US", "RED", null)).statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> auditActions(id).contains("RELEASE_DECIDED"));
        LoggedRequest batch = partners.findAll(postRequestedFor(urlEqualTo("/internal/v1/events"))
                .withRequestBody(containing(id.toString()))).get(0);
        String token = batch.getHeader("Authorization").substring("Bearer ".length());
        JwtClaims claims = JwtClaims.parse(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                StandardCharsets.UTF_8));
        assertEquals("cnx-sharing", claims.getIssuer());
        assertEquals(List.of("cnx-audit"), claims.getAudience());
        assertFalse(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue() > 300);
    }

    /** The audit actions sent for a report, in the order audit-service received them. */
    private List<String> auditActions(UUID reportId) {
        return PartnerInbox.auditEvents(partners, reportId).stream().map(e -> (String) e.get("action")).toList();
    }
}
