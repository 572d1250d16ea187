package org.cnx.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.intake.report.ReportService;
import org.cnx.intake.validation.DuplicateFields;
import org.cnx.intake.validation.StorableStrings;
import org.cnx.intake.validation.StrictInstants;
import org.cnx.intake.validation.StrictJson;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Idempotency, externalRef uniqueness, limits, partner isolation, listing, withdrawal and rejection audit. */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class SubmissionRulesTest {

    @InjectWireMock
    WireMockServer peers;

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper json;

    /** A token for a fresh agency, so that counts in the list are this test's alone. */
    private static String freshPartner(String country) {
        return TestTokens.person("partner", country + "-T" + UUID.randomUUID().toString().substring(0, 6).toUpperCase(), country);
    }

    private static Response post(String token, String body, String idempotencyKey) {
        var request = given().auth().oauth2(token).contentType("application/json").body(body);
        if (idempotencyKey != null) {
            request = request.header("Idempotency-Key", idempotencyKey);
        }
        return request.post("/api/v1/reports");
    }

    private static int count(String token) {
        return given().auth().oauth2(token).queryParam("limit", 100).get("/api/v1/reports").then().statusCode(200)
                .extract().jsonPath().getList("items").size();
    }

    @Test
    void aRetryWithTheSameKeyAndBodyGetsTheFirstResponseAgain() {
        String token = freshPartner("CN");
        String key = UUID.randomUUID().toString();
        Response first = post(token, Bodies.founding("IDEM-1"), key);
        first.then().statusCode(201);
        Response again = post(token, Bodies.founding("IDEM-1"), key);
        again.then().statusCode(201).header("Idempotent-Replayed", "true")
                .header("Location", first.getHeader("Location"));
        assertEquals(first.getBody().asString(), again.getBody().asString());
        assertEquals(1, count(token));
    }

    /** Partners pick their keys on their own ("1", a batch number): one agency's key is nothing to another's. */
    @Test
    void twoAgenciesUsingTheSameKeyEachGetTheirOwnReport() {
        String us = freshPartner("US");
        String cn = freshPartner("CN");
        String key = "1";
        Response first = post(us, Bodies.founding("IDEM-US"), key);
        first.then().statusCode(201);
        Response other = post(cn, Bodies.founding("IDEM-CN"), key);
        other.then().statusCode(201).header("Idempotent-Replayed", nullValue());
        assertNotEquals(first.jsonPath().getString("id"), other.jsonPath().getString("id"));
        assertEquals("IDEM-CN", other.jsonPath().getString("externalRef"));
        assertEquals(1, count(us));
        assertEquals(1, count(cn));
    }

    @Test
    void aRetryThatWritesTheSameReportOtherwiseIsTheSameRequest() {
        // a partner whose retry re-serialises the report (other spacing, another order of fields) once got 422
        String token = freshPartner("CN");
        String key = UUID.randomUUID().toString();
        String body = Bodies.founding("IDEM-4");
        Response first = post(token, body, key);
        first.then().statusCode(201);
        String respaced = body.replace(",\"", ", \"").replace("{\"externalRef\":\"IDEM-4\",", "{")
                .replaceFirst("}\\s*$", ", \"externalRef\": \"IDEM-4\"}");
        assertTrue(!respaced.equals(body) && respaced.contains("\"externalRef\": \"IDEM-4\"}"), respaced);
        post(token, respaced, key).then().statusCode(201).header("Idempotent-Replayed", "true")
                .header("Location", first.getHeader("Location"));
        assertEquals(1, count(token));
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndCreatesNothing() {
        String token = freshPartner("CN");
        String key = UUID.randomUUID().toString();
        String made = post(token, Bodies.founding("IDEM-2"), key).then().statusCode(201).extract().path("id");
        // it names the report the key made: a client that took the 422 for "not stored" filed that report again
        post(token, Bodies.founding("IDEM-3"), key).then().statusCode(422).contentType("application/problem+json")
                .body("detail", equalTo("This Idempotency-Key was already used with a different report: " + made
                        + "."))
                .body("existingReportId", equalTo(made));
        assertEquals(1, count(token));
    }

    @Test
    void anEmptyOrRepeatedKeyIs400AndCreatesNothing() {
        // an empty key (a client's unset variable) was taken for none, and of two keys the first alone: the report
        // was accepted either way, without the retry protection the client believed it had asked for
        String token = freshPartner("US");
        given().auth().oauth2(token).contentType("application/json").header("Idempotency-Key", "")
                .body(Bodies.founding("IDEM-EMPTY")).post("/api/v1/reports").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/bad-idempotency-key"))
                .body("detail", equalTo("Idempotency-Key must be 1 to 255 visible ASCII characters."));
        given().auth().oauth2(token).contentType("application/json").header("Idempotency-Key", "k-1", "k-2")
                .body(Bodies.founding("IDEM-TWICE")).post("/api/v1/reports").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("Idempotency-Key is given 2 times; a request takes one key."));
        assertEquals(0, count(token));
    }

    @Test
    void fiftyConcurrentPostsWithOneKeyCreateExactlyOneReport() throws Exception {
        String token = freshPartner("US");
        String key = "retry-storm-" + UUID.randomUUID();
        String body = Bodies.founding("STORM-1");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(() -> post(token, body, key));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                Response r = f.get();
                assertEquals(201, r.statusCode(), r.asString());
                ids.add(r.jsonPath().getString("id"));
            }
            assertEquals(1, ids.size(), "every caller sees the same report");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count(token));
    }

    @Test
    void anOverlongIdempotencyKeyIs400() {
        post(freshPartner("CN"), Bodies.founding("IDEM-4"), "k".repeat(256)).then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aKnownExternalRefWithTheSameContentAnswersWithTheExistingReport() {
        String token = freshPartner("CN");
        String id = post(token, Bodies.founding("REF-1"), null).then().statusCode(201).extract().path("id");
        // the same content, differently spaced
        post(token, Bodies.founding("REF-1").replace("\n", "  \n"), null).then().statusCode(200)
                .body("id", equalTo(id));
        assertEquals(1, count(token));
    }

    @Test
    void aKnownExternalRefWithOtherContentIs409NamingTheReport() {
        String token = freshPartner("CN");
        String id = post(token, Bodies.founding("REF-2"), null).then().statusCode(201).extract().path("id");
        post(token, Bodies.founding("REF-2").replace("\"quantity\":25", "\"quantity\":26"), null).then()
                .statusCode(409).contentType("application/problem+json").body("existingReportId", equalTo(id));
        // the same reference from another agency is another report
        post(freshPartner("CN"), Bodies.founding("REF-2"), null).then().statusCode(201);
    }

    /**
     * The same content however a client writes it: a quantity of 25 or 25.0, a field null or left out. Fingerprinted
     * with its nulls, a field added to the request in a later version changed the fingerprint of every report filed
     * before it, and a partner's unchanged retry was refused as other content.
     */
    @Test
    void theSameContentWrittenAnotherWayIsTheSameReport() throws Exception {
        String token = freshPartner("CN");
        String key = UUID.randomUUID().toString();
        String first = Bodies.founding("SAME-1");
        String rewritten = first.replace("\"quantity\":25", "\"quantity\":25.000")
                .replace("\"role\":\"shipper\"}", "\"role\":\"shipper\",\"identifiers\":null}");
        assertNotEquals(first, rewritten);
        String id = post(token, first, key).then().statusCode(201).extract().path("id");
        post(token, rewritten, key).then().statusCode(201).header("Idempotent-Replayed", "true")
                .body("id", equalTo(id));
        post(token, rewritten, null).then().statusCode(200).body("id", equalTo(id));
        // still other content where a value differs
        post(token, first.replace("\"quantity\":25", "\"quantity\":25.5"), null).then().statusCode(409)
                .body("existingReportId", equalTo(id));

        // a report filed before fingerprints left nulls out holds the hash of its content written with them
        String legacyRef = "SAME-2";
        String legacyId = post(token, Bodies.founding(legacyRef), null).then().statusCode(201).extract().path("id");
        String withNulls = json.writeValueAsString(json.readValue(Bodies.founding(legacyRef),
                org.cnx.intake.report.ReportRequest.class));
        assertTrue(withNulls.contains(":null"), withNulls);
        try (var c = dataSource.getConnection();
                var update = c.prepareStatement("UPDATE report SET content_sha256 = ? WHERE id = ?::uuid")) {
            update.setString(1, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(withNulls.getBytes(StandardCharsets.UTF_8))));
            update.setString(2, legacyId);
            assertEquals(1, update.executeUpdate());
        }
        post(token, Bodies.founding(legacyRef), null).then().statusCode(200).body("id", equalTo(legacyId));
        assertEquals(2, count(token));
    }

    @Test
    void aBodyOverTheLimitIs413ProblemAuditedAndStoresNothing() throws Exception {
        String token = freshPartner("CN");
        String huge = withSummaryOf(300_000, "BIG-1");
        post(token, huge, null).then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/too-large"))
                .body("detail", equalTo("The report is " + huge.getBytes(StandardCharsets.UTF_8).length
                        + " bytes; the limit is 262144."));
        String sha = sha256(huge);
        await().atMost(Duration.ofSeconds(10)).until(() -> !peers.findAll(
                postRequestedFor(urlEqualTo("/internal/v1/events")).withRequestBody(containing("REPORT_REJECTED"))
                        .withRequestBody(containing(sha))).isEmpty());
        // over the HTTP layer's hard cap (1 MiB) too: Quarkus alone would answer an empty 413
        String overTheCap = withSummaryOf(1_500_000, "BIG-2");
        post(token, overTheCap, null).then().statusCode(413).contentType("application/problem+json")
                .body("detail", equalTo("The report is " + overTheCap.getBytes(StandardCharsets.UTF_8).length
                        + " bytes; the limit is 262144."));
        // sent in chunks, without a length (a stream of unknown size), it is measured as it is read: the same problem
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI reports = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/reports");
        HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(reports)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        huge.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode());
        assertEquals("application/problem+json", chunked.headers().firstValue("Content-Type").orElse(""));
        assertTrue(chunked.body().contains("\"detail\":\"The report is " + huge.getBytes(StandardCharsets.UTF_8).length
                + " bytes; the limit is 262144.\""), chunked.body());
        assertEquals(0, count(token));
        // any other path: the hard cap, named
        given().auth().oauth2(token).contentType("application/json").body(overTheCap)
                .post("/api/v1/reports/" + UUID.randomUUID() + "/withdrawal").then().statusCode(413)
                .contentType("application/problem+json")
                .body("detail", equalTo("The body is " + overTheCap.getBytes(StandardCharsets.UTF_8).length
                        + " bytes; the limit is 1048576."));
    }

    @Test
    void anAnonymousBodyOverTheLimitIs401AndLearnsNoLimit() {
        given().contentType("application/json").body(withSummaryOf(1_500_000, "BIG-3")).post("/api/v1/reports")
                .then().statusCode(401).contentType("application/problem+json")
                .body("detail", not(containsString("limit")));
    }

    private static String sha256(String body) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    private static String withSummaryOf(int length, String externalRef) {
        return Bodies.founding(externalRef).replace("\"summary\":\"Container bound from CN to MX through US.\"",
                "\"summary\":\"" + "x".repeat(length) + "\"");
    }

    /**
     * A money flow or a network names no chemical, and a laboratory's report may give a CAS number alone: both were a
     * 400 (at least one substance, each with a name), though the watch list matches a CAS number as well as a name.
     */
    @Test
    void aReportMayNameNoSubstanceAndASubstanceMayBeItsCasNumberAlone() {
        String token = freshPartner("CN");
        String none = """
                {"externalRef":"SUB-0","type":"ILLICIT_FINANCE","title":"Payments for precursors","tlp":"GREEN"}""";
        String id = post(token, none, null).then().statusCode(201).body("watchlistHits", empty())
                .extract().path("id");
        given().auth().oauth2(token).get("/api/v1/reports/" + id).then().statusCode(200)
                .body("report.type", equalTo("ILLICIT_FINANCE")).body("report.substances", nullValue());
        post(token, none.replace("SUB-0", "SUB-1").replace("}", ",\"substances\":[]}"), null).then().statusCode(201);
        String casOnly = Bodies.minimal("SUB-2", "SEIZURE")
                .replace("{\"name\":\"acetone\",", "{\"casNumber\":\"21409-26-7\",");
        post(token, casOnly, null).then().statusCode(201).body("watchlistHits", equalTo(List.of("ANPP")));

        String neither = Bodies.minimal("SUB-3", "SEIZURE").replace("\"name\":\"acetone\",", "");
        post(token, neither, null).then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", equalTo(List.of("/substances/0/name")))
                .body("errors.message", equalTo(List.of("a substance needs a name or a CAS number")));
        String blankName = Bodies.minimal("SUB-4", "SEIZURE")
                .replace("\"name\":\"acetone\"", "\"name\":\" \",\"casNumber\":\"21409-26-7\"");
        post(token, blankName, null).then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/substances/0/name")))
                .body("errors.message", equalTo(List.of("must not be blank")));
        assertEquals(3, count(token), "the three valid reports, none of the refused");
    }

    @Test
    void stringAndArrayLimitsAreEnforced() {
        String longSummary = Bodies.founding("LIM-1").replace("Container bound from CN to MX through US.", "y".repeat(10_001));
        post(freshPartner("CN"), longSummary, null).then().statusCode(400).body("errors.pointer", equalTo(List.of("/summary")));
        StringBuilder substances = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            substances.append(i == 0 ? "" : ",").append("{\"name\":\"s").append(i).append("\",\"quantity\":1,\"unit\":\"g\"}");
        }
        String many = Bodies.minimal("LIM-2", "SEIZURE").replace("[{\"name\":\"acetone\",\"quantity\":1,\"unit\":\"L\"}]",
                "[" + substances + "]");
        post(freshPartner("CN"), many, null).then().statusCode(400).body("errors.pointer", equalTo(List.of("/substances")));
    }

    @Test
    void theListShowsOnlyTheCallersReportsPageByPageWithFilters() {
        String token = freshPartner("US");
        String other = freshPartner("US");
        post(other, Bodies.minimal("OTHER-1", "SEIZURE"), null).then().statusCode(201);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(post(token, Bodies.minimal("LIST-" + i, i % 2 == 0 ? "SEIZURE" : "ILLICIT_FINANCE"), null)
                    .then().statusCode(201).extract().path("id"));
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            var request = given().auth().oauth2(token).queryParam("limit", 2);
            if (after != null) {
                request = request.queryParam("after", after);
            }
            JsonPath page = request.get("/api/v1/reports").then().statusCode(200).extract().jsonPath();
            assertTrue(page.getList("items").size() <= 2);
            seen.addAll(page.getList("items.id"));
            after = page.getString("next");
        } while (after != null);
        List<String> newestFirst = new ArrayList<>(created);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, seen, "every own report once, newest first, none of another agency's");

        given().auth().oauth2(token).queryParam("type", "SEIZURE").get("/api/v1/reports").then().statusCode(200)
                .body("items", hasSize(3)).body("next", nullValue());
        given().auth().oauth2(token).queryParam("since", "2999-01-01T00:00:00Z").get("/api/v1/reports").then()
                .statusCode(200).body("items", hasSize(0));
        // a bound between two microseconds was rounded down: the report received just before it was listed
        Instant newest = Instant.parse(given().auth().oauth2(token).get("/api/v1/reports").then().statusCode(200)
                .extract().path("items[0].receivedAt"));
        assertEquals(1, given().auth().oauth2(token).queryParam("since", newest.toString()).get("/api/v1/reports")
                .then().statusCode(200).extract().jsonPath().getList("items").size());
        given().auth().oauth2(token).queryParam("since", newest.plusNanos(400).toString()).get("/api/v1/reports")
                .then().statusCode(200).body("items", hasSize(0));
        given().auth().oauth2(token).queryParam("type", "GOSSIP").get("/api/v1/reports").then().statusCode(400)
                .contentType("application/problem+json");
        // a typed parameter JAX-RS cannot convert answered an empty 404, as if the list did not exist
        for (String limit : List.of("101", "0", "ten")) {
            given().auth().oauth2(token).queryParam("limit", limit).get("/api/v1/reports").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://cnx.example/problems/invalid-parameter"))
                    .body("detail", equalTo("limit must be a whole number between 1 and 100: " + limit));
        }
        given().auth().oauth2(token).queryParam("after", "not-a-cursor").get("/api/v1/reports").then().statusCode(400);
        // JAX-RS reads a repeated parameter's first value alone: the second type was dropped unsaid
        given().auth().oauth2(token).queryParam("type", "SEIZURE", "PRECURSOR_SHIPMENT").get("/api/v1/reports").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("Query parameter 'type' is given 2 times; it takes one value."));
        // a lookup by the agency's own reference: a page of that one report, or of none
        given().auth().oauth2(token).queryParam("externalRef", "LIST-3").get("/api/v1/reports").then()
                .statusCode(200).body("items.id", equalTo(List.of(created.get(3)))).body("next", nullValue());
        given().auth().oauth2(token).queryParam("externalRef", "LIST-3").queryParam("type", "SEIZURE")
                .get("/api/v1/reports").then().statusCode(200).body("items", hasSize(0));
        given().auth().oauth2(other).queryParam("externalRef", "LIST-3").get("/api/v1/reports").then()
                .statusCode(200).body("items", hasSize(0));
        given().auth().oauth2(token).queryParam("externalRef", "OTHER-1").get("/api/v1/reports").then()
                .statusCode(200).body("items", hasSize(0));
        for (String ref : List.of(" ", "\u3000", "R".repeat(101))) {
            given().auth().oauth2(token).queryParam("externalRef", ref).get("/api/v1/reports").then().statusCode(400)
                    .body("detail", equalTo("externalRef must be 1 to 100 characters, not all of them spaces"));
        }
        // as a submission takes it: ideographic spaces (a Chinese input method's) were taken, and never found again
        for (String ref : List.of("\u3000\u3000", " \u00a0", "\\u0001", "\u200b\ufeff")) {
            post(token, Bodies.founding("X").replace("\"externalRef\":\"X\"", "\"externalRef\":\"" + ref + "\""), null)
                    .then().statusCode(400).body("errors.pointer", equalTo(List.of("/externalRef")))
                    .body("errors[0].message", equalTo("must not be blank"));
        }
        // PostgreSQL cannot compare with a NUL: it answered a 500
        given().auth().oauth2(token).queryParam("externalRef", "LIST\u00003").get("/api/v1/reports").then()
                .statusCode(400).body("detail", equalTo("externalRef " + StorableStrings.NUL));
        // JAX-RS ignores a name it binds to nothing: the first page of every report answered a lookup by reference
        given().auth().oauth2(token).queryParam("ref", "LIST-3").get("/api/v1/reports").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("Query parameter 'ref' is not one this endpoint reads; it reads type, "
                        + "since, externalRef, after, limit."));
        // nor one to an endpoint that reads none: a submission "to validate only" was filed and shared
        given().auth().oauth2(token).contentType("application/json").body(Bodies.founding("VALIDATE-ONLY"))
                .queryParam("validateOnly", "true").post("/api/v1/reports").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("Query parameter 'validateOnly' is not one this endpoint reads; "
                        + "it reads none."));
        given().auth().oauth2(token).queryParam("externalRef", "VALIDATE-ONLY").get("/api/v1/reports").then()
                .statusCode(200).body("items", hasSize(0));
        // a report id that is no UUID: JAX-RS's 404, a problem that said nothing
        given().auth().oauth2(token).get("/api/v1/reports/CBP-0042").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("Nothing is at this path, or an id in it is not one (a UUID, say)."));
        // past PostgreSQL's timestamps (4713 BC to 294276 AD), as a filter or in a forged cursor: it answered a 500
        for (String since : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z")) {
            given().auth().oauth2(token).queryParam("since", since).get("/api/v1/reports").then().statusCode(400)
                    .body("detail", equalTo("since must be an instant from 0001-01-01T00:00:00Z to "
                            + "9999-12-31T23:59:59Z"));
            String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (since + "|" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
            given().auth().oauth2(token).queryParam("after", forged).get("/api/v1/reports").then().statusCode(400)
                    .body("type", equalTo("https://cnx.example/problems/bad-cursor"));
        }
        // nor any position written otherwise than the list writes it: parsing alone took each for a place to list from
        String id = UUID.randomUUID().toString();
        for (String position : List.of("2026-12-01T00:00:00Z|+1-0-0-0-0", "2026-12-01t08:00:00+08:00|" + id,
                "2026-12-01T00:00:00Z|" + id + "|junk", "2026-12-01T00:00:00Z|" + id.toUpperCase(), " ")) {
            String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    position.getBytes(StandardCharsets.UTF_8));
            given().auth().oauth2(token).queryParam("after", forged).get("/api/v1/reports").then().statusCode(400)
                    .body("type", equalTo("https://cnx.example/problems/bad-cursor"));
        }
        given().auth().oauth2(token).queryParam("after", " ").get("/api/v1/reports").then().statusCode(400)
                .body("type", equalTo("https://cnx.example/problems/bad-cursor"));
    }

    /**
     * Text fields of nothing that shows: {@code @NotBlank} trims only up to U+0020, so a title of one ideographic space
     * was stored and delivered to partners as a blank title, and a withdrawal's reason as a blank one.
     */
    @Test
    void aTitleNameOrReasonOfOnlyInvisibleCharactersIsRefused() {
        String token = freshPartner("CN");
        Map<String, String> fields = Map.of("/title", "\"title\":\"25 kg ANPP declared as industrial chemical\"",
                "/substances/0/name", "\"name\":\"industrial chemical\"",
                "/subjects/0/name", "\"name\":\"WANG Li\"",
                "/subjects/0/identifiers/0/value", "\"value\":\"E12345678\"");
        // also letters and marks that show nothing: the Hangul filler, blank Braille, a variation selector
        for (String blank : List.of("\u3000", "\u00a0", "\u200b\ufeff", "\\u0001", "\u3164", "\u2800\u115F",
                "\uFE0F\u034F")) {
            fields.forEach((pointer, field) -> {
                String name = field.substring(0, field.indexOf(':') + 1);
                String body = Bodies.founding("BLANK-" + UUID.randomUUID()).replace(field, name + "\"" + blank + "\"");
                post(token, body, null).then().statusCode(400).body("errors.pointer", equalTo(List.of(pointer)))
                        .body("errors[0].message", equalTo("must not be blank"));
            });
        }
        String id = post(token, Bodies.founding("BLANK-" + UUID.randomUUID()), null).then().statusCode(201)
                .extract().path("id");
        withdraw(token, id, "{\"reason\":\"\u3000\"}").then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/reason")))
                .body("errors[0].message", equalTo("must not be blank"));
        given().auth().oauth2(token).get("/api/v1/reports/" + id).then().statusCode(200)
                .body("status", equalTo("RECEIVED"));
    }

    @Test
    void aWithdrawalWhoseBodyIsNotJsonOrNotAWithdrawalIs400SayingWhatIsWrong() {
        String token = freshPartner("CN");
        String id = post(token, Bodies.founding("WD-JSON"), null).then().statusCode(201).extract().path("id");
        withdraw(token, id, "{\"reason\":").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/malformed-json"))
                .body("detail", startsWith("The body is not well-formed JSON (line 1, column "));
        withdraw(token, id, "{\"reason\":\"mine\",\"status\":\"RECEIVED\"}").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/validation"))
                .body("errors.pointer", equalTo(List.of("/status")));
        withdraw(token, id, "{\"reason\":[\"mine\"]}").then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", equalTo(List.of("/reason")));
        // a body of another kind: "must be a JSON object" (no body is a withdrawal without a reason)
        for (String body : List.of("[\"mine\"]", "\"mine\"")) {
            withdraw(token, id, body).then().statusCode(400).contentType("application/problem+json")
                    .body("errors.pointer", equalTo(List.of("/")))
                    .body("errors.message", equalTo(List.of("must be a JSON object")));
        }
        post(token, "[" + Bodies.founding("WD-ARRAY") + "]", null).then().statusCode(400)
                .body("detail", equalTo("The body must be a JSON object."));
        post(token, " \r\n", null).then().statusCode(400).body("detail", equalTo("The body is empty."));
        given().auth().oauth2(token).get("/api/v1/reports/" + id).then().statusCode(200)
                .body("status", equalTo("RECEIVED"));
    }

    private static Response withdraw(String token, String id, String body) {
        return given().auth().oauth2(token).contentType("application/json").body(body)
                .post("/api/v1/reports/" + id + "/withdrawal");
    }

    private int handOversOf(String externalRef) {
        return peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/reports")).withRequestBody(containing(externalRef)))
                .size();
    }

    /**
     * A report withdrawn while its hand-over waits in the outbox (sharing down, or refusing it) is not handed over
     * once sharing is back: the hand-over and the recall wait out backoffs of their own, and the hand-over reaching
     * sharing first had the report released, and delivered, before the recall came.
     */
    @Test
    void aWithdrawalTakesBackTheHandOverStillWaitingSoNothingOfItReachesSharing() {
        String token = freshPartner("CN");
        String ref = "WD-HELD-" + UUID.randomUUID().toString().substring(0, 8);
        StubMapping down = peers.stubFor(WireMock.post(urlEqualTo("/internal/v1/reports"))
                .withRequestBody(containing(ref)).atPriority(1).willReturn(WireMock.aResponse().withStatus(503)));
        String id;
        int refused;
        try {
            id = post(token, Bodies.founding(ref), null).then().statusCode(201).extract().path("id");
            await().atMost(Duration.ofSeconds(10)).until(() -> handOversOf(ref) > 0);
            withdraw(token, id, "{\"reason\":\"source compromised\"}").then().statusCode(200);
            refused = handOversOf(ref);
        } finally {
            peers.removeStub(down);
        }

        await().atMost(Duration.ofSeconds(10)).until(() ->
                !peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/recalls")).withRequestBody(containing(id))).isEmpty()
                && !peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/events"))
                        .withRequestBody(containing("REPORT_WITHDRAWN")).withRequestBody(containing(id))).isEmpty());
        String withdrawn = peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/events"))
                .withRequestBody(containing("REPORT_WITHDRAWN")).withRequestBody(containing(id))).get(0).getBodyAsString();
        assertTrue(withdrawn.contains("\"handOverTakenBack\":true"), withdrawn);
        // sharing, answering again, is never sent the report
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> handOversOf(ref) == refused);
    }

    @Test
    void theOriginatorWithdrawsAndTheRecallGoesToSharing() {
        String token = freshPartner("CN");
        String id = post(token, Bodies.founding("WD-1"), null).then().statusCode(201).extract().path("id");
        given().auth().oauth2(freshPartner("CN")).contentType("application/json").body("{\"reason\":\"mine now\"}")
                .post("/api/v1/reports/" + id + "/withdrawal").then().statusCode(404);
        given().auth().oauth2(token).contentType("application/json").body("{\"reason\":\"\"}")
                .post("/api/v1/reports/" + id + "/withdrawal").then().statusCode(400).contentType("application/problem+json");
        String withdrawnAt = given().auth().oauth2(token).contentType("application/json")
                .body("{\"reason\":\"source compromised\"}").post("/api/v1/reports/" + id + "/withdrawal").then()
                .statusCode(200).body("status", equalTo("WITHDRAWN"))
                .body("withdrawalReason", equalTo("source compromised")).extract().path("withdrawnAt");
        // a retry whose first answer was lost: the problem says, as fields, that the withdrawal took effect
        given().auth().oauth2(token).contentType("application/json").body("{\"reason\":\"again\"}")
                .post("/api/v1/reports/" + id + "/withdrawal").then().statusCode(409)
                .body("type", equalTo("https://cnx.example/problems/already-withdrawn"))
                .body("reportId", equalTo(id)).body("withdrawnAt", equalTo(withdrawnAt))
                .body("withdrawalReason", equalTo("source compromised"));

        await().atMost(Duration.ofSeconds(10)).until(() ->
                !peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/recalls")).withRequestBody(containing(id))).isEmpty()
                && !peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/events"))
                        .withRequestBody(containing("REPORT_WITHDRAWN")).withRequestBody(containing(id))).isEmpty());
        JsonPath recall = JsonPath.from(peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/recalls"))
                .withRequestBody(containing(id))).get(0).getBodyAsString());
        // what sharing acts on: the report, its originator (another agency's notice is refused), when and why
        String notice = "find { it.reportId == '" + id + "' }.";
        JsonPath me = given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200).extract().jsonPath();
        assertEquals(me.getString("agency"), recall.getString(notice + "agency"));
        assertEquals(withdrawnAt, recall.getString(notice + "withdrawnAt"));
        assertEquals("source compromised", recall.getString(notice + "reason"));
        assertEquals(me.getString("sub"), recall.getString(notice + "withdrawnBy"),
                "sharing's recall events name who withdrew the report");
    }

    /** DESIGN gives a withdrawal no body: one without a body (or a reason) was a 400, and the report stayed out. */
    @Test
    void aWithdrawalNeedsNoBodyNorReason() throws Exception {
        String token = freshPartner("CN");
        String bare = post(token, Bodies.founding("WD-2"), null).then().statusCode(201).extract().path("id");
        // as a client sends a POST of nothing: no body, no Content-Type (RestAssured would add one)
        HttpResponse<String> bodiless = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/reports/" + bare + "/withdrawal"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bodiless.statusCode(), bodiless.body());
        given().auth().oauth2(token).get("/api/v1/reports/" + bare).then()
                .body("status", equalTo("WITHDRAWN")).body("withdrawalReason", nullValue());
        String empty = post(token, Bodies.founding("WD-3"), null).then().statusCode(201).extract().path("id");
        withdraw(token, empty, "{}").then().statusCode(200).body("status", equalTo("WITHDRAWN"));
        for (String nothing : List.of("", "null")) { // as JSON: an empty body, the JSON null
            String id = post(token, Bodies.founding("WD-E" + nothing.length()), null).then().statusCode(201)
                    .extract().path("id");
            withdraw(token, id, nothing).then().statusCode(200).body("status", equalTo("WITHDRAWN"))
                    .body("withdrawalReason", nullValue());
        }
        String plain = post(token, Bodies.founding("WD-4"), null).then().statusCode(201).extract().path("id");
        given().auth().oauth2(token).contentType("text/plain").body("no longer true")
                .post("/api/v1/reports/" + plain + "/withdrawal").then().statusCode(415);
        given().auth().oauth2(token).get("/api/v1/reports/" + plain).then().body("status", equalTo("RECEIVED"));

        for (String id : List.of(bare, empty)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !peers.findAll(
                    postRequestedFor(urlEqualTo("/internal/v1/recalls")).withRequestBody(containing(id))).isEmpty());
            JsonPath recall = JsonPath.from(peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/recalls"))
                    .withRequestBody(containing(id))).get(0).getBodyAsString());
            String notice = "find { it.reportId == '" + id + "' }.";
            assertTrue(recall.getString(notice + "agency").startsWith("CN-T"), "the recall names its originator");
            assertNull(recall.get(notice + "reason"));
        }
    }

    /** The audit events sent for the actor {@code sub}, once there is one. */
    private List<Map<String, Object>> eventsBy(String sub) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> peers.findAll(
                postRequestedFor(urlEqualTo("/internal/v1/events")).withRequestBody(containing(sub))).stream()
                .flatMap(r -> JsonPath.from(r.getBodyAsString()).<Map<String, Object>>getList("$").stream())
                .filter(e -> e.get("actor") instanceof Map<?, ?> actor && sub.equals(actor.get("sub")))
                .toList(), list -> !list.isEmpty());
    }

    /** Auditors see a token used where its roles do not reach, by the path policy or by a method's roles alike. */
    @Test
    void aRefusalByRoleIsAuditedWithWhoTriedWhatAndCreatesNothing() {
        String officerSub = "cbp-officer-" + UUID.randomUUID();
        String partnerSub = "cbp-system-" + UUID.randomUUID();
        String officer = TestTokens.person("liaison-officer", "US-CBP", "US", officerSub);
        given().auth().oauth2(officer).contentType("application/json").body(Bodies.founding("ROLE-1"))
                .post("/api/v1/reports").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US", partnerSub)).contentType("application/json")
                .body("[]").post("/internal/v1/anything").then().statusCode(403);

        for (List<String> expected : List.of(List.of(officerSub, "POST", "/api/v1/reports"),
                List.of(partnerSub, "POST", "/internal/v1/anything"))) {
            String sub = expected.get(0);
            List<Map<String, Object>> events = eventsBy(sub);
            assertEquals(1, events.size(), "one event for the refusal: " + events);
            Map<String, Object> event = events.get(0);
            assertEquals("ACCESS_DENIED", event.get("action"));
            assertEquals("DENIED", event.get("outcome"));
            assertEquals("US-CBP", ((Map<?, ?>) event.get("actor")).get("agency"));
            assertEquals(Map.of("method", expected.get(1), "path", expected.get(2), "problem", "role"),
                    event.get("details"));
        }
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US")).queryParam("externalRef", "ROLE-1")
                .get("/api/v1/reports").then().statusCode(200).body("items", hasSize(0));
    }

    /**
     * A report is filed under its agency for good: a token naming it otherwise than by its partner code, or without
     * agency or country, files nothing and reads nothing, and auditors see who tried.
     */
    @Test
    void aTokenWithoutAPartnerCodeForItsAgencyFilesNothingAndIsAudited() {
        String sub = "cbp-lower-" + UUID.randomUUID();
        String ref = "LOWER-" + UUID.randomUUID();
        given().auth().oauth2(TestTokens.person("partner", "us-cbp", "US", sub)).contentType("application/json")
                .body(Bodies.founding(ref)).post("/api/v1/reports").then().statusCode(403)
                .contentType("application/problem+json").body("type", endsWith("/missing-agency"))
                .body("detail", containsString("partner code (two capital letters, a dash"));
        given().auth().oauth2(TestTokens.person("partner", "us-cbp", "US")).get("/api/v1/reports")
                .then().statusCode(403).body("type", endsWith("/missing-agency"));
        String noCountry = TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "partner", Duration.ofMinutes(5))
                .claim("agency", "US-CBP"), "idp");
        given().auth().oauth2(noCountry).contentType("application/json").body(Bodies.founding(ref))
                .post("/api/v1/reports").then().statusCode(403)
                .body("detail", containsString("this one's country claim is missing"));
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "USA")).contentType("application/json")
                .body(Bodies.founding(ref)).post("/api/v1/reports").then().statusCode(403)
                .body("detail", containsString("this one's country claim is not."));

        List<Map<String, Object>> events = eventsBy(sub);
        assertEquals(1, events.size(), "one event for the refusal: " + events);
        assertEquals("ACCESS_DENIED", events.get(0).get("action"));
        assertEquals("us-cbp", ((Map<?, ?>) events.get(0).get("actor")).get("agency"));
        assertEquals(Map.of("method", "POST", "path", "/api/v1/reports", "problem", "missing-agency"),
                events.get(0).get("details"));
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US")).queryParam("externalRef", ref)
                .get("/api/v1/reports").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void aRejectedSubmissionIsAuditedWithTheHashOfWhatWasSent() throws Exception {
        String token = freshPartner("CN");
        String body = Bodies.founding("REJ-1").replace("21409-26-7", "21409-26-8");
        post(token, body, null).then().statusCode(400);
        String sha = sha256(body);
        await().atMost(Duration.ofSeconds(10)).until(() -> !peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/events"))
                .withRequestBody(containing("REPORT_REJECTED")).withRequestBody(containing(sha))).isEmpty());
        String events = peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/events"))
                .withRequestBody(containing(sha))).get(0).getBodyAsString();
        assertTrue(events.contains("\"invalidFields\":[\"/substances/0/casNumber\"]"), "the reason names what was wrong: " + events);
        assertTrue(events.contains("\"reason\":\"validation\""), events);

        // what the parser could not read is quoted in the problem, not in the log, which keeps for good what it gets
        String unquoted = Bodies.founding("REJ-2").replace("\"E12345678\"", "E12345678");
        post(token, unquoted, null).then().statusCode(400).body("detail", containsString("E12345678"));
        // nor a field's name of 50,000 characters: its pointer is cut
        String longName = Bodies.founding("REJ-3").replaceFirst("\\{", "{\"" + "n".repeat(50_000) + "\":1,");
        post(token, longName, null).then().statusCode(400);
        for (String sent : List.of(unquoted, longName)) {
            String logged = await().atMost(Duration.ofSeconds(10)).until(() -> peers.findAll(postRequestedFor(
                    urlEqualTo("/internal/v1/events")).withRequestBody(containing(sha256(sent)))), l -> !l.isEmpty())
                    .get(0).getBodyAsString();
            assertFalse(logged.contains("E12345678"), logged);
            assertTrue(logged.length() < 5_000, "the event is " + logged.length() + " characters long");
        }
    }

    @Test
    void aSubmissionBreakingThousandsOfRulesIsAuditedWithTheFirstHundredAndTheCount() throws Exception {
        String token = freshPartner("CN");
        String bad = "{\"name\":\"x\",\"casNumber\":\"1-1-1\",\"quantity\":-1,\"unit\":\"kg\"}";
        String body = Bodies.founding("REJ-MANY").replaceFirst("\"substances\":\\[",
                "\"substances\":[" + (bad + ",").repeat(1500));
        int broken = post(token, body, null).then().statusCode(400).extract().jsonPath().getList("errors").size();
        assertTrue(broken > 3000, "every rule broken is in the problem: " + broken);
        String sha = sha256(body);
        // the event names the first hundred and the count: with all of them it outgrew what audit-service takes
        String events = await().atMost(Duration.ofSeconds(10)).until(() -> peers.findAll(
                postRequestedFor(urlEqualTo("/internal/v1/events")).withRequestBody(containing(sha))),
                l -> !l.isEmpty()).get(0).getBodyAsString();
        assertTrue(events.contains("\"invalidFieldCount\":" + broken), events.substring(0, 300));
        Map<?, ?> details = (Map<?, ?>) new com.fasterxml.jackson.databind.ObjectMapper().readValue(events, List.class)
                .stream().map(e -> ((Map<?, ?>) e).get("details")).filter(d -> d != null
                        && ((Map<?, ?>) d).containsKey("invalidFieldCount")).findFirst().orElseThrow();
        assertEquals(ReportService.AUDITED_POINTERS, ((List<?>) details.get("invalidFields")).size());
    }

    /** A long unknown field's pointer is audited cut to 200 characters, never between the halves of an emoji. */
    @Test
    void aLongFieldNameIsAuditedCutWholeCharactersOnly() throws Exception {
        String token = freshPartner("CN");
        String name = "a".repeat(198) + "\uD83D\uDE00" + "b".repeat(10); // the emoji at characters 200 and 201
        String body = Bodies.founding("CUT-1").replaceFirst("\\{", "{\"" + name + "\":1,");
        post(token, body, null).then().statusCode(400).body("errors.pointer", equalTo(List.of("/" + name)));
        String sha = sha256(body);
        String events = await().atMost(Duration.ofSeconds(10)).until(() -> peers.findAll(postRequestedFor(
                urlEqualTo("/internal/v1/events")).withRequestBody(containing(sha))), l -> !l.isEmpty())
                .get(0).getBodyAsString();
        assertTrue(events.contains("\"/" + "a".repeat(198) + "…\""), events);
        assertFalse(events.contains("a?") || events.toLowerCase(Locale.ROOT).contains("\\ud83d"), events);
    }

    @Test
    void aNulOrHalfASurrogatePairIsA400PointingAtItAuditedWithoutTheNul() throws Exception {
        // PostgreSQL stores no U+0000: a report holding one once got a 500 and no audit event
        String token = freshPartner("CN");
        String inTitle = Bodies.founding("NUL-1").replace("\"title\":\"", "\"title\":\"\\u0000");
        post(token, inTitle, null).then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", equalTo(List.of("/title")))
                .body("errors[0].message", equalTo(StorableStrings.NUL));
        String inName = Bodies.founding("NUL-2").replaceFirst("\\{", "{\"x\\\\u0000y\":1,");
        post(token, inName, null).then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/x\u0000y")));
        // both refusals are audited; the field's name reaches the log with U+FFFD in place of the NUL, which
        // audit-service would refuse (an event it refuses is never logged)
        for (String body : List.of(inTitle, inName)) {
            String sha = sha256(body);
            await().atMost(Duration.ofSeconds(10)).until(() -> !peers.findAll(postRequestedFor(
                    urlEqualTo("/internal/v1/events")).withRequestBody(containing("REPORT_REJECTED"))
                    .withRequestBody(containing(sha))).isEmpty());
        }
        String events = peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/events"))
                .withRequestBody(containing(sha256(inName)))).get(0).getBodyAsString();
        assertTrue(events.contains("\"/x\uFFFDy\"") && !events.contains("\\u0000"), events);

        // half of a surrogate pair is no character: the driver's UTF-8 stored "?" in its place
        String halfPair = Bodies.founding("NUL-4").replace("\"title\":\"", "\"title\":\"\\ud83d");
        post(token, halfPair, null).then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/title")))
                .body("errors[0].message", equalTo(StorableStrings.UNPAIRED_SURROGATE));
        post(token, Bodies.founding("NUL-5").replace("\"title\":\"", "\"title\":\"\\udc00 "), null).then()
                .statusCode(400).body("errors[0].message", equalTo(StorableStrings.UNPAIRED_SURROGATE));
        assertEquals(0, count(token));
        String wholePair = Bodies.founding("NUL-6").replace("\"title\":\"", "\"title\":\"\\ud83d\\ude00 ");
        String pairId = post(token, wholePair, null).then().statusCode(201).extract().path("id");
        given().auth().oauth2(token).get("/api/v1/reports/" + pairId).then().statusCode(200)
                .body("report.title", startsWith("\ud83d\ude00 "));

        String id = post(token, Bodies.founding("NUL-3"), null).then().statusCode(201).extract().path("id");
        withdraw(token, id, "{\"reason\":\"source\\u0000compromised\"}").then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/reason")))
                .body("errors[0].message", equalTo(StorableStrings.NUL));
        given().auth().oauth2(token).get("/api/v1/reports/" + id).then().statusCode(200)
                .body("status", equalTo("RECEIVED"));
    }

    @Test
    void contentAfterTheReportIsA400NotASecondReportLostBehindA201() {
        // Jackson read the first report and dropped the rest: the second of two posted back to back vanished
        String token = freshPartner("CN");
        post(token, Bodies.founding("TWO-1") + "\n" + Bodies.founding("TWO-2"), null).then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/validation"))
                .body("errors.pointer", equalTo(List.of("/")))
                .body("errors[0].message", equalTo(StrictJson.TRAILING));
        post(token, Bodies.founding("TWO-3") + "]]", null).then().statusCode(400) // and garbage is not JSON
                .contentType("application/problem+json").body("detail", containsString("is not well-formed JSON"));
        assertEquals(0, count(token));
        post(token, Bodies.founding("TWO-4") + " \r\n", null).then().statusCode(201);

        String id = post(token, Bodies.founding("TWO-5"), null).then().statusCode(201).extract().path("id");
        withdraw(token, id, "{\"reason\":\"a\"}{\"reason\":\"b\"}").then().statusCode(400)
                .body("errors[0].message", equalTo(StrictJson.TRAILING));
        given().auth().oauth2(token).get("/api/v1/reports/" + id).then().statusCode(200)
                .body("status", equalTo("RECEIVED"));
    }

    /**
     * Text for a flag or a number: Jackson read "" (and " ", "null") as no value, so that a report marked
     * {@code "originatorControl": ""} was stored without the marking and released without the originator's
     * approval. A flag must be true or false; a number may be given as its digits, not as empty text or "null". Each
     * refusal is a 400 pointing at the field, and nothing is stored.
     */
    @Test
    void textForAFlagOrAnEmptyNumberIsA400NotReadAsNoValue() {
        String token = freshPartner("US");
        String title = "\"title\":\"25 kg ANPP declared as industrial chemical\"";
        Map<String, List<String>> wrong = Map.of(
                // nor a number for a flag: 0 and 1 were read as false and true
                "\"originatorControl\":true", List.of("\"\"", "\" \"", "\"null\"", "\"true\"", "1", "0"),
                "\"informationCredibility\":2", List.of("\"\"", "\" \"", "\"null\""),
                "\"quantity\":25", List.of("\"\"", "\" \"", "\"null\""),
                title, List.of("12345", "2.5", "true")); // a number or a flag was stored as its text
        Map<String, String> pointers = Map.of("\"originatorControl\":true", "/handling/originatorControl",
                "\"informationCredibility\":2", "/grading/informationCredibility",
                "\"quantity\":25", "/substances/0/quantity", title, "/title");
        wrong.forEach((field, texts) -> {
            String name = field.substring(0, field.indexOf(':') + 1);
            for (String text : texts) {
                post(token, Bodies.founding("TEXT-" + name.length() + text.length()).replace(field, name + text),
                        null).then().statusCode(400)
                        .body("errors.pointer", equalTo(List.of(pointers.get(field))))
                        .body("errors[0].message", equalTo("has the wrong type or format"));
            }
        });
        assertEquals(0, count(token));
        // a number as its digits is that number, as before
        post(token, Bodies.founding("TEXT-DIGITS").replace("\"quantity\":25", "\"quantity\":\"25.5\""), null)
                .then().statusCode(201);
    }

    @Test
    void aDecimalWhereAWholeNumberBelongsIsA400NotCutDown() {
        // 2.9 was stored and shared as 2, and 0.5 refused as "must be greater than or equal to 1"
        String token = freshPartner("CN");
        for (String credibility : List.of("2.9", "0.5")) {
            post(token, Bodies.founding("DEC-" + credibility).replace("\"informationCredibility\":2",
                    "\"informationCredibility\":" + credibility), null).then().statusCode(400)
                    .body("errors.pointer", equalTo(List.of("/grading/informationCredibility")))
                    .body("errors[0].message", equalTo("has the wrong type or format"));
        }
        assertEquals(0, count(token));
        post(token, Bodies.founding("DEC-2.0").replace("\"informationCredibility\":2",
                "\"informationCredibility\":2.0"), null).then().statusCode(400);
    }

    @Test
    void aReportStampedByAClockALittleAheadIsTakenOneFromTheFutureIsNot() {
        // a partner stamping occurredAt with its own "now", its clock seconds ahead of intake's, was refused
        String token = freshPartner("CN");
        String soon = Instant.now().plusSeconds(20).toString();
        post(token, Bodies.founding("SKEW-1").replace("2026-11-20T08:00:00Z", soon), null).then().statusCode(201);
        post(token, Bodies.founding("SKEW-2").replace("2026-11-20T08:00:00Z", Instant.now().plusSeconds(600)
                .toString()), null).then().statusCode(400).body("errors.pointer", equalTo(List.of("/occurredAt")));
    }

    /**
     * A number was taken as seconds since 1970, with no bound: 1e64 was stored and shared as 1970-01-01T00:00:00Z. An
     * instant is ISO-8601 text, with an offset if the partner writes one, within the years the database keeps as sent.
     */
    @Test
    void theTimeOfAReportIsIsoTextWithinTheYearsItCanBeKeptAs() {
        String token = freshPartner("CN");
        String occurred = "\"occurredAt\":\"2026-11-20T08:00:00Z\"";
        int n = 0;
        for (String refused : List.of("1e64", "1700000000", "\"+1000000000-01-01T00:00:00Z\"",
                "\"1500-01-01T00:00:00Z\"", "\"yesterday\"", "\"\"", "[]", "\"20261120\"", "\"1700000000\"",
                "\"2026-11-20\"", "\"2026-02-30T08:00:00Z\"", "\"2026-11-20T24:00:00Z\"")) { // not read as the 28th
            post(token, Bodies.founding("TIME-" + n++).replace(occurred, "\"occurredAt\":" + refused), null).then()
                    .statusCode(400).contentType("application/problem+json")
                    .body("errors.pointer", equalTo(List.of("/occurredAt")))
                    .body("errors[0].message", equalTo(StrictInstants.EXPECTED));
        }
        assertEquals(0, count(token));
        // the offset a Chinese agency's system writes, as ISO-8601 or strftime's %z writes it: the same instant
        for (String offset : List.of("+08:00", "+0800", "+08")) {
            String id = post(token, Bodies.founding("TIME-OFFSET-" + offset.length()).replace(occurred,
                    "\"occurredAt\":\" 2026-11-20T16:00:00" + offset + "\""), null).then().statusCode(201)
                    .extract().path("id");
            given().auth().oauth2(token).get("/api/v1/reports/" + id).then().statusCode(200)
                    .body("report.occurredAt", equalTo("2026-11-20T08:00:00Z"));
        }
    }

    @Test
    void aFieldNamedTwiceIsA400PointingAtIt() {
        // Jackson kept the last value: a report whose tlp read RED, then GREEN, was stored and shared as GREEN
        String token = freshPartner("CN");
        String twice = Bodies.founding("DUP-1").replace("\"tlp\":\"", "\"tlp\":\"RED\",\"tlp\":\"");
        post(token, twice, null).then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/validation"))
                .body("errors.pointer", equalTo(List.of("/tlp")))
                .body("errors[0].message", equalTo(DuplicateFields.MESSAGE));
        String nested = Bodies.founding("DUP-2")
                .replace("\"casNumber\":", "\"casNumber\":\"21409-26-7\",\"casNumber\":");
        post(token, nested, null).then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/substances/0/casNumber")));
        assertEquals(0, count(token));

        String id = post(token, Bodies.founding("DUP-3"), null).then().statusCode(201).extract().path("id");
        withdraw(token, id, "{\"reason\":\"a\",\"reason\":\"b\"}").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", equalTo(List.of("/reason")))
                .body("errors[0].message", equalTo(DuplicateFields.MESSAGE));
    }

    @Test
    void aStringTheParserRefusesIsA400SayingWhyNotThatItHasTheWrongType() throws Exception {
        // a title built by concatenation with its line break, a name in Latin-1: both "had the wrong type or format"
        String token = freshPartner("CN");
        post(token, Bodies.founding("RAW-1").replace("25 kg ANPP", "25 kg\nANPP"), null).then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/validation"))
                .body("errors.pointer", equalTo(List.of("/title")))
                .body("errors[0].message", equalTo("is not well-formed JSON (line 1, column 66): a control character "
                        + "in a string, which JSON requires escaped (U+000A as \\u000A)"));
        byte[] latin1 = Bodies.founding("RAW-2")
                .replace("industrial chemical\",\"casNumber", "caf\u00e9\",\"casNumber")
                .getBytes(StandardCharsets.ISO_8859_1);
        given().auth().oauth2(token).contentType("application/json; charset=ISO-8859-1").body(latin1)
                .post("/api/v1/reports").then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/substances/0/name")))
                .body("errors[0].message", containsString(": bytes that are not UTF-8, which JSON is read as"));
        byte[] latin1Name = Bodies.founding("RAW-3").replace("\"summary\"", "\"r\u00e9sum\u00e9\"")
                .getBytes(StandardCharsets.ISO_8859_1);
        given().auth().oauth2(token).contentType("application/json").body(latin1Name).post("/api/v1/reports").then()
                .statusCode(400).body("type", equalTo("https://cnx.example/problems/malformed-json"))
                .body("detail", containsString("not well-formed JSON (line 2, column "))
                .body("detail", containsString("): bytes that are not UTF-8"));
        // between tokens a control character is no string's fault: the parser's own words, which say so
        post(token, "\u0001" + Bodies.founding("RAW-5"), null).then().statusCode(400)
                .body("type", equalTo("https://cnx.example/problems/malformed-json"))
                .body("detail", equalTo("The body is not well-formed JSON (line 1, column 2): Illegal character "
                        + "((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is allowed "
                        + "between tokens."));
        // a compressed report: its gzip header answered "Illegal character ((CTRL-CHAR, code 31))"
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(Bodies.founding("RAW-6").getBytes(StandardCharsets.UTF_8));
        }
        given().auth().oauth2(token).contentType("application/json").header("Content-Encoding", "gzip")
                .body(zipped.toByteArray()).post("/api/v1/reports").then().statusCode(415)
                .contentType("application/problem+json")
                .body("detail", equalTo("Content-Encoding gzip is not accepted: send the report uncompressed."));
        String zippedSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zipped.toByteArray()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !peers.findAll(postRequestedFor(
                urlEqualTo("/internal/v1/events")).withRequestBody(containing("REPORT_REJECTED"))
                .withRequestBody(containing(zippedSha))).isEmpty());
        assertEquals(0, count(token));

        String id = post(token, Bodies.founding("RAW-4"), null).then().statusCode(201).extract().path("id");
        // it answered an empty 400
        withdraw(token, id, "{\"reason\":\"no\tlonger\"}").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", equalTo(List.of("/reason")))
                .body("errors[0].message", containsString("(U+0009 as \\u0009)"));
        // a number past the parser's limit where the withdrawal's own fields are read: Quarkus's bare 500
        withdraw(token, id, "{\"reason\":1" + "0".repeat(1000) + "}").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/malformed-json"))
                .body("detail", equalTo("The body passes a limit of the JSON parser: Number value length (1001) "
                        + "exceeds the maximum allowed (1000)."));
        // a compressed withdrawal: its gzip header answered 400 "Illegal character ((CTRL-CHAR, code 31))"
        java.io.ByteArrayOutputStream zippedReason = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(zippedReason)) {
            gzip.write("{\"reason\":\"source compromised\"}".getBytes(StandardCharsets.UTF_8));
        }
        given().auth().oauth2(token).contentType("application/json").header("Content-Encoding", "gzip")
                .body(zippedReason.toByteArray()).post("/api/v1/reports/" + id + "/withdrawal").then()
                .statusCode(415).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/unsupported-content-encoding"))
                .body("detail", equalTo("Content-Encoding gzip is not accepted: send the body uncompressed."));
        given().auth().oauth2(token).get("/api/v1/reports/" + id).then().statusCode(200)
                .body("status", equalTo("RECEIVED"));
    }

    @Test
    void aBodyPastTheParsersLimitsIsA400SayingWhichAndAudited() throws Exception {
        // such a refusal carries no location, and reading one answered a 500, unaudited
        String token = freshPartner("CN");
        String deep = "{\"externalRef\":\"DEEP-1\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        post(token, deep, null).then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/malformed-json"))
                .body("detail", equalTo("The body passes a limit of the JSON parser: Document nesting depth (1001) "
                        + "exceeds the maximum allowed (1000)."));
        String longNumber = Bodies.founding("DEEP-2").replace("\"quantity\":25", "\"quantity\":2" + "5".repeat(1500));
        post(token, longNumber, null).then().statusCode(400)
                .body("errors.pointer", equalTo(List.of("/substances/0")))
                .body("errors[0].message", equalTo("passes a limit of the JSON parser: Number value length (1501) "
                        + "exceeds the maximum allowed (1000)"));
        String sha = sha256(deep);
        await().atMost(Duration.ofSeconds(10)).until(() -> !peers.findAll(postRequestedFor(
                urlEqualTo("/internal/v1/events")).withRequestBody(containing("REPORT_REJECTED"))
                .withRequestBody(containing(sha))).isEmpty());
        assertEquals(0, count(token));
    }
}
