package org.cnx.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.cnx.intake.report.Report;
import org.cnx.intake.report.ReportRepository;
import org.hibernate.Hibernate;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class ReportSubmissionTest {

    private static final String CN_GACC = TestTokens.person("partner", "CN-GACC", "CN");

    @InjectWireMock
    WireMockServer peers;

    @Inject
    SessionFactory sessions;

    @Inject
    ReportRepository reports;

    static String founding(String externalRef) {
        return Bodies.founding(externalRef);
    }

    private List<LoggedRequest> sent(String path, String containing) {
        return peers.findAll(postRequestedFor(urlEqualTo(path)).withRequestBody(containing(containing)));
    }

    @Test
    void anAcceptedReportIsStoredHandedToSharingAndAudited() throws Exception {
        String body = founding("GACC-2026-0001");
        var created = given().auth().oauth2(CN_GACC).contentType("application/json").body(body)
                .post("/api/v1/reports").then().statusCode(201)
                .body("externalRef", equalTo("GACC-2026-0001")).body("status", equalTo("RECEIVED"))
                .body("receivedAt", notNullValue())
                .body("watchlistHits", equalTo(List.of("ANPP")))
                .extract();
        String id = created.path("id");
        // a reference relative to the URI the client called: following it leads to the report
        assertEquals("/api/v1/reports/" + id, created.header("Location"));

        given().auth().oauth2(CN_GACC).get(created.header("Location")).then().statusCode(200)
                .body("id", equalTo(id)).body("report.shipment.containerNumber", equalTo("CSQU3054383"))
                .body("report.subjects[0].kind", equalTo("PERSON"));
        // another agency cannot even learn that the report exists
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US")).get("/api/v1/reports/" + id)
                .then().statusCode(404).contentType("application/problem+json");

        await().atMost(Duration.ofSeconds(10)).until(() -> !sent("/internal/v1/reports", id).isEmpty()
                && !sent("/internal/v1/events", id).isEmpty());
        LoggedRequest handOver = sent("/internal/v1/reports", id).get(0);
        JsonPath shared = JsonPath.from(handOver.getBodyAsString());
        assertEquals("CN-GACC", shared.getString("[0].agency"), "the agency comes from the token");
        assertEquals("CN", shared.getString("[0].country"));
        assertEquals("AMBER", shared.getString("[0].report.tlp"));
        assertEquals(List.of("US-CBP", "US-DEA"), shared.getList("[0].report.handling.releasableTo"));
        assertEquals(List.of("ANPP"), shared.getList("[0].watchlistHits"), "the hits travel on to sharing's rules");
        assertEquals("WANG Li", shared.getString("[0].report.subjects[0].name"));
        Map<String, Object> claims = claims(handOver.getHeader("Authorization"));
        assertEquals("cnx-intake", claims.get("iss"));
        assertEquals("cnx-sharing", claims.get("aud"));

        // an audit batch may carry other requests' events too (the audit relay lingers): pick this report's
        List<Map<String, Object>> received = sent("/internal/v1/events", id).stream()
                .flatMap(post -> JsonPath.from(post.getBodyAsString()).<Map<String, Object>>getList("").stream())
                .filter(e -> "REPORT_RECEIVED".equals(e.get("action"))
                        && id.equals(((Map<?, ?>) e.get("subject")).get("reportId")))
                .toList();
        assertEquals(1, received.size(), "one REPORT_RECEIVED event for the report");
        Map<String, Object> event = received.get(0);
        assertEquals("intake", event.get("service"));
        assertEquals("CN-GACC", ((Map<?, ?>) event.get("actor")).get("agency"));
        assertEquals(sha256(body), event.get("payloadSha256"), "hash of the exact bytes received");
    }

    @Test
    void aSubmissionWritesItsRowsInPlainSqlAndReadsBackAsSent() {
        // the report and its two outbox messages: as Hibernate entities, the insert machinery cost about a tenth of
        // intake's CPU per report
        Statistics statistics = sessions.getStatistics();
        long inserted = statistics.getEntityInsertCount();
        JsonPath created = given().auth().oauth2(CN_GACC).contentType("application/json").body(founding("GACC-PLAIN-1"))
                .post("/api/v1/reports").then().statusCode(201).extract().jsonPath();
        assertEquals(0, statistics.getEntityInsertCount() - inserted, "no entity inserted through Hibernate");

        String id = created.getString("id");
        JsonPath stored = given().auth().oauth2(CN_GACC).get("/api/v1/reports/" + id).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(created.getString("receivedAt"), stored.getString("receivedAt"), "the same instant, to the µs");
        assertEquals(List.of("ANPP"), stored.getList("watchlistHits"));
        assertEquals("RECEIVED", stored.getString("status"));
        assertEquals("GACC-PLAIN-1", stored.getString("externalRef"));
        // the same reference and content again: the stored report's hash matches, so the same report answers
        given().auth().oauth2(CN_GACC).contentType("application/json").body(founding("GACC-PLAIN-1"))
                .post("/api/v1/reports").then().statusCode(200).body("id", equalTo(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> !sent("/internal/v1/reports", id).isEmpty()
                && !sent("/internal/v1/events", id).isEmpty());
    }

    @Test
    void aHandOverThatFailsIsRetriedUntilSharingTakesIt() {
        // this report's hand-over alone: another report's, still on its way, would take the 503 in its place
        peers.stubFor(post(urlEqualTo("/internal/v1/reports")).withRequestBody(containing("GACC-RETRY-1"))
                .inScenario("down").whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503))
                .willSetStateTo("up"));
        peers.stubFor(post(urlEqualTo("/internal/v1/reports")).withRequestBody(containing("GACC-RETRY-1"))
                .inScenario("down").whenScenarioStateIs("up").willReturn(aResponse().withStatus(200)));
        try {
            String id = given().auth().oauth2(CN_GACC).contentType("application/json")
                    .body(founding("GACC-RETRY-1")).post("/api/v1/reports").then().statusCode(201)
                    .extract().path("id");
            await().atMost(Duration.ofSeconds(15)).until(() -> sent("/internal/v1/reports", id).size() == 2);
        } finally {
            peers.resetScenarios();
            peers.stubFor(post(urlEqualTo("/internal/v1/reports")).willReturn(aResponse().withStatus(200)));
        }
    }

    @Test
    void fiveInvalidFieldsAreReportedInOneProblem() {
        String body = founding("X-1")
                .replace("\"PRECURSOR_SHIPMENT\"", "\"SMUGGLING\"")
                .replace("\"title\":\"25 kg ANPP declared as industrial chemical\"", "\"title\":\"\"")
                .replace("21409-26-7", "21409-26-8")
                .replace("CSQU3054383", "CSQU3054384")
                .replace("\"transitCountries\":[\"US\"]", "\"transitCountries\":[\"XX\"]");
        given().auth().oauth2(CN_GACC).contentType("application/json").body(body)
                .post("/api/v1/reports").then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.pointer", containsInAnyOrder("/type", "/title", "/substances/0/casNumber",
                        "/shipment/containerNumber", "/shipment/transitCountries/0"));
    }

    @Test
    void quantitiesAndUnitsAreChecked() {
        String body = founding("X-2").replace("\"quantity\":25,\"unit\":\"kg\"", "\"quantity\":-1,\"unit\":\"tons\"");
        given().auth().oauth2(CN_GACC).contentType("application/json").body(body)
                .post("/api/v1/reports").then().statusCode(400)
                .body("errors.pointer", containsInAnyOrder("/substances/0/quantity", "/substances/0/unit"));
        // past PostgreSQL's numeric (16,383 digits after the point) the insert failed: a 500, and not audited
        for (String tiny : List.of("1E-20000", "0.0000001")) {
            given().auth().oauth2(CN_GACC).contentType("application/json")
                    .body(founding("X-2").replace("\"quantity\":25", "\"quantity\":" + tiny))
                    .post("/api/v1/reports").then().statusCode(400)
                    .body("errors.pointer", contains("/substances/0/quantity"))
                    .body("errors.message", contains("must have at most 6 digits after the decimal point"));
        }
    }

    @Test
    void aValueOfTheWrongTypeIsPointedAt() {
        given().auth().oauth2(CN_GACC).contentType("application/json")
                .body(founding("X-6").replace("\"quantity\":25", "\"quantity\":\"lots\""))
                .post("/api/v1/reports").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].pointer", equalTo("/substances/0/quantity"));
    }

    @Test
    void aClientCannotSetServerOwnedFields() {
        given().auth().oauth2(CN_GACC).contentType("application/json")
                .body(founding("X-3").replace("{\"externalRef\"", "{\"agency\":\"US-DEA\",\"externalRef\""))
                .post("/api/v1/reports").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].pointer", equalTo("/agency"));
    }

    @Test
    void malformedJsonIsA400Problem() {
        given().auth().oauth2(CN_GACC).contentType("application/json").body("{\"externalRef\":")
                .post("/api/v1/reports").then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Bad Request"));
    }

    /** A list page leaves the bodies unread (a hundred 256 KiB reports held 50 MB a page); the detail reads it. */
    @Test
    void aListPageDoesNotLoadTheBodiesItNeverShows() {
        given().auth().oauth2(CN_GACC).contentType("application/json").body(founding("LAZY-1"))
                .post("/api/v1/reports").then().statusCode(201);
        QuarkusTransaction.requiringNew().run(() -> {
            List<Report> page = reports.page("CN-GACC", new ReportRepository.Filter(null, null, null), null, 5);
            assertFalse(page.isEmpty());
            assertTrue(page.stream().noneMatch(r -> Hibernate.isPropertyInitialized(r, "body")));
        });
        given().auth().oauth2(CN_GACC).queryParam("externalRef", "LAZY-1").get("/api/v1/reports").then()
                .statusCode(200).body("items[0].externalRef", equalTo("LAZY-1"));
    }

    @Test
    void aWrongContentTypeIs415() {
        given().auth().oauth2(CN_GACC).contentType("text/plain").body(founding("X-4"))
                .post("/api/v1/reports").then().statusCode(415).contentType("application/problem+json")
                .body("detail", equalTo("The body is text/plain; charset=ISO-8859-1; this endpoint reads "
                        + "application/json."));
    }

    /** JAX-RS's own refusals said nothing but their status: which type, header or method they were about. */
    @Test
    void aRefusedAcceptOrMethodIsAProblemThatSaysWhy() {
        given().auth().oauth2(CN_GACC).accept("application/xml").get("/api/v1/reports").then().statusCode(406)
                .contentType("application/problem+json")
                .body("detail", equalTo("The Accept header (application/xml) admits no type this endpoint answers in."));
        given().auth().oauth2(CN_GACC).contentType("application/json").body("{}").put("/api/v1/reports").then()
                .statusCode(405).contentType("application/problem+json")
                .body("detail", equalTo("This path does not take that method."))
                // which it does take (RFC 9110: a 405 must say), this path's, not every one of the resource's
                .header("Allow", equalTo("GET, HEAD, OPTIONS, POST"));
        given().auth().oauth2(CN_GACC).delete("/api/v1/reports/" + java.util.UUID.randomUUID()).then()
                .statusCode(405).header("Allow", equalTo("GET, HEAD, OPTIONS"));
        given().auth().oauth2(CN_GACC).get("/api/v1/reports/" + java.util.UUID.randomUUID() + "/withdrawal").then()
                .statusCode(405).header("Allow", equalTo("OPTIONS, POST"));
    }

    @Test
    void aTokenWithoutAgencyCannotSubmit() {
        String token = TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "partner", Duration.ofMinutes(5)),
                "idp");
        given().auth().oauth2(token).contentType("application/json").body(founding("X-5"))
                .post("/api/v1/reports").then().statusCode(403).contentType("application/problem+json");
    }

    private static Map<String, Object> claims(String authorization) {
        String payload = authorization.substring("Bearer ".length()).split("\\.")[1];
        return JsonPath.from(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)).getMap("$");
    }

    private static String sha256(String body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    }
}
