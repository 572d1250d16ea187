package org.cnx.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.policy.PolicyDocument;
import org.cnx.sharing.policy.PolicyService;
import org.cnx.sharing.release.Clearances;
import org.cnx.sharing.validation.CountryCode;
import org.cnx.sharing.validation.DuplicateFields;
import org.cnx.sharing.validation.IsoInstant;
import org.cnx.sharing.validation.StorableStrings;
import org.cnx.sharing.validation.StrictJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The versioned release policy: publish, read old versions, audit, dry runs of drafts. */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class PolicyResourceTest {

    /** Seizures to US-CBP denied; every other GREEN-or-lower report released with its title dropped. */
    private static final String NO_TITLES = """
            {"description":"test: no titles","rules":[
               {"id":"no-cbp","match":{"partners":["US-CBP"]},"action":"DENY"},
               {"id":"green-without-title","match":{"maxTlp":"GREEN"},"action":"RELEASE","redaction":"no-title"}],
             "redactionProfiles":{"no-title":[{"path":"/title","op":"drop"}]}}""";

    @InjectWireMock
    WireMockServer partners;

    @Inject
    DataSource dataSource;

    @Inject
    PolicyService policies;

    @Inject
    ObjectMapper json;

    @Inject
    EntityManager em;

    private final String admin = Reports.admin("admin-policy");
    private Map<String, Object> initial;
    private int initialVersion;

    @BeforeEach
    void rememberThePolicyInForce() {
        JsonPath current = given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200).extract().jsonPath();
        initial = current.getMap("document");
        initialVersion = current.getInt("version");
    }

    /** Other tests rely on the initial policy: put it back as a new version. */
    @AfterEach
    void restore() {
        int now = given().auth().oauth2(admin).get("/api/v1/policy").then().extract().path("version");
        if (now != initialVersion) {
            given().auth().oauth2(admin).contentType("application/json").body(initial).put("/api/v1/policy")
                    .then().statusCode(200);
        }
    }

    /**
     * A publish whose commit failed left its document cached as the version number it took; the next publish took
     * that number too, and the replica decided under the document that was never stored, and showed it as that version.
     */
    @Test
    void aPublishThatNeverCommittedLeavesNothingBehindForTheNextOne() throws Exception {
        PolicyDocument neverStored = json.readValue(NO_TITLES, PolicyDocument.class);
        QuarkusTransaction.begin();
        try {
            policies.publish(neverStored, null,
                    new AuditEvent.Actor("admin-policy", "US-DHS", List.of("exchange-admin")));
        } finally {
            QuarkusTransaction.rollback();
        }
        given().auth().oauth2(admin).contentType("application/json").body(initial).put("/api/v1/policy").then()
                .statusCode(200).body("version", equalTo(initialVersion + 1)).body("document", equalTo(initial));
        given().auth().oauth2(admin).get("/api/v1/policy/versions/" + (initialVersion + 1)).then().statusCode(200)
                .body("document", equalTo(initial));
        assertEquals(initial.get("description"), policies.active().document().description());
    }

    /** Quarkus's own check of the HTTP layer's cap answered an empty 413, which named no limit. */
    @Test
    void aDocumentOverTheHttpCapIsA413ProblemNamingTheLimitAndPublishesNothing() {
        String huge = "{\"description\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}";
        given().auth().oauth2(admin).contentType("application/json").body(huge).put("/api/v1/policy").then()
                .statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/too-large"))
                .body("detail", equalTo("The body is " + huge.length() + " bytes; the limit is 2097152."));
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200)
                .body("version", equalTo(initialVersion));
        // one without a token learns no limit
        given().contentType("application/json").body(huge).put("/api/v1/policy").then().statusCode(401);
    }

    @Test
    void everyChangeIsANewVersionOldVersionsStayReadableAndTheChangeIsAuditedWithItsAuthor() {
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200)
                .header("ETag", "\"" + initialVersion + "\"")
                .body("document.rules.id", hasItem("cn-watchlist-to-cbp"));

        JsonPath published = given().auth().oauth2(admin).contentType("application/json")
                .header("If-Match", "\"" + initialVersion + "\"").body(NO_TITLES).put("/api/v1/policy")
                .then().statusCode(200)
                .header("ETag", "\"" + (initialVersion + 1) + "\"")
                .header("Content-Location", equalTo("/api/v1/policy/versions/" + (initialVersion + 1)))
                .body("version", equalTo(initialVersion + 1))
                .body("createdBy.sub", equalTo("admin-policy")).body("createdBy.agency", equalTo("US-DHS"))
                .body("document.rules.id", equalTo(List.of("no-cbp", "green-without-title")))
                .extract().jsonPath();

        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200)
                .body("version", equalTo(initialVersion + 1)).body("document.description", equalTo("test: no titles"))
                .body("releasesCancelled", nullValue());
        given().auth().oauth2(admin).get("/api/v1/policy/versions/" + initialVersion).then().statusCode(200)
                .body("version", equalTo(initialVersion)).body("document", equalTo(initial));
        given().auth().oauth2(admin).get("/api/v1/policy/versions/99999").then().statusCode(404)
                .contentType("application/problem+json");

        // a second admin working from the old version does not silently overwrite the first
        given().auth().oauth2(Reports.admin("admin-other")).contentType("application/json")
                .header("If-Match", "\"" + initialVersion + "\"").body(NO_TITLES).put("/api/v1/policy")
                .then().statusCode(412).contentType("application/problem+json");
        // a weak tag never matches (RFC 9110 compares strongly): it was taken as the version
        given().auth().oauth2(Reports.admin("admin-other")).contentType("application/json")
                .header("If-Match", "W/\"" + (initialVersion + 1) + "\"").body(NO_TITLES).put("/api/v1/policy")
                .then().statusCode(412).contentType("application/problem+json");
        // and "*" matches whatever version is in force (RFC 9110): it answered 412
        given().auth().oauth2(Reports.admin("admin-other")).contentType("application/json")
                .header("If-Match", "*").body(NO_TITLES).put("/api/v1/policy")
                .then().statusCode(200).body("version", equalTo(initialVersion + 2));
        // a list matches if any of its tags does: it was refused as "not the ETag"
        given().auth().oauth2(Reports.admin("admin-other")).contentType("application/json")
                .header("If-Match", "\"" + initialVersion + "\", \"" + (initialVersion + 2) + "\"").body(NO_TITLES)
                .put("/api/v1/policy").then().statusCode(200).body("version", equalTo(initialVersion + 3));

        Map<String, Object> event = await().atMost(Duration.ofSeconds(30)).until(() -> PartnerInbox.auditEvents(partners)
                .stream().filter(e -> "POLICY_CHANGED".equals(e.get("action")))
                .filter(e -> Integer.valueOf(initialVersion + 1).equals(((Map<?, ?>) e.get("details")).get("version")))
                .findFirst().orElse(null), e -> e != null);
        assertEquals("admin-policy", PartnerInbox.actorOf(event));
        assertEquals(published.getString("documentSha256"), event.get("payloadSha256"));
        assertEquals(initialVersion, ((Map<?, ?>) event.get("details")).get("previousVersion"));
    }

    @Test
    void aNewVersionDecidesEveryReportReceivedFromThenOn() {
        int version = given().auth().oauth2(admin).contentType("application/json").body(NO_TITLES).put("/api/v1/policy")
                .then().statusCode(200).extract().path("version");
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "US-DEA", "US", "GREEN", null)).statusCode(200);

        JsonPath releases = given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-p"))
                .queryParam("reportId", id).get("/api/v1/releases").then().statusCode(200).extract().jsonPath();
        assertEquals("DENIED", releases.getString("items.find { it.partner == 'US-CBP' }.status"));
        assertEquals("no-cbp", releases.getString("items.find { it.partner == 'US-CBP' }.rule"));
        String toNncc = releases.getString("items.find { it.partner == 'CN-NNCC' }.id");
        given().auth().oauth2(Reports.officer("US-DEA", "US", "officer-us-p")).get("/api/v1/releases/" + toNncc)
                .then().statusCode(200).body("policyVersion", equalTo(version)).body("rule", equalTo("green-without-title"))
                .body("status", equalTo("RELEASED"));

        List<LoggedRequest> delivered = await().atMost(Duration.ofSeconds(30))
                .until(() -> PartnerInbox.deliveriesOf(partners, id), list -> list.size() == 4);
        for (LoggedRequest request : delivered) {
            JsonPath record = JsonPath.from(request.getBodyAsString());
            assertFalse(record.getMap("report").containsKey("title"), request.getBodyAsString());
            assertEquals(List.of(Map.of("path", "/title", "op", "drop")), record.getList("withheld"));
        }
    }

    @Test
    void aNewVersionCancelsWhatItDeniesOfWhatHasNotLeftAndLeavesWhatItAllows() {
        // both US partners busy for an hour: the released records wait out their backoff
        List<StubMapping> busy = List.of("US-CBP", "US-DEA").stream().map(code -> partners.stubFor(
                post(urlEqualTo("/partners/" + code + "/deliveries")).willReturn(aResponse().withStatus(503)
                        .withHeader("Retry-After", "3600")))).toList();
        try {
            UUID green = UUID.randomUUID();
            UUID amber = UUID.randomUUID();
            Reports.handOver(Reports.message(green, "CN-GACC", "CN", Instant.now(), "[]", """
                    {"externalRef":"REF-%s","type":"SEIZURE","title":"2 kg fentanyl","tlp":"GREEN",
                     "handling":{"releasableTo":["US-CBP","US-DEA"]}}""".formatted(green)),
                    Reports.message(amber, "CN-GACC", "CN", "AMBER", "{\"releasableTo\":[\"US-DEA\"]}"))
                    .statusCode(200);
            String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-p");
            await().atMost(Duration.ofSeconds(15)).until(() -> deliveriesOf(officer, green, "attempts"),
                    List.of(1, 1)::equals);
            assertEquals("PENDING_APPROVAL", releaseOf(officer, amber, "US-DEA").getString("status"));

            // the new version denies anything to US-CBP and AMBER to anyone: the GREEN record waiting for US-CBP went
            // out on its retry, and an officer could still approve the AMBER release
            JsonPath published = given().auth().oauth2(admin).contentType("application/json").body(NO_TITLES)
                    .put("/api/v1/policy").then().statusCode(200).extract().jsonPath();
            int version = published.getInt("version");
            JsonPath toCbp = releaseOf(officer, green, "US-CBP");
            assertEquals("CANCELLED", toCbp.getString("status"));
            assertTrue(toCbp.getString("rejectionReason").startsWith("policy version " + version + " denies it: "),
                    toCbp.getString("rejectionReason"));
            assertEquals(List.of("CANCELLED", "PENDING"), deliveriesOf(officer, green, "status"));
            JsonPath toDea = releaseOf(officer, amber, "US-DEA");
            assertEquals("CANCELLED", toDea.getString("status"));
            assertEquals("policy version " + version + " denies it: no rule of the policy matches: denied by default",
                    toDea.getString("rejectionReason"));
            given().auth().oauth2(officer).contentType("application/json").body("{}")
                    .post("/api/v1/releases/" + toDea.getString("id") + "/approvals").then().statusCode(409);
            assertEquals("RELEASED", releaseOf(officer, green, "US-DEA").getString("status"),
                    "the new version still releases GREEN to US-DEA: as decided, it waits for the partner");
            for (UUID report : List.of(green, amber)) {
                Map<String, Object> cancelled = await().atMost(Duration.ofSeconds(15)).until(() -> PartnerInbox
                        .auditEvents(partners, report, "RELEASE_CANCELLED"), l -> !l.isEmpty()).get(0);
                assertEquals("admin-policy", PartnerInbox.actorOf(cancelled));
            }
            // the admin is told how many, as the event records it (what earlier tests left waiting counts too)
            Map<String, Object> changed = await().atMost(Duration.ofSeconds(30)).until(() -> PartnerInbox
                    .auditEvents(partners).stream().filter(e -> "POLICY_CHANGED".equals(e.get("action")))
                    .filter(e -> Integer.valueOf(version).equals(((Map<?, ?>) e.get("details")).get("version")))
                    .findFirst().orElse(null), e -> e != null);
            assertTrue(published.getInt("releasesCancelled") >= 2, published.prettify());
            assertEquals(published.getInt("releasesCancelled"),
                    ((Map<?, ?>) changed.get("details")).get("releasesCancelled"));
            // and the cancellations come after their cause in the producer's order too, as the README says
            Instant cause = Instant.parse((String) changed.get("occurredAt"));
            for (UUID report : List.of(green, amber)) {
                Instant effect = Instant.parse((String) PartnerInbox.auditEvents(partners, report, "RELEASE_CANCELLED")
                        .get(0).get("occurredAt"));
                assertFalse(effect.isBefore(cause), effect + " is before the change that caused it, " + cause);
            }
        } finally {
            busy.forEach(partners::removeStub);
        }
    }

    /** CN AMBER reports to US-DEA after as many approvals as said. */
    private static final String AMBER_TO_DEA = """
            {"description":"test: %d approvals","rules":[
               {"id":"cn-amber-to-dea","match":{"originCountries":["CN"],"partners":["US-DEA"],"maxTlp":"AMBER"},
                "action":"APPROVE","approvers":%d}]}""";

    /**
     * A policy published after an incident that gives two officers what one decided before holds for what waits: one
     * approval released the release decided under the old version.
     */
    @Test
    void aPolicyNeedingMoreApprovalsHoldsForReleasesWaitingForThem() {
        given().auth().oauth2(admin).contentType("application/json").body(AMBER_TO_DEA.formatted(1, 1))
                .put("/api/v1/policy").then().statusCode(200);
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", "AMBER", "{\"releasableTo\":[\"US-DEA\"]}"))
                .statusCode(200);
        String first = Reports.officer("CN-NNCC", "CN", "officer-cn-raise-1");
        assertEquals(1, releaseOf(first, id, "US-DEA").getInt("requiredApprovals"));

        int version = given().auth().oauth2(admin).contentType("application/json").body(AMBER_TO_DEA.formatted(2, 2))
                .put("/api/v1/policy").then().statusCode(200).body("releasesCancelled", equalTo(0))
                .extract().path("version");
        JsonPath waiting = releaseOf(first, id, "US-DEA");
        assertEquals(2, waiting.getInt("requiredApprovals"));
        assertEquals(version, waiting.getInt("policyVersion"), "the release shows the decision that asks for two");
        assertTrue(waiting.getList("reasons").contains(
                "rule cn-amber-to-dea needs approval; approval by 2 distinct officer(s) of CN"), waiting.prettify());
        given().auth().oauth2(first).contentType("application/json").body("{}")
                .post("/api/v1/releases/" + waiting.getString("id") + "/approvals").then().statusCode(200)
                .body("status", equalTo("PENDING_APPROVAL"));
        given().auth().oauth2(Reports.officer("CN-MPS", "CN", "officer-cn-raise-2")).contentType("application/json")
                .body("{}").post("/api/v1/releases/" + waiting.getString("id") + "/approvals").then().statusCode(200)
                .body("status", equalTo("RELEASED"));
        // the admin's change decided it again, as the log says
        Map<String, Object> redecided = await().atMost(Duration.ofSeconds(15)).until(() -> PartnerInbox
                .auditEvents(partners, id, "RELEASE_DECIDED").stream()
                .filter(e -> "admin-policy".equals(PartnerInbox.actorOf(e))).findFirst().orElse(null), e -> e != null);
        Map<?, ?> details = (Map<?, ?>) redecided.get("details");
        assertEquals(List.of("APPROVE", "PENDING_APPROVAL", 2, 1, version, "cn-amber-to-dea"), List.of(
                details.get("action"), details.get("status"), details.get("requiredApprovals"),
                details.get("previousRequiredApprovals"), details.get("policyVersion"), details.get("rule")),
                details.toString());
        assertEquals("policy version " + version + " needs 2 approvals", details.get("reason"));
    }

    /** CN AMBER reports to US-DEA after two approvals, in the form the profile {@code form} gives. */
    private static final String FORMED_FOR_DEA = """
            {"description":"test: %s","rules":[
               {"id":"cn-amber-to-dea","match":{"originCountries":["CN"],"partners":["US-DEA"],"maxTlp":"AMBER"},
                "action":"APPROVE","approvers":2,"redaction":"form"}],
             "redactionProfiles":{"form":%s}}""";

    /**
     * A profile tightened after an incident holds for what waits for approval: the release waiting in the old form
     * (a person named, her passport masked) was approved and sent so, and it showed the new version. It takes the new
     * form, the approval given to the old one is void, and an approval naming the old one is refused, as is one naming
     * none (it may have been read before). A publish that
     * leaves the profile as it was voids nothing, also where the database gives the report back written otherwise
     * (a quantity handed over as 2.5E7 reads back as 25000000).
     */
    @Test
    void aProfileTightenedWhileAReleaseWaitsGivesItTheNewFormAndVoidsItsApprovals() {
        String masked = "[{\"path\":\"/subjects/*/identifiers/*/value\",\"op\":\"mask\",\"keep\":4}]";
        String noPersons = "[{\"path\":\"/subjects\",\"op\":\"drop\",\"where\":{\"kind\":\"PERSON\"}},"
                + "{\"path\":\"/subjects/*/identifiers/*/value\",\"op\":\"mask\",\"keep\":4}]";
        given().auth().oauth2(admin).contentType("application/json").body(FORMED_FOR_DEA.formatted("masked", masked))
                .put("/api/v1/policy").then().statusCode(200);
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", Instant.now(), "[\"ANPP\"]",
                Reports.FOUNDING_CASE.replace("\"quantity\":25", "\"quantity\":25000000.0"))).statusCode(200);
        String first = Reports.officer("CN-NNCC", "CN", "officer-cn-form-1");
        JsonPath read = releaseOf(first, id, "US-DEA");
        assertTrue(read.getString("payload").contains("WANG Li"), read.prettify());
        String oldForm = read.getString("payloadSha256");
        given().auth().oauth2(first).contentType("application/json").body("{\"payloadSha256\":\"" + oldForm + "\"}")
                .post("/api/v1/releases/" + read.getString("id") + "/approvals").then().statusCode(200)
                .body("approvals", hasSize(1));
        given().auth().oauth2(admin).contentType("application/json")
                .body(FORMED_FOR_DEA.formatted("masked, again", masked)).put("/api/v1/policy").then().statusCode(200);
        JsonPath same = releaseOf(first, id, "US-DEA");
        assertEquals(oldForm, same.getString("payloadSha256"));
        assertEquals(1, same.getList("approvals").size(), "the same form: " + same.prettify());

        int version = given().auth().oauth2(admin).contentType("application/json")
                .body(FORMED_FOR_DEA.formatted("no persons", noPersons)).put("/api/v1/policy").then().statusCode(200)
                .body("releasesCancelled", equalTo(0)).extract().path("version");
        JsonPath waiting = releaseOf(first, id, "US-DEA");
        assertEquals("PENDING_APPROVAL", waiting.getString("status"));
        assertFalse(waiting.getString("payload").contains("WANG Li"), waiting.prettify());
        assertTrue(waiting.getString("payload").contains("Hebei Example Chemical Co."), waiting.prettify());
        assertNotEquals(oldForm, waiting.getString("payloadSha256"));
        assertEquals(version, waiting.getInt("policyVersion"));
        assertEquals(List.of(), waiting.getList("approvals"), "the approval was of the old form");
        assertEquals(2, waiting.getInt("requiredApprovals"));
        // an officer working from the old reading approves nothing, whether or not the approval names what was read
        given().auth().oauth2(first).contentType("application/json").body("{\"payloadSha256\":\"" + oldForm + "\"}")
                .post("/api/v1/releases/" + waiting.getString("id") + "/approvals").then().statusCode(409)
                .body("type", equalTo("https://cnx.example/problems/payload-changed"))
                .body("detail", containsString(waiting.getString("payloadSha256")));
        String second = Reports.officer("CN-NNCC", "CN", "officer-cn-form-2");
        given().auth().oauth2(second).contentType("application/json").body("{\"comment\":\"as read this morning\"}")
                .post("/api/v1/releases/" + waiting.getString("id") + "/approvals").then().statusCode(409)
                .body("type", equalTo("https://cnx.example/problems/payload-unconfirmed"))
                .body("detail", containsString(waiting.getString("payloadSha256")));
        assertEquals(List.of(), releaseOf(second, id, "US-DEA").getList("approvals"), "nothing was approved");
        String newForm = waiting.getString("payloadSha256");
        given().auth().oauth2(first).contentType("application/json").body("{\"payloadSha256\":\"" + newForm + "\"}")
                .post("/api/v1/releases/" + waiting.getString("id") + "/approvals").then().statusCode(200)
                .body("approvals", hasSize(1)).body("status", equalTo("PENDING_APPROVAL"));
        Map<String, Object> reformed = await().atMost(Duration.ofSeconds(15)).until(() -> PartnerInbox
                .auditEvents(partners, id, "RELEASE_DECIDED").stream()
                .filter(e -> "admin-policy".equals(PartnerInbox.actorOf(e))).findFirst().orElse(null), e -> e != null);
        Map<?, ?> details = (Map<?, ?>) reformed.get("details");
        assertEquals(List.of(oldForm, 1, version), List.of(details.get("previousPayloadSha256"),
                details.get("approvalsVoided"), details.get("policyVersion")), details.toString());
        assertEquals(newForm, reformed.get("payloadSha256"));

        // the same profile under another version: the same form, and the approval given to it stands
        given().auth().oauth2(admin).contentType("application/json")
                .body(FORMED_FOR_DEA.formatted("no persons, again", noPersons)).put("/api/v1/policy").then()
                .statusCode(200);
        JsonPath kept = releaseOf(first, id, "US-DEA");
        assertEquals(newForm, kept.getString("payloadSha256"));
        assertEquals(1, kept.getList("approvals").size(), kept.prettify());

        // a looser rule in another form: the release waits for the two it was decided with, and says why
        given().auth().oauth2(admin).contentType("application/json").body(FORMED_FOR_DEA
                .formatted("one approver", masked).replace("\"approvers\":2", "\"approvers\":1"))
                .put("/api/v1/policy").then().statusCode(200);
        JsonPath looser = releaseOf(first, id, "US-DEA");
        assertTrue(looser.getString("payload").contains("WANG Li"), looser.prettify());
        assertEquals(2, looser.getInt("requiredApprovals"));
        assertEquals(List.of(), looser.getList("approvals"));
        assertTrue(looser.getList("reasons", String.class).contains("approval by 2 distinct officer(s), as the "
                + "release was decided with: a looser change lowers none"), looser.prettify());
    }

    /** CN watch-list reports to US-CBP after an approval, without saying which precursor. */
    private static final String HIDDEN_PRECURSORS = """
            {"description":"test: %s","rules":[
               {"id":"cn-watchlist-hidden","match":{"originCountries":["CN"],"partners":["US-CBP"],"watchlistHit":true},
                "action":"APPROVE","approvers":1,"redaction":"no-substances"}],
             "redactionProfiles":{"no-substances":[{"path":"/substances","op":"drop"}]}}""";

    /**
     * A record whose profile withholds the substances carried the watch-list hits, which name them: they were kept
     * for a change of the policy to decide again by. The hits now stay with the report, and the record keeps them back.
     */
    @Test
    void aRecordWithoutItsSubstancesNamesNoPrecursorAndIsStillDecidedAgainByItsHits() throws Exception {
        given().auth().oauth2(admin).contentType("application/json").body(HIDDEN_PRECURSORS.formatted("first"))
                .put("/api/v1/policy").then().statusCode(200);
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", Instant.now(), "[\"ANPP\"]", """
                {"externalRef":"REF-%s","type":"PRECURSOR_SHIPMENT","title":"a shipment","tlp":"AMBER",
                 "substances":[{"name":"despropionyl fentanyl","casNumber":"21409-26-7"}]}""".formatted(id)))
                .statusCode(200);
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-hidden");
        JsonPath pending = releaseOf(officer, id, "US-CBP");
        assertEquals("PENDING_APPROVAL", pending.getString("status"));
        String payload = json.writeValueAsString(pending.get("payload"));
        assertFalse(pending.getMap("payload").containsKey("watchlistHits"), payload);
        assertFalse(payload.contains("ANPP") || payload.contains("21409-26-7") || payload.contains("fentanyl"),
                payload);
        assertEquals(List.of(Map.of("path", "/substances", "op", "drop")), pending.getList("payload.withheld"));

        // the same rule in a new version: the report still has its hit, so its release still waits for the officer
        given().auth().oauth2(admin).contentType("application/json").body(HIDDEN_PRECURSORS.formatted("second"))
                .put("/api/v1/policy").then().statusCode(200);
        JsonPath after = releaseOf(officer, id, "US-CBP");
        assertEquals("PENDING_APPROVAL", after.getString("status"), after.prettify());
        assertEquals(pending.getString("payloadSha256"), after.getString("payloadSha256"));
    }

    /**
     * During the rolling upgrade that brings V10, a replica still on the code before it stores reports without their
     * hits: a change of the policy then read no hit, and cancelled what a watch-list rule had allowed.
     */
    @Test
    void aReportStoredWithoutItsHitsIsDecidedAgainByTheHitsItsRecordCarries() {
        String watchlistOnly = HIDDEN_PRECURSORS.replace(",\"redaction\":\"no-substances\"", "");
        given().auth().oauth2(admin).contentType("application/json").body(watchlistOnly.formatted("upgrade 1"))
                .put("/api/v1/policy").then().statusCode(200);
        UUID id = UUID.randomUUID();
        Reports.handOver(Reports.message(id, "CN-GACC", "CN", "AMBER", null)).statusCode(200);
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-upgrade");
        assertEquals(List.of("ANPP"), releaseOf(officer, id, "US-CBP").getList("payload.watchlistHits"));
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE shared_report SET watchlist_hits = '{}' WHERE id = :id").setParameter("id", id)
                .executeUpdate());

        given().auth().oauth2(admin).contentType("application/json").body(watchlistOnly.formatted("upgrade 2"))
                .put("/api/v1/policy").then().statusCode(200);
        JsonPath after = releaseOf(officer, id, "US-CBP");
        assertEquals("PENDING_APPROVAL", after.getString("status"), after.prettify());
    }

    @Test
    void aNewVersionWaitsForTheDecisionsInFlightSoThatItSeesThem() throws Exception {
        // a hand-over deciding under the version in force, its releases not committed yet, holds the decisions' lock
        // as ReleaseService.receive does; a publish that did not wait for it cancelled nothing it went on to commit
        try (Connection handOver = dataSource.getConnection()) {
            handOver.setAutoCommit(false);
            try (Statement statement = handOver.createStatement()) {
                statement.execute("SELECT 1 FROM pg_advisory_xact_lock_shared(" + Clearances.DECISIONS + ")");
            }
            CompletableFuture<Integer> publish = CompletableFuture.supplyAsync(() -> given().auth().oauth2(admin)
                    .contentType("application/json").body(NO_TITLES).put("/api/v1/policy").then().extract()
                    .statusCode());
            // until it waits for a lock or is done: a fixed second also passed where the publish had not started yet
            LockWaits.until(dataSource, 1, publish);
            assertFalse(publish.isDone(), "the publish waits for the hand-over's decisions");
            handOver.commit();
            assertEquals(200, publish.get(15, TimeUnit.SECONDS));
        }
        // and the other way round: a hand-over waits for a change in flight (a new version stored as a publish stores
        // it, not committed yet), then decides under it
        UUID waited = UUID.randomUUID();
        int version;
        try (Connection change = dataSource.getConnection()) {
            change.setAutoCommit(false);
            try (Statement statement = change.createStatement()) {
                statement.execute("SELECT 1 FROM pg_advisory_xact_lock(" + Clearances.DECISIONS + ")");
            }
            try (PreparedStatement insert = change.prepareStatement("INSERT INTO policy_version (version, document, "
                    + "document_sha256, created_at, created_by_sub) SELECT max(version) + 1, ?, ?, now(), 'test' "
                    + "FROM policy_version RETURNING version")) {
                insert.setString(1, NO_TITLES);
                insert.setString(2, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(NO_TITLES.getBytes(StandardCharsets.UTF_8))));
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                }
            }
            CompletableFuture<Integer> handOver = CompletableFuture.supplyAsync(() -> Reports.handOver(
                    Reports.message(waited, "US-CBP", "US", "GREEN", null)).extract().statusCode());
            LockWaits.until(dataSource, 1, handOver);
            assertFalse(handOver.isDone(), "the hand-over waits for the change");
            change.commit();
            assertEquals(200, handOver.get(15, TimeUnit.SECONDS));
        }
        List<Map<String, Object>> decided = given().auth().oauth2(Reports.officer("US-CBP", "US", "officer-us-wait"))
                .queryParam("reportId", waited).get("/api/v1/releases").then().statusCode(200).extract().jsonPath()
                .getList("items");
        assertEquals(5, decided.size());
        for (Map<String, Object> release : decided) {
            assertEquals("green-without-title", release.get("rule"), "decided under the new version: " + release);
            int decidedUnder = given().auth().oauth2(Reports.officer("US-CBP", "US", "officer-us-wait"))
                    .get("/api/v1/releases/" + release.get("id")).then().extract().path("policyVersion");
            assertEquals(version, decidedUnder);
        }
    }

    /** What {@code field} holds in each of the report's deliveries, to US-CBP then US-DEA, as the officer lists them. */
    private static List<Object> deliveriesOf(String officer, UUID reportId, String field) {
        List<Map<String, Object>> items = given().auth().oauth2(officer).queryParam("reportId", reportId)
                .get("/api/v1/deliveries").then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().sorted(Comparator.comparing(d -> (String) d.get("partner"))).map(d -> d.get(field))
                .toList();
    }

    private static JsonPath releaseOf(String officer, UUID reportId, String partner) {
        String id = given().auth().oauth2(officer).queryParam("reportId", reportId).queryParam("partner", partner)
                .get("/api/v1/releases").then().statusCode(200).extract().path("items[0].id");
        return given().auth().oauth2(officer).get("/api/v1/releases/" + id).then().statusCode(200).extract()
                .jsonPath();
    }

    /** An endpoint that reads no query parameter took one as said and ignored it: the "dry run" was published. */
    @Test
    void aPublishWithAQueryParameterIsRefusedNotPublished() {
        given().auth().oauth2(admin).contentType("application/json").body(NO_TITLES).queryParam("dryRun", "true")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("Query parameter 'dryRun' is not one this endpoint reads; it reads none."));
        assertEquals(initialVersion, (int) given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200)
                .extract().path("version"));
    }

    @Test
    void anInvalidDocumentIsRefusedWithEveryProblemAtOnceAndChangesNothing() {
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"rules":[
                   {"id":"Bad Id","action":"MAYBE","match":{"maxTlp":"PINK","partners":[]}},
                   {"id":"x","action":"APPROVE","redaction":"nope"},
                   {"id":"x","action":"DENY","approvers":2},
                   {"id":"tlp-red","action":"RELEASE"}],
                 "redactionProfiles":{"p":[{"path":"subjects","op":"generalise"},{"path":"/a","op":"drop","keep":2}]}}""")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", containsInAnyOrder("/rules/0/id", "/rules/0/action", "/rules/0/match/maxTlp",
                        "/rules/0/match/partners", "/rules/1/approvers", "/rules/1/redaction", "/rules/2/id",
                        "/rules/2/approvers", "/rules/3/id", "/redactionProfiles/p/0/path", "/redactionProfiles/p/0/to",
                        "/redactionProfiles/p/1/keep", "/redactionProfiles/p/1/path"));
        // a path of 200,000 characters overflowed the stack in its pattern's check before its size was said: a 500,
        // published or dry-run
        String tooLong = "{\"rules\":[{\"id\":\"r\",\"action\":\"RELEASE\",\"redaction\":\"p\"}],"
                + "\"redactionProfiles\":{\"p\":[{\"path\":\"/" + "a".repeat(200_000) + "\",\"op\":\"drop\"}]}}";
        given().auth().oauth2(admin).contentType("application/json").body(tooLong).put("/api/v1/policy").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", everyItem(equalTo("/redactionProfiles/p/0/path")))
                .body("errors.message", hasItem("size must be between 0 and 500"));
        given().auth().oauth2(Reports.officer("CN-GACC", "CN", "officer-cn-long")).contentType("application/json")
                .body("{\"agency\":\"CN-GACC\",\"country\":\"CN\",\"report\":{\"type\":\"SEIZURE\",\"tlp\":\"GREEN\","
                        + "\"title\":\"t\"},\"policy\":" + tooLong + "}")
                .post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", everyItem(equalTo("/policy/redactionProfiles/p/0/path")))
                .body("errors.message", hasItem("size must be between 0 and 500"));
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200).body("version", equalTo(initialVersion));
    }

    @Test
    void aRuleNamingNoCountryOrAValueOfTheWrongFormatSaysWhatIsExpected() {
        // ZZ has the shape of a country code but is none: a rule naming it never matches a report or a partner
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"rules":[{"id":"a","action":"RELEASE","match":{"originCountries":["ZZ"],"partnerCountries":["us"],
                  "reportTypes":["PIZZA"],"partners":["cbp"],"maxTlp":"PINK"}}]}""")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/rules/0/match/maxTlp", "/rules/0/match/originCountries/0",
                        "/rules/0/match/partnerCountries/0", "/rules/0/match/partners/0",
                        "/rules/0/match/reportTypes/0"))
                .body("errors.message", contains("must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED", CountryCode.MESSAGE, CountryCode.MESSAGE,
                        PolicyDocument.AGENCY_MESSAGE, "must be one of SEIZURE, PRECURSOR_SHIPMENT, SUSPICIOUS_ORDER, "
                        + "TRAFFICKING_NETWORK, ILLICIT_FINANCE, EMERGING_TREND"));
        given().auth().oauth2(admin).contentType("application/json")
                .body("{\"description\":\"a\\u0000b\",\"rules\":[]}")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/description"))
                .body("errors.message", contains(StorableStrings.NUL));
        // a mask's keep given as the text "null" was read as none: the default 4 characters showed
        given().auth().oauth2(admin).contentType("application/json").body("{\"rules\":[{\"id\":\"r\",\"action\":"
                + "\"RELEASE\",\"redaction\":\"p\"}],\"redactionProfiles\":{\"p\":[{\"path\":\"/title\","
                + "\"op\":\"mask\",\"keep\":\"null\"}]}}")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/redactionProfiles/p/0/keep"))
                .body("errors.message", contains(startsWith("has the wrong ")));
        // a condition given as text was read as none ("" as no value, "true" as true): a rule for reports without
        // personal data, so written, matched every report
        for (String text : List.of("\"\"", "\"true\"")) {
            given().auth().oauth2(admin).contentType("application/json").body("{\"rules\":[{\"id\":\"r\",\"action\":"
                    + "\"RELEASE\",\"match\":{\"hasPersonalData\":" + text + "}}]}")
                    .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                    .body("errors.pointer", contains("/rules/0/match/hasPersonalData"))
                    .body("errors.message", contains(startsWith("has the wrong ")));
        }
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200).body("version", equalTo(initialVersion));
    }

    /**
     * A rule's watch-list names are the list's own: a DENY for 4-ANPP (ANPP's synonym) or for ANPP's CAS number was
     * taken and never matched, and ANPP reports went abroad at once.
     */
    @Test
    void aRuleNamesWatchListEntriesAsTheListNamesThem() {
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"rules":[{"id":"no-anpp","action":"DENY","match":{"watchlist":["4-ANPP","21409-26-7","ANPX",
                  "anpp","NPP"]}}]}""")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/rules/0/match/watchlist/0", "/rules/0/match/watchlist/1",
                        "/rules/0/match/watchlist/2"))
                .body("errors.message", contains("4-ANPP is the watch list's ANPP: a rule names it ANPP",
                        "21409-26-7 is the watch list's ANPP: a rule names it ANPP", "not on the watch list: ANPX"));
        // and in a draft the officer dry-runs
        given().auth().oauth2(Reports.officer("CN-GACC", "CN", "officer-cn-names")).contentType("application/json")
                .body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"SEIZURE","tlp":"GREEN","title":"t"},
                 "policy":{"rules":[{"id":"a","action":"DENY","match":{"watchlist":["fentanil"]}}]}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", contains("/policy/rules/0/match/watchlist/0"));
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200).body("version", equalTo(initialVersion));
    }

    /**
     * A step names what a report holds: a profile with "identifier" for identifiers and where {type: PERSON} for
     * {kind: PERSON} was published, withheld nothing, and persons and passport numbers went out whole. A country
     * comes from a subject or a country field: "LI WEI", read as a UN/LOCODE, went out as the country "LI". A CAS
     * number with a wrong check digit selected no substance, and ANPP went out whole. A where on a list
     * ({transitCountries: US}) selected nothing, and the shipment went out whole.
     */
    @Test
    void aRedactionStepNamesFieldsAReportHas() {
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"rules":[{"id":"a","action":"RELEASE","redaction":"pii"}],
                 "redactionProfiles":{"pii":[{"path":"/subjects","op":"drop","where":{"type":"PERSON"}},
                   {"path":"/subjects/*/identifier/*/value","op":"mask"},{"path":"/subjects","op":"drop",
                   "where":{"kind":"PERSONS"}},{"path":"/title/x","op":"drop"},{"path":"/substances/first","op":"drop"},
                   {"path":"/subjects/*/identifiers/*/value","op":"mask"},{"path":"/shipment/*","op":"drop",
                   "where":{"kind":"PERSON"}},{"path":"/substances/0/quantity","op":"drop"},
                   {"path":"/subjects/*/name","op":"generalise","to":"country"},
                   {"path":"/subjects/*","op":"generalise","to":"country"},
                   {"path":"/shipment/transitCountries/*","op":"generalise","to":"country"},
                   {"path":"/subjects","op":"generalise","to":"country","where":{"kind":"PERSON"}},
                   {"path":"/subjects/01/name","op":"drop"},
                   {"path":"/substances","op":"drop","where":{"casNumber":"21409-26-8"}},
                   {"path":"/substances","op":"drop","where":{"casNumber":"２１４０９－２６－７"}},
                   {"path":"/substances","op":"drop","where":{"casNumber":"021409-26-7"}},
                   {"path":"/shipment","op":"drop","where":{"transitCountries":"US"}},
                   {"path":"/subjects","op":"drop","where":{"identifiers":"P1234"}}]}}""")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", containsInAnyOrder("/redactionProfiles/pii/0/where/type",
                        "/redactionProfiles/pii/1/path", "/redactionProfiles/pii/2/where/kind",
                        "/redactionProfiles/pii/3/path", "/redactionProfiles/pii/4/path",
                        "/redactionProfiles/pii/6/where/kind", "/redactionProfiles/pii/8/to",
                        "/redactionProfiles/pii/12/path", "/redactionProfiles/pii/13/where/casNumber",
                        "/redactionProfiles/pii/16/where/transitCountries", "/redactionProfiles/pii/17/where/identifiers"))
                .body("errors.find { it.pointer == '/redactionProfiles/pii/16/where/transitCountries' }.message",
                        equalTo("transitCountries holds a list: a where compares a field holding one value"))
                .body("errors.find { it.pointer == '/redactionProfiles/pii/1/path' }.message", equalTo("a report has "
                        + "nothing at /subjects/*/identifier (there: kind, name, country, role, identifiers)"))
                .body("errors.find { it.pointer == '/redactionProfiles/pii/3/path' }.message",
                        equalTo("a report has nothing at /title/x (a value has no fields)"));
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200).body("version", equalTo(initialVersion));
    }

    /** A preview keeps to intake's limits on what a report lists: a hundred thousand subjects held a core for hours. */
    @Test
    void aDryRunOfAReportListingMoreThanIntakeTakesIsRefused() {
        String subjects = String.join(",", java.util.Collections.nCopies(101, "{\"kind\":\"PERSON\",\"name\":\"x\"}"));
        String identifiers = String.join(",", java.util.Collections.nCopies(21, "{\"scheme\":\"P\",\"value\":\"1\"}"));
        given().auth().oauth2(Reports.officer("CN-GACC", "CN", "officer-cn-big")).contentType("application/json")
                .body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"SEIZURE","tlp":"GREEN","title":"t",
                 "subjects":[%s]}}""".formatted(subjects)).post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", contains("/report/subjects"))
                .body("errors.message", contains("size must be between 0 and 100"));
        given().auth().oauth2(Reports.officer("CN-GACC", "CN", "officer-cn-big")).contentType("application/json")
                .body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"SEIZURE","tlp":"GREEN","title":"t",
                 "subjects":[{"kind":"PERSON","name":"x","identifiers":[%s]}]}}""".formatted(identifiers))
                .post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", contains("/report/subjects/0/identifiers"));
        String countries = String.join(",", java.util.Collections.nCopies(21, "\"CN\""));
        given().auth().oauth2(Reports.officer("CN-GACC", "CN", "officer-cn-big")).contentType("application/json")
                .body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"SEIZURE","tlp":"GREEN","title":"t",
                 "shipment":{"transitCountries":[%s]}}}""".formatted(countries))
                .post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", contains("/report/shipment/transitCountries"));
    }

    /**
     * No step may take away or alter the report's label or the originator's handling restrictions: a profile that
     * dropped /handling (to hide whom else it went to) delivered a NO_JUDICIAL_USE report without its restriction.
     */
    @Test
    void noRedactionReachesTheLabelOrTheHandlingRestrictions() {
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"rules":[{"id":"a","action":"RELEASE","redaction":"p"}],
                 "redactionProfiles":{"p":[{"path":"/handling","op":"drop"},{"path":"/*","op":"mask","keep":0},
                   {"path":"/tlp","op":"drop"},{"path":"/handling/*","op":"drop"},
                   {"path":"/handling/useRestriction","op":"mask"},{"path":"/handling/releasableTo","op":"drop"},
                   {"path":"/subjects","op":"drop"}]}}""")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/redactionProfiles/p/0/path", "/redactionProfiles/p/1/path",
                        "/redactionProfiles/p/2/path", "/redactionProfiles/p/3/path", "/redactionProfiles/p/4/path"))
                .body("errors[0].message", equalTo("/handling reaches /handling/useRestriction: the TLP label and "
                        + "the originator's handling restrictions travel with the record, whatever is withheld"));
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200).body("version", equalTo(initialVersion));
    }

    @Test
    void aSecondDocumentAfterTheFirstIsRefusedNotDropped() {
        // Jackson read the first and dropped the rest unseen: an author could send two and believe both were read
        given().auth().oauth2(admin).contentType("application/json")
                .body("{\"rules\":[{\"id\":\"a\",\"action\":\"RELEASE\"}]}"
                        + "{\"rules\":[{\"id\":\"b\",\"action\":\"DENY\"}]}")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/validation"))
                .body("errors.pointer", contains("/"))
                .body("errors.message", contains(StrictJson.TRAILING));
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200)
                .body("version", equalTo(initialVersion));
    }

    @Test
    void aFieldNamedTwiceIsRefusedNotReadAsItsLastValue() {
        // Jackson kept the last: this rule's author could read DENY, and RELEASE was published
        given().auth().oauth2(admin).contentType("application/json")
                .body("{\"rules\":[{\"id\":\"a\",\"action\":\"DENY\",\"action\":\"RELEASE\"}]}")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/validation"))
                .body("errors.pointer", contains("/rules/0/action"))
                .body("errors.message", contains(DuplicateFields.MESSAGE));
        given().auth().oauth2(admin).contentType("application/json")
                .body("{\"rules\":[{\"id\":\"a\",\"action\":\"DENY\"}],\"rules\":[]}")
                .put("/api/v1/policy").then().statusCode(400)
                .body("errors.pointer", contains("/rules")).body("errors.message", contains(DuplicateFields.MESSAGE));
        given().auth().oauth2(admin).get("/api/v1/policy").then().statusCode(200).body("version", equalTo(initialVersion));
    }

    @Test
    void unknownFieldsAndBrokenJsonAreRefusedAsProblems() {
        given().auth().oauth2(admin).contentType("application/json")
                .body("{\"rules\":[{\"id\":\"a\",\"action\":\"DENY\",\"rulez\":1}]}")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].pointer", equalTo("/rules/0/rulez"))
                .body("errors[0].message", equalTo("is not a known field"));
        given().auth().oauth2(admin).contentType("application/json").body("{\"rules\":{\"id\":\"a\"}}")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].pointer", equalTo("/rules"));
        given().auth().oauth2(admin).contentType("application/json").body("{\"rules\":[")
                .put("/api/v1/policy").then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Bad Request"));
    }

    /**
     * An officer cannot read intake's reports, so has no hits to give: a dry run without them was decided as if the
     * report had none, and a watch-list rule never matched (the founding case previewed DENY where it goes to
     * approval).
     */
    @Test
    void aDryRunWithoutHitsFindsThemInTheSubstancesAsIntakeDoes() {
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-hits");
        String draft = """
                {"rules":[{"id":"hits","match":{"watchlistHit":true},"action":"RELEASE"}]}""";
        String request = """
                {"agency":"CN-GACC","country":"CN",%s"report":{"type":"PRECURSOR_SHIPMENT","tlp":"GREEN","title":"t",
                 "substances":[{"name":"acetone"},{"name":"4 anpp"},{"casNumber":"39742-60-4"},{"name":"ANPP"}]},
                 "policy":%s}""";
        given().auth().oauth2(officer).contentType("application/json").body(request.formatted("", draft))
                .post("/api/v1/policy/evaluation").then().statusCode(200)
                .body("watchlistHits", equalTo(List.of("ANPP", "NPP"))).body("decisions", hasSize(5))
                .body("decisions.action", everyItem(equalTo("RELEASE")))
                .body("decisions[0].payload.watchlistHits", equalTo(List.of("ANPP", "NPP")));
        // the hits given are intake's, as a hand-over carries them: none given, none found
        given().auth().oauth2(officer).contentType("application/json")
                .body(request.formatted("\"watchlistHits\":[],", draft)).post("/api/v1/policy/evaluation").then()
                .statusCode(200).body("watchlistHits", equalTo(List.of())).body("decisions", hasSize(5))
                .body("decisions.action", everyItem(equalTo("DENY")));
        given().auth().oauth2(officer).contentType("application/json").body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"ILLICIT_FINANCE","tlp":"GREEN","title":"t"},
                 "policy":%s}""".formatted(draft)).post("/api/v1/policy/evaluation").then().statusCode(200)
                .body("watchlistHits", equalTo(List.of())).body("decisions", hasSize(5))
                .body("decisions.action", everyItem(equalTo("DENY")));
    }

    @Test
    void anOfficerDryRunsADraftWhichIsNotSaved() {
        String officer = Reports.officer("US-CBP", "US", "officer-us-dry");
        given().auth().oauth2(officer).contentType("application/json").body("""
                {"agency":"US-CBP","country":"US","report":{"type":"SEIZURE","title":"t","tlp":"GREEN",
                  "subjects":[{"kind":"PERSON","name":"JOHN Doe"}]},
                 "policy":{"rules":[{"id":"all","action":"RELEASE","redaction":"no-subjects"}],
                           "redactionProfiles":{"no-subjects":[{"path":"/subjects","op":"drop"}]}}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(200)
                .body("draft", equalTo(true)).body("policyVersion", nullValue())
                .body("decisions", hasSize(5)).body("decisions.partner", not(hasItem("US-CBP")))
                .body("decisions.action", everyItem(equalTo("RELEASE")))
                .body("decisions.rule", everyItem(equalTo("all")))
                .body("decisions[0].withheld", equalTo(List.of(Map.of("path", "/subjects", "op", "drop"))))
                .body("decisions[0].payload.report.subjects", nullValue())
                .body("decisions[0].payload.recipient", equalTo("CN-GACC"));
        given().auth().oauth2(admin).get("/api/v1/policy").then().body("version", equalTo(initialVersion));

        // the same report under the policy in force: a person is named, so nothing goes anywhere
        given().auth().oauth2(officer).contentType("application/json").body("""
                {"agency":"US-CBP","country":"US","report":{"type":"SEIZURE","title":"t","tlp":"GREEN",
                  "subjects":[{"kind":"PERSON","name":"JOHN Doe"}]}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(200)
                .body("draft", equalTo(false)).body("policyVersion", equalTo(initialVersion))
                .body("decisions", hasSize(5)).body("decisions.action", everyItem(equalTo("DENY")));
    }

    private static final String AS_A_NUMBER = "must be a number, as a hand-over carries it (intake reads \"2\" as 2)";
    private static final String QUANTITY =
            "must be a number above 0 and at most 1000000000, with at most 6 digits after the decimal point";

    @Test
    void anInvalidDryRunIsRefusedWithPointers() {
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"cbp","report":"not an object","policy":{"rules":[{"id":"a","action":"SEND"}]}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", containsInAnyOrder("/agency", "/country"));
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"US-CBP","country":"US","report":{"type":"SEIZURE","tlp":"GREEN"},
                 "policy":{"rules":[{"id":"a","action":"SEND"}]}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/policy/rules/0/action")));
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"US-CBP","country":"US","report":[1,2]}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/report")));
        // a label intake refuses, or none: every partner shown "denied" taught an officer nothing
        for (String report : List.of("{\"type\":\"SEIZURE\",\"tlp\":\"PURPLE\"}", "{\"type\":\"SEIZURE\"}",
                "{\"type\":\"SEIZURE\",\"tlp\":\"green\"}")) {
            given().auth().oauth2(admin).contentType("application/json")
                    .body("{\"agency\":\"US-CBP\",\"country\":\"US\",\"report\":" + report + "}")
                    .post("/api/v1/policy/evaluation").then().statusCode(400).contentType("application/problem+json")
                    .body("errors.pointer", equalTo(List.of("/report/tlp")))
                    .body("errors.message", equalTo(List.of("must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED")));
        }
        // a report as no hand-over carries it: a misspelt cap was ignored (released to every partner), a flag of
        // "true" read as no originator control, a local time previewed and hashed as intake never stores it
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"CN-GACC","country":"CN","report":{"tlp":1,"title":"t","occurredAt":"2026-11-20T16:00:00+08:00",
                 "handling":{"releasableto":["US-CBP"],"originatorControl":"true"},"grading":{"informationCredibility":"2"},
                 "substances":[{"name":"ANPP","quantity":"25"}],"subjects":{"kind":"PERSON"},"shipment":["CN"],
                 "sender":"x","externalRef":{"ref":"1"}}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/report/externalRef", "/report/grading/informationCredibility",
                        "/report/handling/originatorControl", "/report/handling/releasableto", "/report/occurredAt",
                        "/report/sender", "/report/shipment", "/report/subjects", "/report/substances/0/quantity",
                        "/report/tlp", "/report/type"))
                .body("errors.message", contains("must be a string", AS_A_NUMBER,
                        "must be true or false", "is not a known field",
                        "must be an instant in UTC as intake stores it: 2026-11-20T08:00:00Z",
                        "is not a known field", "must be a JSON object", "must be a JSON array", AS_A_NUMBER,
                        "must be a string", "must be one of SEIZURE, PRECURSOR_SHIPMENT, SUSPICIOUS_ORDER, "
                                + "TRAFFICKING_NETWORK, ILLICIT_FINANCE, EMERGING_TREND"));
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"SEIZURE","tlp":"GREEN","occurredAt":"yesterday",
                 "handling":{"releasableTo":null,"originatorControl":null}}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", contains("/report/occurredAt"))
                .body("errors.message", contains("must be an instant in UTC as intake stores it, such as "
                        + "2026-11-20T08:00:00Z, from 1583 to 9999"));
        // what intake refuses: a year past 9999 or before 1583, a quantity past a double's range (previewed as
        // "Infinity"), none or past 10^9 or finer than 6 decimals, a credibility outside 1 to 6 or not whole
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"SEIZURE","tlp":"GREEN",
                 "occurredAt":"+10000-01-01T00:00:00Z","grading":{"informationCredibility":7},
                 "substances":[{"name":"ANPP","quantity":1e400},{"name":"ANPP","quantity":-5},
                               {"name":"ANPP","quantity":2e9},{"name":"ANPP","quantity":0.0000001}]}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", contains("/report/grading/informationCredibility", "/report/occurredAt",
                        "/report/substances/0/quantity", "/report/substances/1/quantity",
                        "/report/substances/2/quantity", "/report/substances/3/quantity"))
                .body("errors.message", contains("must be a whole number from 1 to 6", "must be an instant in UTC as "
                        + "intake stores it, such as 2026-11-20T08:00:00Z, from 1583 to 9999", QUANTITY, QUANTITY,
                        QUANTITY, QUANTITY));
        // and what it takes: a quantity of 10^9 exactly, of 6 decimals (a number's trailing zeros are lost as it is
        // read: 25.0000000, which intake refuses, is previewed as 25.0)
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"SEIZURE","tlp":"GREEN",
                 "grading":{"informationCredibility":6},
                 "substances":[{"name":"ANPP","quantity":1000000000},{"name":"ANPP","quantity":0.000001}]}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(200);
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"SEIZURE","tlp":"GREEN",
                 "occurredAt":"1200-01-01T00:00:00Z"}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400)
                .body("errors.pointer", contains("/report/occurredAt"));
        // half a surrogate pair, or a NUL, as intake refuses them: the answer could not be written, a 500
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"CN-GACC","country":"CN","report":{"type":"SEIZURE","tlp":"GREEN","title":"a\\ud800",
                 "subjects":[{"kind":"VESSEL","name":"x\\u0000y"}]}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/report/title", "/report/subjects/0/name"))
                .body("errors.message", contains(StorableStrings.UNPAIRED_SURROGATE, StorableStrings.NUL));
        // a receipt time of a nine-digit year, under a profile that gives the record only its date: a 500
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"CN-GACC","country":"CN","receivedAt":"+1000000000-01-01T00:00:00Z",
                 "report":{"type":"SEIZURE","tlp":"AMBER","title":"t","occurredAt":"2026-11-20T08:00:00Z"}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/receivedAt"));
        // not ISO-8601 text (a number was read as seconds since 1970), no such day, or outside 1583 to 9999
        for (String receivedAt : List.of("1700000000", "1e64", "\"20261120\"", "true", "\"2026-02-30T08:00:00Z\"",
                "\"1500-01-01T00:00:00Z\"", "\"+10000-01-01T00:00:00Z\"")) {
            given().auth().oauth2(admin).contentType("application/json").body("""
                    {"agency":"CN-GACC","country":"CN","receivedAt":%s,
                     "report":{"type":"SEIZURE","tlp":"AMBER","title":"t"}}""".formatted(receivedAt))
                    .post("/api/v1/policy/evaluation").then().statusCode(400).contentType("application/problem+json")
                    .body("errors.pointer", contains("/receivedAt"))
                    .body("errors.message", contains(IsoInstant.EXPECTED));
        }
        // an offset is an instant as intake reads it
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"agency":"CN-GACC","country":"CN","receivedAt":" 2026-11-20T16:00:00+0800 ",
                 "report":{"type":"SEIZURE","tlp":"AMBER","title":"t"}}""")
                .post("/api/v1/policy/evaluation").then().statusCode(200)
                .body("receivedAt", equalTo("2026-11-20T08:00:00Z"));
    }

    @Test
    void onlyExchangeAdminsKeepThePolicyAndOfficersMayOnlyDryRun() {
        String officer = Reports.officer("CN-NNCC", "CN", "officer-cn-p");
        given().auth().oauth2(officer).get("/api/v1/policy").then().statusCode(403);
        given().auth().oauth2(officer).contentType("application/json").body(NO_TITLES).put("/api/v1/policy")
                .then().statusCode(403);
        given().auth().oauth2(officer).get("/api/v1/policy/versions/1").then().statusCode(403);
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US")).contentType("application/json")
                .body("{\"agency\":\"US-CBP\",\"country\":\"US\",\"report\":{}}").post("/api/v1/policy/evaluation")
                .then().statusCode(403);
        given().auth().oauth2(TestTokens.person("auditor", "US-DEA", "US")).get("/api/v1/policy").then().statusCode(403);
        given().get("/api/v1/policy").then().statusCode(401);
    }
}
