package org.cnx.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.sharing.release.Clearances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * A change to the policy or the registry holds for all that has not left, whatever commits while it is under way: an
 * approval of a release the change denies, or another change.
 */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class ChangeRacesTest {

    /** The initial policy, and nothing at all for partners in Mexico. */
    private static final String NOTHING_TO_MX = """
            {"description":"test: nothing to MX","rules":[
               {"id":"no-mx","match":{"partnerCountries":["MX"]},"action":"DENY"},
               {"id":"amber-cross-border","match":{"crossBorder":true,"maxTlp":"AMBER","hasPersonalData":false},
                "action":"APPROVE","approvers":1}]}""";

    @InjectWireMock
    WireMockServer partners;

    @Inject
    DataSource dataSource;

    private final String admin = Reports.admin("admin-races");
    private final String officer = Reports.officer("CN-NNCC", "CN", "officer-races");
    private final String code = "US-R" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    private Map<String, Object> initialPolicy;
    private StubMapping busy;

    @BeforeEach
    void registerABusyPartner() {
        initialPolicy = given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200).extract()
                .jsonPath().getMap("document");
        // busy for an hour: a released record waits for its retry, as a record not yet delivered
        busy = partners.stubFor(post(urlEqualTo("/partners/" + code + "/deliveries")).atPriority(1)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3600")));
        given().auth().oauth2(admin).contentType("application/json").body(entry("US"))
                .put("/api/v1/partners/" + code).then().statusCode(201);
    }

    /** Each step whatever the one before did: a partner left registered made later classes count one more. */
    @AfterEach
    void restore() {
        try {
            given().auth().oauth2(admin).contentType("application/json").body(initialPolicy).put("/api/v1/policy")
                    .then().statusCode(200);
        } finally {
            try {
                given().auth().oauth2(admin).delete("/api/v1/partners/" + code);
            } finally {
                partners.removeStub(busy);
            }
        }
    }

    /**
     * Intake re-sending a batch whose answer it stopped waiting for (the first sending waits for a change): both read
     * the report as new, both decided, and the second failed on the report's key, a 500 that intake answered by
     * halving the batch and sending it again. The second now waits for the first, and finds the report known.
     */
    @Test
    void aHandOverSentAgainWhileTheFirstIsUnderWayFindsTheReportKnown() throws Exception {
        UUID id = UUID.randomUUID();
        String message = Reports.message(id, "US-CBP", "US", "GREEN", null);
        try (Connection change = dataSource.getConnection()) {
            change.setAutoCommit(false);
            try (Statement statement = change.createStatement()) {
                statement.execute("SELECT 1 FROM pg_advisory_xact_lock(" + Clearances.DECISIONS + ")");
            }
            CompletableFuture<JsonPath> first = CompletableFuture.supplyAsync(() -> Reports.handOver(message)
                    .statusCode(200).extract().jsonPath());
            LockWaits.until(dataSource, 1, first);
            CompletableFuture<JsonPath> again = CompletableFuture.supplyAsync(() -> Reports.handOver(message)
                    .statusCode(200).extract().jsonPath());
            LockWaits.until(dataSource, 2, again);
            change.commit();
            assertEquals(1, first.get(15, TimeUnit.SECONDS).getInt("accepted"));
            JsonPath second = again.get(15, TimeUnit.SECONDS);
            assertEquals(0, second.getInt("accepted"));
            assertEquals(1, second.getInt("duplicates"));
        }
        // decided once for each partner
        List<String> partners = given().auth().oauth2(Reports.officer("US-CBP", "US", "officer-races-us"))
                .queryParam("reportId", id).get("/api/v1/releases").then().statusCode(200).extract().jsonPath()
                .getList("items.partner");
        assertEquals(partners.stream().distinct().count(), partners.size(), partners.toString());
    }

    @Test
    void anApprovalCommittingWhileAPolicyIsPublishedIsDecidedAgainUnderIt() throws Exception {
        String release = pendingAmberRelease();
        // the approval waits for the release's row, which this transaction holds; the publish comes next
        try (Connection hold = holding(release)) {
            CompletableFuture<Integer> approval = CompletableFuture.supplyAsync(() -> given().auth().oauth2(officer)
                    .contentType("application/json").body("{}").post("/api/v1/releases/" + release + "/approvals")
                    .then().extract().statusCode());
            LockWaits.until(dataSource, 1, approval);
            CompletableFuture<JsonPath> publish = CompletableFuture.supplyAsync(() -> given().auth().oauth2(admin)
                    .contentType("application/json")
                    .body(NOTHING_TO_MX.replace("\"partnerCountries\":[\"MX\"]", "\"partners\":[\"" + code + "\"]"))
                    .put("/api/v1/policy").then().statusCode(200).extract().jsonPath());
            LockWaits.until(dataSource, 2, publish);
            hold.commit();

            assertEquals(200, approval.get(15, TimeUnit.SECONDS));
            publish.get(15, TimeUnit.SECONDS);
        }
        // the approval released it, and the new version, denying anything to the partner, cancelled it before it left
        JsonPath after = release(release);
        assertEquals("CANCELLED", after.getString("status"), after.prettify());
        assertEquals(List.of("CANCELLED"), deliveryStatuses(release));
    }

    /**
     * An approval PostgreSQL ends to break a deadlock (with a transaction that holds the release and then waits for the
     * decisions' lock the approval holds shared) was a 500 "logged", which reads as broken. It is a 503 with
     * Retry-After, nothing of it stayed, and the same approval sent again goes through.
     */
    @Test
    void anApprovalEndedByADeadlockIsA503ToSendAgainThatChangedNothing() throws Exception {
        String release = pendingAmberRelease();
        try (Connection hold = holding(release)) {
            CompletableFuture<ExtractableResponse<Response>> approval = CompletableFuture.supplyAsync(() -> given()
                    .auth().oauth2(officer).contentType("application/json").body("{\"comment\":\"seen\"}")
                    .post("/api/v1/releases/" + release + "/approvals").then().extract());
            LockWaits.until(dataSource, 1, approval);
            // the approval waits first, so it is the one whose deadlock check finds the cycle and is ended
            try (Statement statement = hold.createStatement()) {
                statement.execute("SELECT 1 FROM pg_advisory_xact_lock(" + Clearances.DECISIONS + ")");
            }
            hold.rollback();
            ExtractableResponse<Response> ended = approval.get(15, TimeUnit.SECONDS);
            assertEquals(503, ended.statusCode(), ended.asString());
            assertEquals("1", ended.header("Retry-After"));
            assertEquals("https://cnx.example/problems/contention", ended.jsonPath().getString("type"));
        }
        JsonPath untouched = release(release);
        assertEquals("PENDING_APPROVAL", untouched.getString("status"));
        assertEquals(List.of(), untouched.getList("approvals"));

        given().auth().oauth2(officer).contentType("application/json").body("{\"comment\":\"seen\"}")
                .post("/api/v1/releases/" + release + "/approvals").then().statusCode(200);
        assertEquals("RELEASED", release(release).getString("status"));
    }

    /**
     * A release cancelled by a change that waited for the decisions in flight is closed when it was cancelled: it was
     * stamped with the change's start, before the wait, so that a release decided or approved meanwhile read as closed
     * before it was decided or approved.
     */
    @Test
    void aReleaseCancelledByAChangeThatWaitedIsClosedWhenItWasCancelled() throws Exception {
        String release = pendingAmberRelease();
        Instant letGo;
        try (Connection handOver = dataSource.getConnection()) {
            handOver.setAutoCommit(false);
            try (Statement statement = handOver.createStatement()) {
                statement.execute("SELECT 1 FROM pg_advisory_xact_lock_shared(" + Clearances.DECISIONS + ")");
            }
            CompletableFuture<Integer> publish = CompletableFuture.supplyAsync(() -> given().auth().oauth2(admin)
                    .contentType("application/json")
                    .body(NOTHING_TO_MX.replace("\"partnerCountries\":[\"MX\"]", "\"partners\":[\"" + code + "\"]"))
                    .put("/api/v1/policy").then().extract().statusCode());
            LockWaits.until(dataSource, 1, publish);
            Thread.sleep(300);
            letGo = Instant.now();
            handOver.commit();
            assertEquals(200, publish.get(15, TimeUnit.SECONDS));
        }
        JsonPath after = release(release);
        assertEquals("CANCELLED", after.getString("status"), after.prettify());
        Instant closed = Instant.parse(after.getString("closedAt"));
        assertFalse(closed.isBefore(letGo.minusMillis(50)), "closed at " + closed + ", the change went on at " + letGo);
    }

    @Test
    void aPartnerChangedWhileAPolicyIsPublishedIsDecidedUnderTheNewVersion() throws Exception {
        String release = pendingAmberRelease();
        // a hand-over deciding holds the decisions' lock shared: the publish, then the partner's change, wait for it
        try (Connection handOver = dataSource.getConnection()) {
            handOver.setAutoCommit(false);
            try (Statement statement = handOver.createStatement()) {
                statement.execute("SELECT 1 FROM pg_advisory_xact_lock_shared(" + Clearances.DECISIONS + ")");
            }
            CompletableFuture<Integer> publish = CompletableFuture.supplyAsync(() -> given().auth().oauth2(admin)
                    .contentType("application/json").body(NOTHING_TO_MX).put("/api/v1/policy").then().extract()
                    .statusCode());
            LockWaits.until(dataSource, 1, publish);
            CompletableFuture<JsonPath> moved = CompletableFuture.supplyAsync(() -> given().auth().oauth2(admin)
                    .contentType("application/json").body(entry("MX")).put("/api/v1/partners/" + code).then()
                    .statusCode(200).extract().jsonPath());
            LockWaits.until(dataSource, 2, moved);
            handOver.commit();

            assertEquals(200, publish.get(15, TimeUnit.SECONDS));
            // the publish read the entry as it was (in the US); the change reads the version the publish committed
            assertEquals(1, moved.get(15, TimeUnit.SECONDS).getInt("releasesCancelled"));
        }
        JsonPath after = release(release);
        assertEquals("CANCELLED", after.getString("status"));
        assertTrue(after.getString("rejectionReason").contains("rule no-mx denies"), after.prettify());
    }

    @Test
    void twoAdminsPublishingAtOnceBothPublishOneAfterTheOther() throws Exception {
        int before = given().auth().oauth2(admin).get("/api/v1/policy").then().extract().path("version");
        // a hand-over deciding holds the decisions' lock shared: both publishes wait for it, one behind the other
        try (Connection handOver = dataSource.getConnection()) {
            handOver.setAutoCommit(false);
            try (Statement statement = handOver.createStatement()) {
                statement.execute("SELECT 1 FROM pg_advisory_xact_lock_shared(" + Clearances.DECISIONS + ")");
            }
            CompletableFuture<Integer> first = publishing(NOTHING_TO_MX);
            LockWaits.until(dataSource, 1, first);
            CompletableFuture<Integer> second = publishing(NOTHING_TO_MX.replace("nothing to MX", "second"));
            LockWaits.until(dataSource, 2, second);
            handOver.commit();

            // the second read the version the first published: it took the next number, not the same one (409)
            assertEquals(200, first.get(15, TimeUnit.SECONDS));
            assertEquals(200, second.get(15, TimeUnit.SECONDS));
        }
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200)
                .body("version", equalTo(before + 2));
    }

    private CompletableFuture<Integer> publishing(String document) {
        return CompletableFuture.supplyAsync(() -> given().auth().oauth2(admin).contentType("application/json")
                .body(document).put("/api/v1/policy").then().extract().statusCode());
    }

    private String entry(String country) {
        return """
                {"name":"Test partner","country":"%s","endpoint":"%s/partners/%s/deliveries",
                 "acceptedTypes":["PRECURSOR_SHIPMENT"],"maxTlp":"AMBER","active":true}"""
                .formatted(country, partners.baseUrl(), code);
    }

    /** A transaction of the test's own that holds the release's row locked. */
    private Connection holding(String release) throws SQLException {
        Connection hold = dataSource.getConnection();
        hold.setAutoCommit(false);
        try (PreparedStatement lock = hold.prepareStatement("SELECT 1 FROM release WHERE id = ? FOR UPDATE")) {
            lock.setObject(1, UUID.fromString(release));
            lock.executeQuery().close();
        }
        return hold;
    }

    /** A CN report, AMBER, releasable to the test's partner only: it waits for one CN officer's approval. */
    private String pendingAmberRelease() {
        UUID report = UUID.randomUUID();
        Reports.handOver(Reports.message(report, "CN-GACC", "CN", "AMBER", "{\"releasableTo\":[\"" + code + "\"]}"))
                .statusCode(200);
        JsonPath found = given().auth().oauth2(officer).queryParam("reportId", report).queryParam("partner", code)
                .get("/api/v1/releases").then().statusCode(200).extract().jsonPath();
        assertEquals("PENDING_APPROVAL", found.getString("items[0].status"), found.prettify());
        assertEquals(1, found.getInt("items[0].requiredApprovals"), found.prettify());
        return found.getString("items[0].id");
    }

    private JsonPath release(String id) {
        return given().auth().oauth2(officer).get("/api/v1/releases/" + id).then().statusCode(200).extract()
                .jsonPath();
    }

    private List<String> deliveryStatuses(String releaseId) {
        String report = release(releaseId).getString("reportId");
        return given().auth().oauth2(officer).queryParam("reportId", report).queryParam("partner", code)
                .get("/api/v1/deliveries").then().statusCode(200).extract().jsonPath().getList("items.status");
    }
}
