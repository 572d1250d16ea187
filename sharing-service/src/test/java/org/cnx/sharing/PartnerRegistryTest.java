package org.cnx.sharing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.sharing.validation.CountryCode;
import org.cnx.sharing.validation.StorableStrings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The partner registry, as an exchange-admin keeps it, and what a partner's entry changes. */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class PartnerRegistryTest {

    private static final String CODE = "MX-FGR";
    /**
     * The partner whose changes the audit test follows: the others' tests change {@link #CODE}, and their events,
     * relayed a moment later, could be taken for its own.
     */
    private static final String AUDITED = "MX-SSPC";

    @InjectWireMock
    WireMockServer partners;

    private final String admin = Reports.admin("admin-registry");

    @Inject
    DataSource dataSource;

    private String partner(String maxTlp, boolean active) {
        return """
                {"name":"Fiscalía General de la República","country":"MX","endpoint":"%s/partners/MX-FGR/deliveries",
                 "acceptedTypes":["SEIZURE"],"maxTlp":"%s","active":%s}""".formatted(partners.baseUrl(), maxTlp, active);
    }

    @AfterEach
    void removeTheTestPartner() {
        given().auth().oauth2(admin).delete("/api/v1/partners/" + CODE);
        given().auth().oauth2(admin).delete("/api/v1/partners/" + AUDITED);
    }

    /** A 405 says which methods the path takes (RFC 9110 says it must): it said only that this one was wrong. */
    @Test
    void aMethodThePathDoesNotTakeIsA405NamingThoseItDoes() {
        given().auth().oauth2(admin).contentType("application/json").body(partner("GREEN", true))
                .post("/api/v1/partners/" + CODE).then().statusCode(405).contentType("application/problem+json")
                .header("Allow", equalTo("DELETE, GET, HEAD, OPTIONS, PUT"));
        given().auth().oauth2(admin).delete("/api/v1/partners").then().statusCode(405)
                .header("Allow", equalTo("GET, HEAD, OPTIONS"));
    }

    /** A gzip header read as JSON was a 400 "Illegal character ((CTRL-CHAR, code 31))" on every body but intake's. */
    @Test
    void aCompressedBodyIsRefusedAsCompressedAndChangesNothing() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(partner("GREEN", true).getBytes(StandardCharsets.UTF_8));
        }
        given().auth().oauth2(admin).contentType("application/json").header("Content-Encoding", "gzip")
                .body(zipped.toByteArray()).put("/api/v1/partners/" + CODE).then().statusCode(415)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/unsupported-content-encoding"))
                .body("detail", equalTo("Content-Encoding gzip is not accepted: send the body uncompressed."));
        given().auth().oauth2(admin).get("/api/v1/partners/" + CODE).then().statusCode(404);
        given().auth().oauth2(admin).contentType("application/json").header("Content-Encoding", "identity")
                .body(partner("GREEN", true)).put("/api/v1/partners/" + CODE).then().statusCode(201);
    }

    /**
     * A query string is refused in a new endpoint (a key in it went into every attempt's audit event for good), not in
     * one registered before the rule: its entry could no longer be paused or cleared lower after an incident.
     */
    @Test
    void anEndpointWithAQueryIsRefusedUnlessItIsTheOneRegisteredBefore() throws Exception {
        String withQuery = partner("GREEN", true).replace("/deliveries\"", "/deliveries?api_key=s3cret\"");
        given().auth().oauth2(admin).contentType("application/json").body(withQuery).put("/api/v1/partners/" + CODE)
                .then().statusCode(400).body("errors.pointer", contains("/endpoint"))
                .body("errors[0].message", startsWith("must not have a query string"));
        given().auth().oauth2(admin).contentType("application/json").body(partner("GREEN", true))
                .put("/api/v1/partners/" + CODE).then().statusCode(201);
        // as an upgrade finds it: registered with a key in its query before the rule
        try (var c = dataSource.getConnection(); var update = c.prepareStatement(
                "UPDATE partner SET endpoint = endpoint || '?api_key=s3cret' WHERE code = ?")) {
            update.setString(1, CODE);
            assertEquals(1, update.executeUpdate());
        }
        given().auth().oauth2(admin).contentType("application/json")
                .body(withQuery.replace("\"maxTlp\":\"GREEN\"", "\"maxTlp\":\"CLEAR\"").replace("true}", "false}"))
                .put("/api/v1/partners/" + CODE).then().statusCode(200).body("maxTlp", equalTo("CLEAR"))
                .body("active", equalTo(false));
        // a move is a new endpoint: the rule holds for it
        given().auth().oauth2(admin).contentType("application/json")
                .body(withQuery.replace("api_key=s3cret", "api_key=other")).put("/api/v1/partners/" + CODE).then()
                .statusCode(400).body("errors.pointer", contains("/endpoint"));
    }

    @Test
    void anAdminRegistersUpdatesAndRemovesAPartnerAndEveryChangeIsAuditedWithTheAdmin() {
        given().auth().oauth2(admin).contentType("application/json").body(partner("GREEN", true))
                .put("/api/v1/partners/" + AUDITED).then().statusCode(201)
                .header("Location", equalTo("/api/v1/partners/" + AUDITED))
                .body("code", equalTo(AUDITED)).body("country", equalTo("MX")).body("maxTlp", equalTo("GREEN"))
                .body("acceptedTypes", equalTo(List.of("SEIZURE"))).body("active", equalTo(true))
                .body("releasesCancelled", equalTo(0));
        given().auth().oauth2(admin).get("/api/v1/partners/" + AUDITED).then().statusCode(200)
                .body("name", equalTo("Fiscalía General de la República")).body("releasesCancelled", nullValue());

        // the list, page by page, in code order
        List<String> codes = new ArrayList<>();
        String after = null;
        do {
            var request = given().auth().oauth2(admin).queryParam("limit", 2);
            JsonPath page = (after == null ? request : request.queryParam("after", after)).get("/api/v1/partners")
                    .then().statusCode(200).extract().jsonPath();
            codes.addAll(page.getList("items.code"));
            after = page.getString("next");
        } while (after != null);
        assertEquals(List.of("CN-GACC", "CN-MPS", "CN-NNCC", "MX-SSPC", "US-CBP", "US-DEA", "US-HSI"), codes);
        // a code for the cursor: any text is base64url of something, and "US-CBP" listed from its bytes, unsaid
        for (String forged : List.of("US-CBP", "zz")) {
            given().auth().oauth2(admin).queryParam("after", forged).get("/api/v1/partners").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://cnx.example/problems/bad-cursor"));
        }
        given().auth().oauth2(admin).queryParam("limit", "two").get("/api/v1/partners").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("Query parameter 'limit' must be a whole number between 1 and 100: two."));

        given().auth().oauth2(admin).contentType("application/json").body(partner("AMBER", false))
                .put("/api/v1/partners/" + AUDITED).then().statusCode(200)
                .body("maxTlp", equalTo("AMBER")).body("active", equalTo(false));
        given().auth().oauth2(admin).delete("/api/v1/partners/" + AUDITED).then().statusCode(204);
        given().auth().oauth2(admin).get("/api/v1/partners/" + AUDITED).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(admin).delete("/api/v1/partners/" + AUDITED).then().statusCode(404);

        List<Map<String, Object>> changes = await().atMost(Duration.ofSeconds(30)).until(() -> PartnerInbox
                .auditEvents(partners).stream().filter(e -> "PARTNER_CHANGED".equals(e.get("action")))
                .filter(e -> AUDITED.equals(((Map<?, ?>) e.get("subject")).get("partner"))).toList(),
                l -> l.size() >= 3);
        assertEquals(List.of("CREATED", "UPDATED", "DELETED"),
                changes.stream().map(e -> ((Map<?, ?>) e.get("details")).get("change")).toList());
        assertTrue(changes.stream().allMatch(e -> "admin-registry".equals(PartnerInbox.actorOf(e))));
    }

    /**
     * Two admins at one entry: the second, working from an earlier reading, put back the clearance the first had just
     * lowered, and nothing said so. With the ETag as If-Match, a change made from a stale reading is a 412.
     */
    @Test
    void aChangeMadeFromAnEarlierReadingOfTheEntryIsRefusedWithIfMatch() {
        given().auth().oauth2(admin).header("If-Match", "*").contentType("application/json")
                .body(partner("GREEN", true)).put("/api/v1/partners/" + CODE).then().statusCode(412)
                .body("type", equalTo("https://cnx.example/problems/entry-changed"));
        // a tag of an entry deleted since: 412 too (it was a 500)
        given().auth().oauth2(admin).header("If-Match", "\"1764000000000000\"").contentType("application/json")
                .body(partner("GREEN", true)).put("/api/v1/partners/" + CODE).then().statusCode(412)
                .body("detail", startsWith("No partner " + CODE + " is registered"));
        String created = given().auth().oauth2(admin).contentType("application/json").body(partner("AMBER", true))
                .put("/api/v1/partners/" + CODE).then().statusCode(201).extract().header("ETag");
        String read = given().auth().oauth2(admin).get("/api/v1/partners/" + CODE).then().statusCode(200)
                .header("ETag", equalTo(created)).extract().header("ETag");

        // the first admin lowers the clearance, from the entry as read
        String lowered = given().auth().oauth2(admin).header("If-Match", read).contentType("application/json")
                .body(partner("GREEN", true)).put("/api/v1/partners/" + CODE).then().statusCode(200)
                .body("maxTlp", equalTo("GREEN")).extract().header("ETag");
        assertNotEquals(read, lowered, "a change is a new state of the entry");
        // the second, from the same reading, would raise it again: refused, and nothing changed
        given().auth().oauth2(Reports.admin("admin-two")).header("If-Match", read).contentType("application/json")
                .body(partner("AMBER", true)).put("/api/v1/partners/" + CODE).then().statusCode(412)
                .contentType("application/problem+json")
                .body("detail", startsWith("The entry of " + CODE + " is at ETag " + lowered));
        given().auth().oauth2(Reports.admin("admin-two")).header("If-Match", read).delete("/api/v1/partners/" + CODE)
                .then().statusCode(412);
        given().auth().oauth2(admin).get("/api/v1/partners/" + CODE).then().statusCode(200)
                .body("maxTlp", equalTo("GREEN")).header("ETag", equalTo(lowered));
        // a weak tag never matches; the current one, * or none at all do
        given().auth().oauth2(admin).header("If-Match", "W/" + lowered).delete("/api/v1/partners/" + CODE).then()
                .statusCode(412);
        given().auth().oauth2(admin).header("If-Match", "\"1\", " + lowered).delete("/api/v1/partners/" + CODE)
                .then().statusCode(204);
    }

    /**
     * "Register it only if the code is free" (If-None-Match: *): the header was ignored, and the entry registered
     * under the code was replaced, its endpoint and clearance with it.
     */
    @Test
    void aRegistrationOnlyIfTheCodeIsFreeLeavesARegisteredEntryAsItIs() {
        given().auth().oauth2(admin).header("If-None-Match", "*").contentType("application/json")
                .body(partner("AMBER", true)).put("/api/v1/partners/" + CODE).then().statusCode(201);
        given().auth().oauth2(Reports.admin("admin-two")).header("If-None-Match", "*").contentType("application/json")
                .body(partner("GREEN", true)).put("/api/v1/partners/" + CODE).then().statusCode(412)
                .contentType("application/problem+json").body("type", equalTo("https://cnx.example/problems/entry-changed"))
                .body("detail", endsWith("; If-None-Match names *. Read it again and decide on what it is now."));
        given().auth().oauth2(admin).get("/api/v1/partners/" + CODE).then().statusCode(200)
                .body("maxTlp", equalTo("AMBER"));
        // with both, which to hold to is unclear: refused
        given().auth().oauth2(admin).header("If-None-Match", "*").header("If-Match", "*")
                .contentType("application/json").body(partner("GREEN", true)).put("/api/v1/partners/" + CODE).then()
                .statusCode(400).body("detail", equalTo("Send If-Match or If-None-Match, not both."));
        String tag = given().auth().oauth2(admin).get("/api/v1/partners/" + CODE).then().extract().header("ETag");
        // the tag without its quotes is no tag: said so, not a 412 "changed since you read it" to re-read and resend
        given().auth().oauth2(admin).header("If-Match", tag.replace("\"", "")).contentType("application/json")
                .body(partner("GREEN", true)).put("/api/v1/partners/" + CODE).then().statusCode(400)
                .body("type", equalTo("https://cnx.example/problems/invalid-header"))
                .body("detail", equalTo("If-Match must be an ETag as GET returns it, quotes included, e.g. \"3\", "
                        + "a list of them, or *."));
        given().auth().oauth2(admin).get("/api/v1/partners/" + CODE).then().statusCode(200)
                .body("maxTlp", equalTo("AMBER")).header("ETag", equalTo(tag));
        given().auth().oauth2(admin).header("If-None-Match", tag).delete("/api/v1/partners/" + CODE).then()
                .statusCode(412);
        given().auth().oauth2(admin).delete("/api/v1/partners/" + CODE).then().statusCode(204);
    }

    @Test
    void aPartnerGetsOnlyTheReportTypesAndTlpItAcceptsAndNothingWhileInactive() {
        given().auth().oauth2(admin).contentType("application/json").body(partner("GREEN", true))
                .put("/api/v1/partners/" + CODE).then().statusCode(201);
        UUID seizure = UUID.randomUUID();
        UUID shipment = UUID.randomUUID();
        UUID amber = UUID.randomUUID();
        Reports.handOver(
                Reports.message(seizure, "US-CBP", "US", "GREEN", null).replace("PRECURSOR_SHIPMENT", "SEIZURE"),
                Reports.message(shipment, "US-CBP", "US", "GREEN", null),
                Reports.message(amber, "US-CBP", "US", "AMBER", null).replace("PRECURSOR_SHIPMENT", "SEIZURE"))
                .statusCode(200).body("accepted", equalTo(3));
        String officer = Reports.officer("US-CBP", "US", "officer-us-r");
        assertEquals("green-cross-border", ruleFor(officer, seizure));
        assertEquals("partner-types", ruleFor(officer, shipment));
        assertEquals("partner-max-tlp", ruleFor(officer, amber));
        assertEquals("DENIED", decisionFor(officer, shipment, "status"));
        assertEquals("DENIED", decisionFor(officer, amber, "status"));
        await().atMost(Duration.ofSeconds(30)).until(() -> PartnerInbox.deliveriesOf(partners, seizure).stream()
                .anyMatch(r -> CODE.equals(PartnerInbox.partnerOf(r))));
        for (UUID refused : List.of(shipment, amber)) {
            assertTrue(PartnerInbox.deliveriesOf(partners, refused).stream()
                    .noneMatch(r -> CODE.equals(PartnerInbox.partnerOf(r))), "nothing of " + refused + " reached it");
        }

        given().auth().oauth2(admin).contentType("application/json").body(partner("GREEN", false))
                .put("/api/v1/partners/" + CODE).then().statusCode(200);
        UUID later = UUID.randomUUID();
        Reports.handOver(Reports.message(later, "US-CBP", "US", "GREEN", null).replace("PRECURSOR_SHIPMENT", "SEIZURE"))
                .statusCode(200);
        given().auth().oauth2(officer).queryParam("reportId", later).get("/api/v1/releases").then().statusCode(200)
                .body("items.partner", not(hasItem(CODE)));
    }

    private static String ruleFor(String officer, UUID reportId) {
        return decisionFor(officer, reportId, "rule");
    }

    private static String decisionFor(String officer, UUID reportId, String field) {
        return given().auth().oauth2(officer).queryParam("reportId", reportId).get("/api/v1/releases").then()
                .statusCode(200).extract().path("items.find { it.partner == '" + CODE + "' }." + field);
    }

    @Test
    void invalidEntriesAreRefusedWithPointers() {
        given().auth().oauth2(admin).contentType("application/json").body("""
                {"name":"","country":"mex","endpoint":"http://localhost/x","acceptedTypes":["PIZZA"],"maxTlp":"PINK"}""")
                .put("/api/v1/partners/" + CODE).then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", containsInAnyOrder("/name", "/country", "/acceptedTypes/0", "/maxTlp", "/active"));
        // a name of ideographic spaces, or of invisible characters, named no one in the registry and its audit
        for (String blank : List.of("\\u3000\\u3000", "\\u200b")) {
            given().auth().oauth2(admin).contentType("application/json")
                    .body(partner("GREEN", true).replace("Fiscalía General de la República", blank))
                    .put("/api/v1/partners/" + CODE).then().statusCode(400)
                    .body("errors.pointer", contains("/name")).body("errors[0].message", equalTo("must not be blank"));
        }
        given().auth().oauth2(admin).contentType("application/json")
                .body(partner("GREEN", true).replace(partners.baseUrl(), "ftp://files.example"))
                .put("/api/v1/partners/" + CODE).then().statusCode(400)
                .body("errors[0].pointer", equalTo("/endpoint"))
                .body("errors[0].message", equalTo("must be an absolute https URL"));
        // the endpoint's rules and the fields' together: an admin once corrected the fields only to hear then of
        // the endpoint; ZZ has a country code's shape but is none
        given().auth().oauth2(admin).contentType("application/json")
                .body(partner("PINK", true).replace(partners.baseUrl(), "ftp://files.example").replace("MX", "ZZ"))
                .put("/api/v1/partners/" + CODE).then().statusCode(400)
                .body("detail", equalTo("3 field(s) are invalid."))
                .body("errors.pointer", contains("/country", "/endpoint", "/maxTlp"))
                .body("errors.message", contains(CountryCode.MESSAGE, "must be an absolute https URL",
                        "must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED"));
        given().auth().oauth2(admin).contentType("application/json")
                .body(partner("GREEN", true).replace("Fiscalía", "Fiscal\\u0000ía"))
                .put("/api/v1/partners/" + CODE).then().statusCode(400)
                .body("errors.pointer", contains("/name")).body("errors.message", contains(StorableStrings.NUL));
        given().auth().oauth2(admin).contentType("application/json")
                .body(partner("GREEN", true).replace("Fiscalía", "Fiscal\\ud800ía"))
                .put("/api/v1/partners/" + CODE).then().statusCode(400)
                .body("errors.pointer", contains("/name"))
                .body("errors.message", contains(StorableStrings.UNPAIRED_SURROGATE));
        // a name in Latin-1, a name with a raw line break: both "had the wrong type"
        given().auth().oauth2(admin).contentType("application/json; charset=ISO-8859-1")
                .body(partner("GREEN", true).getBytes(StandardCharsets.ISO_8859_1))
                .put("/api/v1/partners/" + CODE).then().statusCode(400)
                .body("errors.pointer", contains("/name"))
                .body("errors.message", contains(allOf(startsWith("is not well-formed JSON (line "),
                        endsWith(": bytes that are not UTF-8, which JSON is read as (RFC 8259) whatever charset the "
                                + "Content-Type names"))));
        given().auth().oauth2(admin).contentType("application/json")
                .body(partner("GREEN", true).replace("Fiscalía", "Fiscalía\n"))
                .put("/api/v1/partners/" + CODE).then().statusCode(400)
                .body("errors.pointer", contains("/name"))
                .body("errors.message", contains(endsWith(": a control character in a string, which JSON requires "
                        + "escaped (U+000A as \\u000A)")));
        // text for the flag was read as no value ("", then "must not be null") or converted ("false")
        for (String text : List.of("\"\"", "\"false\"", "0", "1")) { // nor a number: 0 was read as false
            given().auth().oauth2(admin).contentType("application/json")
                    .body(partner("GREEN", true).replace("\"active\":true", "\"active\":" + text))
                    .put("/api/v1/partners/" + CODE).then().statusCode(400)
                    .body("errors.pointer", contains("/active"))
                    .body("errors.message", contains(startsWith("has the wrong ")));
        }
        // nor a number for text: it was stored as its digits
        given().auth().oauth2(admin).contentType("application/json")
                .body(partner("GREEN", true).replace("\"Fiscalía General de la República\"", "12345"))
                .put("/api/v1/partners/" + CODE).then().statusCode(400)
                .body("errors.pointer", contains("/name"))
                .body("errors.message", contains(startsWith("has the wrong ")));
        // no body, or a list of entries: "must not be null", "has the wrong type"
        for (String body : List.of("", "[" + partner("GREEN", true) + "]")) {
            given().auth().oauth2(admin).contentType("application/json").body(body)
                    .put("/api/v1/partners/" + CODE).then().statusCode(400)
                    .body("errors.pointer", contains("/")).body("errors.message", contains("must be a JSON object"));
        }
        given().auth().oauth2(admin).contentType("application/json").body("\u0001" + partner("GREEN", true))
                .put("/api/v1/partners/" + CODE).then().statusCode(400)
                .body("detail", equalTo("The body is not well-formed JSON (line 1, column 2): Illegal character "
                        + "((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is allowed "
                        + "between tokens."));
        given().auth().oauth2(admin).contentType("application/json").body(partner("GREEN", true))
                .put("/api/v1/partners/fgr").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(admin).get("/api/v1/partners/" + CODE).then().statusCode(404);
        // no code of that shape is registered, and PostgreSQL cannot compare with U+0000: it once answered a 500
        for (String code : List.of("fgr", "MX-F\u0000R")) {
            given().auth().oauth2(admin).get("/api/v1/partners/{code}", code).then().statusCode(400)
                    .contentType("application/problem+json");
            given().auth().oauth2(admin).delete("/api/v1/partners/{code}", code).then().statusCode(400);
        }
    }

    @Test
    void onlyExchangeAdminsKeepTheRegistry() {
        String officer = Reports.officer("US-CBP", "US", "officer-us-r");
        given().auth().oauth2(officer).get("/api/v1/partners").then().statusCode(403);
        given().auth().oauth2(officer).contentType("application/json").body(partner("GREEN", true))
                .put("/api/v1/partners/" + CODE).then().statusCode(403);
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US")).delete("/api/v1/partners/US-CBP")
                .then().statusCode(403);
        given().get("/api/v1/partners/US-CBP").then().statusCode(401);
        given().auth().oauth2(admin).get("/api/v1/partners/US-CBP").then().statusCode(200).body("active", equalTo(true));
    }
}
