package org.cnx.sharing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * The founding case under the initial policy: an ANPP shipment reported by CN-GACC naming a person.
 * US-CBP gets it only after two CN officers approve, without the person, and the record lists what
 * was withheld; US-DEA is denied by default; a US officer cannot approve (and the attempt is audited); and the dry
 * run an admin made beforehand is byte for byte what US-CBP receives.
 */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class FoundingCaseTest {

    @InjectWireMock
    WireMockServer partners;

    @Test
    void cbpGetsTheRecordWithoutThePersonAfterTwoCnOfficersAndExactlyAsTheDryRunShowed() throws Exception {
        UUID id = UUID.randomUUID();
        Instant receivedAt = Instant.parse("2026-11-20T09:00:00.123456Z");

        // 1. an admin dry-runs the report against the policy in force
        String dryRun = given().auth().oauth2(Reports.admin("admin-1")).contentType("application/json")
                .body("""
                        {"id":"%s","agency":"CN-GACC","country":"CN","receivedAt":"%s","watchlistHits":["ANPP"],
                         "report":%s}""".formatted(id, receivedAt, Reports.FOUNDING_CASE))
                .post("/api/v1/policy/evaluation").then().statusCode(200)
                .body("draft", equalTo(false))
                .body("decisions.partner", not(hasItem("CN-GACC")))
                .body("decisions.find { it.partner == 'US-CBP' }.action", equalTo("APPROVE"))
                .body("decisions.find { it.partner == 'US-CBP' }.requiredApprovals", equalTo(2))
                .body("decisions.find { it.partner == 'US-CBP' }.rule", equalTo("cn-watchlist-to-cbp"))
                .body("decisions.find { it.partner == 'US-DEA' }.action", equalTo("DENY"))
                .body("decisions.find { it.partner == 'US-DEA' }.rule", equalTo("default-deny"))
                .body("decisions.find { it.partner == 'US-DEA' }.payload", nullValue())
                .extract().asString();
        String previewSha = JsonPath.from(dryRun).getString("decisions.find { it.partner == 'US-CBP' }.payloadSha256");

        // 2. intake hands it over: one decision per partner other than the originator
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", receivedAt, "[\"ANPP\"]", Reports.FOUNDING_CASE))
                .statusCode(200).body("accepted", equalTo(1));
        String cnOfficerA = Reports.officer("CN-NNCC", "CN", "officer-cn-a");
        String cnOfficerB = Reports.officer("CN-MPS", "CN", "officer-cn-b");
        JsonPath releases = given().auth().oauth2(cnOfficerA).queryParam("reportId", id).get("/api/v1/releases")
                .then().statusCode(200).body("items", hasSize(5)).extract().jsonPath();
        assertEquals("DENIED", releases.getString("items.find { it.partner == 'US-DEA' }.status"));
        assertEquals("default-deny", releases.getString("items.find { it.partner == 'US-DEA' }.rule"));
        String toCbp = releases.getString("items.find { it.partner == 'US-CBP' }.id");

        // 3. the officer's detail view: the exact payload, why, the manifest, the approvals so far
        JsonPath detail = given().auth().oauth2(cnOfficerA).get("/api/v1/releases/" + toCbp).then().statusCode(200)
                .body("status", equalTo("PENDING_APPROVAL")).body("requiredApprovals", equalTo(2))
                .body("rule", equalTo("cn-watchlist-to-cbp")).body("redaction", equalTo("no-personal-data"))
                .body("reasons", hasItem("originator control: an officer of CN must approve"))
                .body("approvals", hasSize(0)).body("overdue", equalTo(false))
                .body("withheld", hasItem(Map.of("path", "/subjects/0", "op", "drop")))
                .body("payload.withheld", hasItem(Map.of("path", "/subjects/0", "op", "drop")))
                .body("payload.report.subjects", hasSize(1))
                .body("payload.report.subjects[0].kind", equalTo("COMPANY"))
                .body("payload.report.subjects[0].identifiers[0].value", equalTo("****DE12"))
                .body("payload.report.occurredAt", equalTo("2026-11-20"))
                .extract().jsonPath();
        assertEquals(previewSha, detail.getString("payloadSha256"), "the officer previews what the dry run showed");

        // 4. a US officer may not approve a CN release; one CN officer is not enough, nor is approving twice
        given().auth().oauth2(Reports.officer("US-CBP", "US", "officer-us-a")).contentType("application/json")
                .body("{}").post("/api/v1/releases/" + toCbp + "/approvals").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(cnOfficerA).contentType("application/json").body("{\"comment\":\"checked\"}")
                .post("/api/v1/releases/" + toCbp + "/approvals").then().statusCode(200)
                .body("status", equalTo("PENDING_APPROVAL")).body("approvals", hasSize(1));
        given().auth().oauth2(cnOfficerA).contentType("application/json").body("{}")
                .post("/api/v1/releases/" + toCbp + "/approvals").then().statusCode(403)
                .body("type", equalTo("https://cnx.example/problems/already-approved"));
        // sharing's own rows, committed with the approval: no delivery scheduled (the partner's inbox, looked at after
        // 300 ms, also passed where one was scheduled and not yet sent)
        given().auth().oauth2(cnOfficerA).queryParam("reportId", id).get("/api/v1/deliveries").then()
                .statusCode(200).body("items", hasSize(0));
        Thread.sleep(300);
        assertTrue(PartnerInbox.deliveriesOf(partners, id).isEmpty(), "nothing leaves after one approval");
        given().auth().oauth2(cnOfficerB).contentType("text/plain").body("ok")
                .post("/api/v1/releases/" + toCbp + "/approvals").then().statusCode(415)
                .body("detail", equalTo("The body is text/plain; charset=ISO-8859-1; this endpoint reads "
                        + "application/json."));
        // the second approval as a bare POST, no body and no Content-Type (curl -X POST), as DESIGN gives it none
        HttpResponse<String> bare = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/releases/" + toCbp + "/approvals"))
                .header("Authorization", "Bearer " + cnOfficerB).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bare.statusCode(), bare.body());
        JsonPath released = JsonPath.from(bare.body());
        assertEquals("RELEASED", released.getString("status"));
        assertEquals(List.of("officer-cn-a", "officer-cn-b"), released.getList("approvals.officer"));

        // 5. US-CBP receives it, signed, without the person; the bytes are those of the dry run
        List<LoggedRequest> delivered = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.deliveriesOf(partners, id), list -> !list.isEmpty());
        assertEquals(1, delivered.size());
        LoggedRequest delivery = delivered.get(0);
        assertEquals("US-CBP", PartnerInbox.partnerOf(delivery));
        PartnerInbox.verify(delivery);
        String body = new String(delivery.getBody(), StandardCharsets.UTF_8);
        assertFalse(body.contains("WANG Li") || body.contains("E12345678") || body.contains("91130100MA0ABCDE12"), body);
        assertTrue(dryRun.contains(body), "the dry run's payload is byte for byte the delivered body");
        assertEquals(previewSha, PartnerInbox.sha256(delivery.getBody()));
        JsonPath record = JsonPath.from(body);
        assertEquals(List.of(Map.of("path", "/subjects/0", "op", "drop"),
                Map.of("path", "/subjects/1/identifiers/0/value", "op", "mask"),
                Map.of("path", "/occurredAt", "op", "generalise")), record.getList("withheld"));

        // 6. both approvals are audited with the officers who gave them
        List<Map<String, Object>> approvals = await().atMost(Duration.ofSeconds(15)).until(() -> PartnerInbox
                .auditEvents(partners, id, "RELEASE_APPROVED"), list -> list.size() == 2);
        assertEquals(List.of("officer-cn-a", "officer-cn-b"), approvals.stream().map(PartnerInbox::actorOf).toList());
        // and the country that allowed each (an actor names its agency, not its country)
        assertEquals(List.of("CN", "CN"), approvals.stream().map(e -> ((Map<?, ?>) e.get("details"))
                .get("officerCountry")).toList());

        // 7. so are the two refused approvals: who tried, on which release, and why not
        List<Map<String, Object>> refused = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.auditEvents(partners, id, "ACCESS_DENIED"), list -> list.size() == 2);
        assertEquals(List.of("officer-us-a", "officer-cn-a"), refused.stream().map(PartnerInbox::actorOf).toList());
        assertEquals(List.of(Map.of("attempted", "RELEASE_APPROVED", "problem", "other-country"),
                Map.of("attempted", "RELEASE_APPROVED", "problem", "already-approved")),
                refused.stream().map(e -> e.get("details")).toList());
        for (Map<String, Object> event : refused) {
            assertEquals("DENIED", event.get("outcome"));
            assertEquals(Map.of("reportId", id.toString(), "releaseId", toCbp, "partner", "US-CBP"),
                    event.get("subject"));
            assertEquals(previewSha, event.get("payloadSha256"));
        }
    }
}
