package org.cnx.audit.event;

import static io.restassured.RestAssured.given;
import static org.cnx.audit.TestEvents.EVENTS;
import static org.cnx.audit.TestEvents.assertGapFree;
import static org.cnx.audit.TestEvents.auditorToken;
import static org.cnx.audit.TestEvents.intakeToken;
import static org.cnx.audit.TestEvents.post;
import static org.cnx.audit.TestEvents.sharingToken;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.audit.TestDb;
import org.cnx.audit.TestEvents;
import org.cnx.audit.TestKeys;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** {@code GET /api/v1/events}: filters, cursor pagination, and the audit of the read itself. */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class EventQueryTest {

    @Inject
    DataSource db;

    private final String auditor = auditorToken("auditor-query-test");

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> event(String action, String outcome, String sub, String agency,
            String reportId, Instant occurredAt) {
        Map<String, Object> event = TestEvents.event("intake", action);
        event.put("outcome", outcome);
        Map<String, Object> actor = new HashMap<>(Map.of("sub", sub, "roles", List.of("partner")));
        if (agency != null) {
            actor.put("agency", agency);
        }
        event.put("actor", actor);
        if (reportId != null) {
            event.put("subject", Map.of("reportId", reportId));
        }
        event.put("occurredAt", occurredAt.toString());
        return event;
    }

    /** {@code event} about a release, delivery or recall for {@code partner}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> forPartner(String partner, Map<String, Object> event) {
        Map<String, Object> subject = new HashMap<>((Map<String, Object>) event.getOrDefault("subject", Map.of()));
        subject.put("partner", partner);
        event.put("subject", subject);
        return event;
    }

    private JsonPath get(String query) {
        return given().header("Authorization", "Bearer " + auditor).get(EVENTS + "?" + query)
                .then().statusCode(200).extract().jsonPath();
    }

    /** The event ids the query returns, on one page. */
    private List<String> ids(String query) {
        JsonPath page = get(query + "&limit=100");
        assertNull(page.getString("next"), "expected a single page for " + query);
        return page.getList("items.eventId");
    }

    private static List<String> ids(List<Map<String, Object>> events, int... indexes) {
        List<String> ids = new ArrayList<>();
        for (int i : indexes) {
            ids.add((String) events.get(i).get("eventId"));
        }
        return ids;
    }

    @Test
    void everyFilterNarrowsTheResult() {
        String agency = unique("T");
        String otherAgency = unique("U");
        String s1 = unique("s1");
        String s2 = unique("s2");
        String s3 = unique("s3");
        String r1 = UUID.randomUUID().toString();
        String r2 = UUID.randomUUID().toString();
        String partner = unique("MX");
        String otherPartner = unique("CN");
        Instant t0 = Instant.parse("2024-05-01T10:00:00Z");
        List<Map<String, Object>> events = List.of(
                event("REPORT_RECEIVED", "SUCCESS", s1, agency, r1, t0),
                forPartner(partner, event("RELEASE_DECIDED", "SUCCESS", s2, agency, r1, t0.plusSeconds(60))),
                forPartner(partner, event("DELIVERY_FAILED", "FAILURE", s2, agency, r2, t0.plusSeconds(120))),
                forPartner(otherPartner, event("DELIVERY_FAILED", "FAILURE", s1, agency, null, t0.plusSeconds(180))),
                event("ACCESS_DENIED", "DENIED", s3, agency, r2, t0.plusSeconds(240)),
                event("REPORT_RECEIVED", "SUCCESS", s1, otherAgency, r1, t0.plusSeconds(120)));
        post(intakeToken(), events).then().statusCode(200).body("appended", equalTo(6));

        assertEquals(ids(events, 0, 1, 2, 3, 4), ids("agency=" + agency));
        assertEquals(ids(events, 5), ids("agency=" + otherAgency));
        assertEquals(ids(events, 2, 3), ids("agency=" + agency + "&action=DELIVERY_FAILED"));
        assertEquals(ids(events, 2, 3), ids("agency=" + agency + "&outcome=FAILURE"));
        assertEquals(ids(events, 4), ids("agency=" + agency + "&outcome=DENIED"));
        assertEquals(ids(events, 0, 3, 5), ids("actor=" + s1));
        assertEquals(ids(events, 0, 1, 5), ids("reportId=" + r1));
        assertEquals(ids(events, 2, 4), ids("reportId=" + r2));
        assertEquals(ids(events, 1, 2), ids("partner=" + partner));
        assertEquals(ids(events, 2), ids("partner=" + partner + "&action=DELIVERY_FAILED"));
        assertEquals(ids(events, 3), ids("partner=" + otherPartner));
        // from inclusive, to exclusive
        assertEquals(ids(events, 1, 2), ids("agency=" + agency + "&from=" + t0.plusSeconds(60)
                + "&to=" + t0.plusSeconds(180)));
        assertEquals(ids(events, 3, 4), ids("agency=" + agency + "&from=" + t0.plusSeconds(180)));
        assertEquals(ids(events, 0), ids("agency=" + agency + "&to=" + t0.plusSeconds(60)));
        assertEquals(ids(events, 2), ids("actor=" + s2 + "&reportId=" + r2 + "&action=DELIVERY_FAILED"
                + "&outcome=FAILURE&agency=" + agency + "&from=" + t0 + "&to=" + t0.plusSeconds(300)));
        assertEquals(List.of(), ids("agency=" + agency + "&action=RECALL_SENT"));
        // a bound finer than the log's microseconds selects what it says: the driver rounded it to the nearest one,
        // which left out the event at t0 + 60 s below an exclusive bound 0.4 µs later and let it in above an inclusive
        // one 0.4 µs later
        assertEquals(ids(events, 0, 1), ids("agency=" + agency + "&to=" + t0.plusSeconds(60).plusNanos(400)));
        assertEquals(ids(events, 2, 3, 4), ids("agency=" + agency + "&from=" + t0.plusSeconds(60).plusNanos(400)));
    }

    /**
     * An auditor's next review starts after the last event the previous one read: {@code afterSeq} takes what audit
     * recorded since, an event that occurred inside a window already reviewed (it reached audit late) included, which
     * {@code from} on the time it occurred left out. The list and the export take it alike.
     */
    /**
     * A CN auditor reviewing what became of CN-GACC's reports: sharing-service logs their decisions and deliveries
     * as itself, so the actor's agency finds only the submissions.
     */
    @Test
    void originAgencyTakesEveryEventAboutTheReportsThatAgencySubmitted() {
        String agency = unique("O");
        String otherAgency = unique("R");
        String ours = UUID.randomUUID().toString();
        String theirs = UUID.randomUUID().toString();
        Instant t0 = Instant.now();
        // sharing may log a report's decision before intake's receipt reaches audit
        List<Map<String, Object>> bySharing = List.of(
                sharing(forPartner("US-CBP", event("RELEASE_DECIDED", "SUCCESS", "cnx-sharing", null, ours, t0))),
                sharing(forPartner("US-CBP", event("RELEASE_DECIDED", "SUCCESS", "cnx-sharing", null, theirs, t0))),
                // an event naming the agency as its actor, about another agency's report
                sharing(event("RELEASE_APPROVED", "SUCCESS", "officer-1", agency, theirs, t0)));
        post(sharingToken(), bySharing).then().statusCode(200);
        List<Map<String, Object>> byIntake = List.of(
                event("REPORT_RECEIVED", "SUCCESS", "partner-1", agency, ours, t0),
                event("REPORT_RECEIVED", "SUCCESS", "partner-2", otherAgency, theirs, t0),
                event("REPORT_WITHDRAWN", "SUCCESS", "partner-1", agency, ours, t0));
        post(intakeToken(), byIntake).then().statusCode(200);
        Map<String, Object> delivered = sharing(forPartner("US-CBP",
                event("DELIVERY_SUCCEEDED", "SUCCESS", "cnx-sharing", null, ours, t0)));
        post(sharingToken(), List.of(delivered)).then().statusCode(200);

        List<String> expected = List.of((String) bySharing.get(0).get("eventId"),
                (String) byIntake.get(0).get("eventId"), (String) byIntake.get(2).get("eventId"),
                (String) delivered.get("eventId"));
        assertEquals(expected, ids("originAgency=" + agency));
        assertEquals(List.of(expected.get(0), expected.get(3)), ids("originAgency=" + agency + "&partner=US-CBP"));
        // a receipt only intake logs: another producer claiming one for the agency does not make the report its own
        Map<String, Object> claimed = sharing(event("REPORT_RECEIVED", "SUCCESS", "x", agency, theirs, t0));
        post(sharingToken(), List.of(claimed)).then().statusCode(200);
        assertEquals(expected, ids("originAgency=" + agency));
        assertEquals(ids(List.of(bySharing.get(1), bySharing.get(2), byIntake.get(1), claimed), 0, 1, 2, 3),
                ids("originAgency=" + otherAgency));
        assertEquals(List.of(), ids("originAgency=" + unique("N")));
        String export = given().header("Authorization", "Bearer " + auditor)
                .get(EVENTS + "/export?format=ndjson&originAgency=" + agency).then().statusCode(200)
                .extract().asString();
        assertEquals(expected, export.lines().map(line -> JsonPath.from(line).getString("eventId")).toList());

        // intake's relay late: a decision recorded before its report's receipt is new to the review after the receipt
        String late = UUID.randomUUID().toString();
        Map<String, Object> decidedEarly = sharing(event("RELEASE_DECIDED", "SUCCESS", "cnx-sharing", null, late, t0));
        post(sharingToken(), List.of(decidedEarly)).then().statusCode(200);
        assertEquals(expected, ids("originAgency=" + agency));
        long reviewed = TestEvents.logSize(db);
        Map<String, Object> receivedLate = event("REPORT_RECEIVED", "SUCCESS", "partner-1", agency, late, t0);
        post(intakeToken(), List.of(receivedLate)).then().statusCode(200);
        List<String> sinceReview = ids(List.of(decidedEarly, receivedLate), 0, 1);
        assertEquals(sinceReview, ids("originAgency=" + agency + "&afterSeq=" + reviewed));
        assertEquals(sinceReview, given().header("Authorization", "Bearer " + auditor)
                .get(EVENTS + "/export?format=ndjson&originAgency=" + agency + "&afterSeq=" + reviewed).then()
                .statusCode(200).extract().asString().lines().map(line -> JsonPath.from(line).getString("eventId"))
                .toList());
    }

    private static Map<String, Object> sharing(Map<String, Object> event) {
        event.put("service", "sharing");
        return event;
    }

    @Test
    void afterSeqTakesWhatWasRecordedSinceTheLastReviewHoweverLateItOccurred() {
        String agency = unique("S");
        Instant t0 = Instant.parse("2024-06-01T10:00:00Z");
        List<Map<String, Object>> reviewed = List.of(
                event("REPORT_RECEIVED", "SUCCESS", "s1", agency, null, t0),
                event("REPORT_RECEIVED", "SUCCESS", "s1", agency, null, t0.plusSeconds(60)));
        post(intakeToken(), reviewed).then().statusCode(200).body("appended", equalTo(2));
        List<Integer> seqs = get("agency=" + agency).getList("items.seq");
        long lastReviewed = seqs.get(seqs.size() - 1);
        // then: one that occurred before the last reviewed one, held up on its way, and one after it
        List<Map<String, Object>> since = List.of(
                event("DELIVERY_FAILED", "FAILURE", "s2", agency, null, t0.plusSeconds(30)),
                event("REPORT_RECEIVED", "SUCCESS", "s1", agency, null, t0.plusSeconds(90)));
        post(intakeToken(), since).then().statusCode(200).body("appended", equalTo(2));

        assertEquals(ids(since, 0, 1), ids("agency=" + agency + "&afterSeq=" + lastReviewed));
        assertEquals(ids(since, 0), ids("agency=" + agency + "&afterSeq=" + lastReviewed + "&action=DELIVERY_FAILED"));
        List<String> all = new ArrayList<>(ids(reviewed, 0, 1));
        all.addAll(ids(since, 0, 1));
        assertEquals(all, ids("agency=" + agency + "&afterSeq=0"));
        List<String> exported = given().header("Authorization", "Bearer " + auditor)
                .get(EVENTS + "/export?format=ndjson&agency=" + agency + "&afterSeq=" + lastReviewed).then()
                .statusCode(200).extract().asString().lines()
                .map(line -> JsonPath.from(line).getString("eventId")).toList();
        assertEquals(ids(since, 0, 1), exported);
        // a page's cursor goes on from where the page ended, not back to afterSeq
        JsonPath first = get("agency=" + agency + "&afterSeq=" + lastReviewed + "&limit=1");
        assertEquals(ids(since, 0), first.getList("items.eventId"));
        assertEquals(ids(since, 1), get("agency=" + agency + "&afterSeq=" + lastReviewed + "&limit=1&after="
                + first.getString("next")).getList("items.eventId"));
    }

    @Test
    void paginationWalksEveryEventOnceInLogOrder() {
        String agency = unique("P");
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            events.add(event("DELIVERY_ATTEMPTED", "SUCCESS", "relay", agency, null, Instant.now()));
        }
        post(intakeToken(), events).then().statusCode(200).body("appended", equalTo(7));

        List<String> seen = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String next = null;
        do {
            JsonPath page = get("agency=" + agency + "&limit=3" + (next == null ? "" : "&after=" + next));
            List<String> items = page.getList("items.eventId");
            pageSizes.add(items.size());
            seen.addAll(items);
            page.getList("items.seq", Number.class).forEach(n -> seqs.add(n.longValue()));
            next = page.getString("next");
        } while (next != null && pageSizes.size() < 10);

        assertEquals(List.of(3, 3, 1), pageSizes);
        assertEquals(ids(events, 0, 1, 2, 3, 4, 5, 6), seen);
        assertEquals(7, new HashSet<>(seen).size(), "no event on two pages");
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > seqs.get(i - 1), "seq ascending across pages: " + seqs);
        }

        // a page that ends exactly at the last event says so
        JsonPath exact = get("agency=" + agency + "&limit=7");
        assertEquals(7, exact.getList("items").size());
        assertNull(exact.getString("next"));
    }

    /**
     * Each page appends its own AUDIT_QUERIED event, which an auditor's filter on their own reads matches: a walk
     * one event a page found one more on every page and never ended. It covers the log as it was at its first page.
     */
    @Test
    void aWalkEndsThoughEachPageLogsAnEventItMatches() {
        String sub = unique("auditor-walk");
        String own = auditorToken(sub);
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", "Bearer " + own).get(EVENTS + "?limit=1").then().statusCode(200);
        }
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            JsonPath page = given().header("Authorization", "Bearer " + own)
                    .get(EVENTS + "?actor=" + sub + "&limit=1" + (next == null ? "" : "&after=" + next))
                    .then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.eventId"));
            next = page.getString("next");
        } while (next != null && ++pages < 10);

        assertNull(next, "the walk ended");
        assertEquals(2, seen.size(), "the two reads logged before the walk began: " + seen);
        // the walk's own reads are there for the next walk
        assertEquals(4, get("actor=" + sub + "&limit=10").getList("items").size());
    }

    /** A cursor of the earlier form (a seq alone) still continues a walk; one ahead of its own bound is refused. */
    @Test
    void earlierCursorsAreReadAndInconsistentOnesRefused() {
        String agency = unique("C");
        post(intakeToken(), List.of(event("REPORT_RECEIVED", "SUCCESS", "u", agency, null, Instant.now()),
                event("REPORT_RECEIVED", "SUCCESS", "u", agency, null, Instant.now()))).then().statusCode(200);
        List<Long> seqs = get("agency=" + agency).getList("items.seq", Long.class);
        String legacy = cursor(Long.toString(seqs.get(0)));
        assertEquals(List.of(seqs.get(1)),
                get("agency=" + agency + "&after=" + legacy).getList("items.seq", Long.class));

        for (String text : List.of(seqs.get(1) + "." + seqs.get(0), "1.", ".5", "1.2.3")) {
            given().header("Authorization", "Bearer " + auditor).get(EVENTS + "?after=" + cursor(text))
                    .then().statusCode(400).body("type", org.hamcrest.Matchers.endsWith("invalid-cursor"));
        }
    }

    private static String cursor(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void defaultPageIsFiftyWithACursorToTheRest() {
        String agency = unique("D");
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 55; i++) {
            events.add(event("REPORT_RECEIVED", "SUCCESS", "u", agency, null, Instant.now()));
        }
        post(intakeToken(), events).then().statusCode(200);

        JsonPath first = get("agency=" + agency);
        assertEquals(50, first.getList("items").size());
        assertNotNull(first.getString("next"));
        JsonPath rest = get("agency=" + agency + "&after=" + first.getString("next"));
        assertEquals(5, rest.getList("items").size());
        assertNull(rest.getString("next"));
    }

    @Test
    void invalidParametersAre400Problems() {
        // JAX-RS's own refusal said nothing but its status
        given().header("Authorization", "Bearer " + auditor).accept("application/xml").get(EVENTS).then()
                .statusCode(406).contentType("application/problem+json")
                .body("detail", equalTo("The Accept header (application/xml) admits no type this endpoint answers in."));
        for (String query : List.of("limit=101", "limit=0", "limit=ten", "after=not-a-cursor", "action=REPORT_EATEN",
                "outcome=success", "from=yesterday", "to=2026-13-01T00:00:00Z", "reportId=42",
                "from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", "afterSeq=-1", "afterSeq=1e3")) {
            given().header("Authorization", "Bearer " + auditor).get(EVENTS + "?" + query)
                    .then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400));
        }
        // each says what it accepts: "is not valid" left an auditor guessing at the spelling of an action
        Map<String, String> accepted = Map.of(
                "action=report_received", "'action' must be one of " + Arrays.toString(Action.values())
                        + ": report_received.",
                "outcome=success", "'outcome' must be one of [SUCCESS, FAILURE, DENIED]: success.",
                "reportId=42", "'reportId' must be a UUID: 42.",
                "from=yesterday", "'from' must be an ISO-8601 instant such as 2026-11-01T00:00:00Z: yesterday.",
                // a "+08:00" typed into a URL arrives as a space: said so, where a CN auditor was told offsets fail
                "to=2026-11-01T08:00:00 08:00", "'to' must be an ISO-8601 instant such as 2026-11-01T00:00:00Z (a + in "
                        + "a URL is a space: write it %2B, 2026-11-01T08:00:00%2B08:00): 2026-11-01T08:00:00 08:00.",
                // a space for the T is no offset: no such hint
                "from=2026-11-01 08:00", "'from' must be an ISO-8601 instant such as 2026-11-01T00:00:00Z: "
                        + "2026-11-01 08:00.",
                "limit=ten", "'limit' must be a whole number between 1 and 100: ten.",
                "limit=101", "'limit' must be a whole number between 1 and 100: 101.",
                "afterSeq=-1", "'afterSeq' must be a whole number, 0 or more (an event's seq): -1.");
        accepted.forEach((query, detail) -> {
            given().header("Authorization", "Bearer " + auditor).get(EVENTS + "?" + query).then().statusCode(400)
                    .body("detail", equalTo("Query parameter " + detail));
            if (!query.startsWith("limit")) {
                given().header("Authorization", "Bearer " + auditor).get(EVENTS + "/export?format=csv&" + query)
                        .then().statusCode(400).body("detail", equalTo("Query parameter " + detail));
            }
        });
        // JAX-RS reads a repeated parameter's first value alone: the second action was dropped unsaid
        for (String path : List.of(EVENTS, EVENTS + "/export?format=ndjson")) {
            given().header("Authorization", "Bearer " + auditor)
                    .queryParam("action", "DELIVERY_FAILED", "DELIVERY_DEAD").get(path).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("Query parameter 'action' is given 2 times; it takes one value."));
        }
        // JAX-RS ignores a name it binds to nothing: a typo exported the whole log, a limit on the export was dropped
        given().header("Authorization", "Bearer " + auditor).get(EVENTS + "/export?format=csv&acton=ACCESS_DENIED")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("Query parameter 'acton' is not one this endpoint reads; it reads format, "
                        + "from, to, action, agency, originAgency, actor, reportId, partner, outcome, afterSeq."));
        given().header("Authorization", "Bearer " + auditor).get(EVENTS + "/export?format=ndjson&limit=10").then()
                .statusCode(400).body("detail", startsWith("Query parameter 'limit' is not one this endpoint reads"));
        given().header("Authorization", "Bearer " + auditor).get(EVENTS + "?deliveryId=" + UUID.randomUUID()).then()
                .statusCode(400).body("detail", equalTo("Query parameter 'deliveryId' is not one this endpoint "
                        + "reads; it reads from, to, action, agency, originAgency, actor, reportId, partner, outcome, "
                        + "afterSeq, after, limit."));
        // nor one to an endpoint that reads none
        given().header("Authorization", "Bearer " + auditor).post("/api/v1/log/checkpoints?size=1").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("Query parameter 'size' is not one this endpoint reads; it reads none."));
        // past PostgreSQL's timestamps (4713 BC to 294276 AD): it answered a 500
        for (String name : List.of("from", "to")) {
            given().header("Authorization", "Bearer " + auditor).queryParam(name, "+999999999-12-31T23:59:59Z")
                    .get(EVENTS).then().statusCode(400).contentType("application/problem+json")
                    .body("detail", equalTo("Query parameter '" + name + "' must be an instant from "
                            + "1583-01-01T00:00:00Z to 9999-12-31T23:59:59Z: +999999999-12-31T23:59:59Z."));
            given().header("Authorization", "Bearer " + auditor).queryParam(name, "-999999999-01-01T00:00:00Z")
                    .get(EVENTS + "/export?format=ndjson").then().statusCode(400);
        }
        // no stored event holds U+0000, and PostgreSQL cannot compare with it: it once answered a 500
        for (String name : List.of("agency", "originAgency", "actor", "partner")) {
            given().header("Authorization", "Bearer " + auditor).queryParam(name, "US\u0000CBP").get(EVENTS)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("detail", equalTo("Query parameter '" + name
                            + "' must not contain the NUL character (U+0000)."));
            given().header("Authorization", "Bearer " + auditor).queryParam(name, "US\u0000CBP")
                    .get(EVENTS + "/export?format=csv").then().statusCode(400);
        }
        given().header("Authorization", "Bearer " + auditor).get(EVENTS + "?limit=100").then().statusCode(200);
        given().header("Authorization", "Bearer " + auditor)
                .get(EVENTS + "?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z").then().statusCode(400)
                .body("detail", equalTo("Query parameter 'from' must not be after 'to' (2026-11-01T00:00:00Z)."));
        // nor when both fall within one microsecond, the log's finest: they were compared taken up to the next one
        given().header("Authorization", "Bearer " + auditor)
                .get(EVENTS + "?from=2026-11-01T00:00:00.0000004Z&to=2026-11-01T00:00:00.0000002Z").then()
                .statusCode(400).body("detail", equalTo("Query parameter 'from' must not be after 'to' "
                        + "(2026-11-01T00:00:00.0000002Z)."));
        // an empty range, from = to, is a question with an answer: none
        given().header("Authorization", "Bearer " + auditor)
                .get(EVENTS + "?from=2026-11-01T00:00:00Z&to=2026-11-01T00:00:00Z").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void everyReadIsItselfLoggedWithTheAuditorsIdentityAndFilter() {
        String sub = unique("auditor");
        String token = auditorToken(sub);
        String agency = unique("Q");

        given().header("Authorization", "Bearer " + token)
                .get(EVENTS + "?action=DELIVERY_FAILED&agency=" + agency + "&limit=5")
                .then().statusCode(200).body("items", empty());

        JsonPath audit = given().header("Authorization", "Bearer " + token)
                .get(EVENTS + "?action=AUDIT_QUERIED&actor=" + sub)
                .then().statusCode(200).body("next", nullValue()).extract().jsonPath();
        assertEquals(1, audit.getList("items").size(), "the first read, not yet this one");
        assertEquals("audit", audit.getString("items[0].service"));
        assertEquals("AUDIT_QUERIED", audit.getString("items[0].action"));
        assertEquals("SUCCESS", audit.getString("items[0].outcome"));
        assertEquals(Map.of("sub", sub, "agency", "US-DEA", "roles", List.of("auditor")),
                audit.getMap("items[0].actor"));
        assertEquals(Map.of("action", "DELIVERY_FAILED", "agency", agency, "limit", 5),
                audit.getMap("items[0].details"));

        JsonPath again = given().header("Authorization", "Bearer " + token)
                .get(EVENTS + "?action=AUDIT_QUERIED&actor=" + sub)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(2, again.getList("items").size(), "the second read is logged too");
        assertEquals(Map.of("action", "AUDIT_QUERIED", "actor", sub, "limit", 50), again.getMap("items[1].details"));
        assertGapFree(db);
    }

    /**
     * What the list and the export show of an event is the text the log hashed, whatever a column beside it says:
     * an agency and a partner changed in their columns by someone with the database's keys were shown as the event's
     * (verification names such a column; the view did not).
     */
    @Test
    void theListAndTheExportShowTheLoggedEventNotAChangedColumn() throws Exception {
        String reportId = UUID.randomUUID().toString();
        TestEvents.post(TestEvents.intakeToken(), List.of(forPartner("US-CBP", event("REPORT_RECEIVED", "SUCCESS",
                "sub-leaf", "CN-GACC", reportId, Instant.now())))).then().statusCode(200);
        String changed = "UPDATE audit_event SET actor_agency = '%s', partner = '%s' WHERE report_id = '%s'";
        TestDb.tamper(s -> s.executeUpdate(changed.formatted("US-DEA", "US-HSI", reportId)));
        try {
            JsonPath page = get("reportId=" + reportId);
            assertEquals(List.of("CN-GACC"), page.getList("items.actor.agency"));
            assertEquals(List.of("US-CBP"), page.getList("items.subject.partner"));
            String csv = given().header("Authorization", "Bearer " + auditor)
                    .get(EVENTS + "/export?format=csv&reportId=" + reportId).then().statusCode(200).extract()
                    .asString();
            assertTrue(csv.contains(",CN-GACC,") && csv.contains(",US-CBP,") && !csv.contains("US-DEA")
                    && !csv.contains("US-HSI"), csv);
        } finally {
            TestDb.tamper(s -> s.executeUpdate(changed.formatted("CN-GACC", "US-CBP", reportId)));
        }
        // a row whose text is no event (a junk row, which verification names) is shown from its columns: it failed
        // every page and export covering it, so that the auditor could not look at the row verification named; so
        // did one whose service column names no service, or whose roles column is no list
        String[] logged = new String[3];
        TestDb.tamper(s -> {
            try (var rs = s.executeQuery("SELECT canonical, service, actor_roles FROM audit_event WHERE report_id = '"
                    + reportId + "'")) {
                rs.next();
                for (int i = 0; i < logged.length; i++) {
                    logged[i] = rs.getString(i + 1).replace("'", "''");
                }
            }
        });
        String junk = "UPDATE audit_event SET canonical = '%s', service = '%s', actor_roles = '%s' "
                + "WHERE report_id = '%s'";
        TestDb.tamper(s -> s.executeUpdate(junk.formatted("{\"outcome\":\"OK\",\"extra\":1}", "bogus", "{\"a\":1}",
                reportId)));
        try {
            JsonPath page = get("reportId=" + reportId);
            assertEquals(List.of("CN-GACC"), page.getList("items.actor.agency"));
            assertEquals(Collections.singletonList(null), page.getList("items.service"));
            given().header("Authorization", "Bearer " + auditor).get(EVENTS + "/export?format=csv&reportId=" + reportId)
                    .then().statusCode(200).body(containsString(",CN-GACC,"));
        } finally {
            TestDb.tamper(s -> s.executeUpdate(junk.formatted(logged[0], logged[1], logged[2], reportId)));
        }
    }
}
