package org.cnx.audit.event;

import static io.restassured.RestAssured.given;
import static org.cnx.audit.TestEvents.EVENTS;
import static org.cnx.audit.TestEvents.assertGapFree;
import static org.cnx.audit.TestEvents.auditorToken;
import static org.cnx.audit.TestEvents.canonical;
import static org.cnx.audit.TestEvents.event;
import static org.cnx.audit.TestEvents.intakeToken;
import static org.cnx.audit.TestEvents.logSize;
import static org.cnx.audit.TestEvents.logged;
import static org.cnx.audit.TestEvents.post;
import static org.cnx.audit.TestEvents.sharingToken;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.audit.TestDb;
import org.cnx.audit.TestEvents;
import org.cnx.audit.TestKeys;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** {@code POST /internal/v1/events}: batch append, idempotency, gap-free numbering, refusal of bad batches. */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class EventAppendTest {

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Inject
    DataSource db;

    /**
     * Another replica froze (or lost its node) in the middle of an append, holding the log's lock with nothing sent to
     * close its session: every append waited on it for hours, until TCP keepalive gave up. The server now ends a
     * session idle in a transaction, as the service's own connections ask it to.
     */
    @Test
    void anAppendFrozenInAnotherReplicaHoldsTheLogOnlyUntilTheServerEndsItsSession() throws Exception {
        Properties replica = new Properties();
        replica.setProperty("user", "audit");
        replica.setProperty("password", "audit");
        replica.setProperty("options", ConfigProvider.getConfig()
                .getValue("quarkus.datasource.jdbc.additional-jdbc-properties.options", String.class));
        try (Connection own = db.getConnection(); Statement s = own.createStatement();
                ResultSet rs = s.executeQuery("SHOW idle_in_transaction_session_timeout")) {
            rs.next();
            assertEquals("3s", rs.getString(1), "the service's own connections ask for it");
            // and the other way round, a database host gone without a word leaves no read waiting for good
            assertEquals(300_000, own.getNetworkTimeout(), "a read waits 5 minutes at most");
        }
        long before = logSize(db);
        try (Connection frozen = DriverManager.getConnection(TestDb.URL, replica);
                Statement s = frozen.createStatement()) {
            frozen.setAutoCommit(false);
            s.executeQuery("SELECT size FROM log_state FOR UPDATE").close();
            long start = System.nanoTime();
            post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200)
                    .body("appended", equalTo(1));
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(waited.compareTo(Duration.ofSeconds(2)) > 0, "it did wait for the lock: " + waited);
            assertFalse(stillOpen(frozen), "the frozen session was ended");
        }
        assertEquals(before + 1, logSize(db));
    }

    private static boolean stillOpen(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException ended) {
            return false;
        }
    }

    @Test
    void appendedBatchIsListedInOrderWithEverythingTheProducerSent() {
        String reportId = UUID.randomUUID().toString();
        Map<String, Object> received = event("intake", "REPORT_RECEIVED");
        received.put("occurredAt", "2026-03-01T12:00:00.123456Z");
        received.put("subject", Map.of("reportId", reportId));
        received.put("payloadSha256", SHA);
        received.put("details", new LinkedHashMap<>(Map.of("type", "SEIZURE", "tlp", "AMBER",
                "nested", Map.of("z", 1, "a", List.of(true, 2.5)))));
        Map<String, Object> rejected = event("intake", "REPORT_REJECTED");
        rejected.put("subject", Map.of("reportId", reportId));
        rejected.put("outcome", "FAILURE");
        Map<String, Object> denied = event("intake", "ACCESS_DENIED");
        denied.put("actor", Map.of("sub", "user-cn-gacc-partner", "agency", "CN-GACC"));
        denied.put("subject", Map.of("reportId", reportId, "partner", "CN-GACC"));
        denied.put("outcome", "DENIED");

        post(intakeToken(), List.of(received, rejected, denied)).then()
                .statusCode(200)
                .body("appended", equalTo(3))
                .body("duplicates", equalTo(0));

        JsonPath page = given().header("Authorization", "Bearer " + auditorToken("auditor-1"))
                .queryParam("reportId", reportId)
                .get(EVENTS).then().statusCode(200).contentType(ContentType.JSON)
                .body("items.eventId", contains(received.get("eventId"), rejected.get("eventId"), denied.get("eventId")))
                .body("next", nullValue())
                .extract().jsonPath();

        long seq = page.getLong("items[0].seq");
        assertEquals(seq + 1, page.getLong("items[1].seq"));
        assertEquals(seq + 2, page.getLong("items[2].seq"));
        assertEquals("2026-03-01T12:00:00.123456Z", page.getString("items[0].occurredAt"));
        assertTrue(page.getString("items[0].recordedAt").endsWith("Z"));
        assertEquals("intake", page.getString("items[0].service"));
        assertEquals("REPORT_RECEIVED", page.getString("items[0].action"));
        assertEquals(Map.of("sub", "user-us-cbp-partner", "agency", "US-CBP", "roles", List.of("partner")),
                page.getMap("items[0].actor"));
        assertEquals(Map.of("reportId", reportId), page.getMap("items[0].subject"));
        assertEquals("SUCCESS", page.getString("items[0].outcome"));
        assertEquals(SHA, page.getString("items[0].payloadSha256"));
        assertEquals("SEIZURE", page.getString("items[0].details.type"));
        assertEquals(List.of(true, 2.5f), page.getList("items[0].details.nested.a"));
        assertEquals("FAILURE", page.getString("items[1].outcome"));
        assertFalse(page.getMap("items[1]").containsKey("payloadSha256"), "absent fields stay absent");
        assertEquals(Map.of("sub", "user-cn-gacc-partner", "agency", "CN-GACC"), page.getMap("items[2].actor"));
        assertEquals(Map.of("reportId", reportId, "partner", "CN-GACC"), page.getMap("items[2].subject"));
        assertEquals("DENIED", page.getString("items[2].outcome"));
    }

    @Test
    void everyStepSharingRecordsIsAnActionTheLogTakes() {
        // sharing-service's actions (RecallService, ReleaseService, DeliveryOutcomes, ...): one the log refused
        // would hold back only itself at sharing's relay, but would never reach the log
        List<String> actions = List.of("RELEASE_DECIDED", "RELEASE_APPROVED", "RELEASE_REJECTED", "RELEASE_CANCELLED",
                "DELIVERY_ATTEMPTED", "DELIVERY_SUCCEEDED", "DELIVERY_FAILED", "DELIVERY_DEAD", "DELIVERY_REQUEUED",
                "RECALL_SENT", "POLICY_CHANGED", "PARTNER_CHANGED");
        post(sharingToken(), actions.stream().map(a -> event("sharing", a)).toList()).then()
                .statusCode(200).body("appended", equalTo(actions.size()));
    }

    @Test
    void eachEventIsStoredAsCanonicalJsonWithoutSeqOrRecordedAt() {
        String eventId = UUID.randomUUID().toString();
        String reportId = UUID.randomUUID().toString();
        String body = "[{\"service\": \"intake\", \"eventId\": \"" + eventId + "\", \"action\": \"REPORT_RECEIVED\","
                + " \"occurredAt\": \"2026-03-01T12:00:00.000Z\", \"outcome\": \"SUCCESS\","
                + " \"actor\": {\"sub\": \"u1\", \"roles\": [\"partner\"], \"agency\": \"US-CBP\"},"
                + " \"subject\": {\"reportId\": \"" + reportId + "\"}, \"payloadSha256\": \"" + SHA + "\","
                + " \"details\": {\"tlp\": \"AMBER\", \"b\": {\"y\": 1, \"x\": [2, \"é\\n\"]}}}]";
        post(intakeToken(), body).then().statusCode(200).body("appended", equalTo(1));

        assertEquals("{\"action\":\"REPORT_RECEIVED\",\"actor\":{\"agency\":\"US-CBP\",\"roles\":[\"partner\"],"
                + "\"sub\":\"u1\"},\"details\":{\"b\":{\"x\":[2,\"é\\n\"],\"y\":1},\"tlp\":\"AMBER\"},"
                + "\"eventId\":\"" + eventId + "\",\"occurredAt\":\"2026-03-01T12:00:00Z\",\"outcome\":\"SUCCESS\","
                + "\"payloadSha256\":\"" + SHA + "\",\"service\":\"intake\",\"subject\":{\"reportId\":\""
                + reportId + "\"}}", canonical(db, eventId));
    }

    @Test
    void resentEventsAreSkippedAndTheLogStaysGapFree() {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(event("sharing", "DELIVERY_ATTEMPTED"));
        }
        post(sharingToken(), batch).then().statusCode(200)
                .body("appended", equalTo(4)).body("duplicates", equalTo(0));
        long size = logSize(db);

        post(sharingToken(), batch).then().statusCode(200)
                .body("appended", equalTo(0)).body("duplicates", equalTo(4));
        assertEquals(size, logSize(db), "a re-sent batch must not grow the log");

        Map<String, Object> fresh = event("sharing", "DELIVERY_SUCCEEDED");
        post(sharingToken(), List.of(batch.get(0), fresh, batch.get(1), fresh)).then().statusCode(200)
                .body("appended", equalTo(1)).body("duplicates", equalTo(3));
        assertEquals(size + 1, logSize(db));
        assertGapFree(db);

        // the same event id with other content: a producer may not rewrite, nor add a second version of, what it
        // logged; acknowledged as a duplicate, the second version was deleted from the producer's outbox and lost
        // without a trace. It is refused (with what came with it), and stays in the outbox, which splits the batch.
        String logged = canonical(db, batch.get(2).get("eventId"));
        Map<String, Object> rewritten = new LinkedHashMap<>(batch.get(2));
        rewritten.put("action", "DELIVERY_SUCCEEDED");
        rewritten.put("details", Map.of("attempt", 9));
        Map<String, Object> withIt = event("sharing", "DELIVERY_SUCCEEDED");
        post(sharingToken(), List.of(withIt, rewritten)).then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/event-id-reused"))
                .body("errors[0].pointer", equalTo("/1/eventId"))
                .body("errors[0].message", equalTo("event " + batch.get(2).get("eventId") + " is logged with other "
                        + "content"));
        assertEquals(logged, canonical(db, batch.get(2).get("eventId")));
        assertEquals(size + 1, logSize(db), "nothing of the batch was appended");
        // sent alone, what came with it goes in
        post(sharingToken(), List.of(withIt)).then().statusCode(200).body("appended", equalTo(1));
        // twice in one batch, with two contents: the same
        Map<String, Object> twice = event("sharing", "DELIVERY_ATTEMPTED");
        Map<String, Object> otherwise = new LinkedHashMap<>(twice);
        otherwise.put("details", Map.of("attempt", 2));
        post(sharingToken(), List.of(twice, otherwise)).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/1/eventId"));
        assertEquals(size + 2, logSize(db));
        assertGapFree(db);
    }

    @Test
    void emptyBatchAppendsNothing() {
        post(intakeToken(), List.of()).then().statusCode(200)
                .body("appended", equalTo(0)).body("duplicates", equalTo(0));
    }

    @Test
    void invalidBatchIsRefusedWholeWithAPointerPerProblem() {
        Map<String, Object> valid = event("intake", "REPORT_RECEIVED");
        Map<String, Object> badAction = event("intake", "REPORT_EATEN");
        Map<String, Object> noEventId = event("intake", "REPORT_RECEIVED");
        noEventId.remove("eventId");
        Map<String, Object> serverOwnedSeq = event("intake", "REPORT_RECEIVED");
        serverOwnedSeq.put("seq", 1);
        Map<String, Object> localTime = event("intake", "REPORT_RECEIVED");
        localTime.put("occurredAt", "2026-03-01T12:00:00+08:00");
        Map<String, Object> badHash = event("intake", "REPORT_RECEIVED");
        badHash.put("payloadSha256", "ABC");
        Map<String, Object> noActorSub = event("intake", "REPORT_RECEIVED");
        noActorSub.put("actor", Map.of("agency", "US-CBP"));
        Map<String, Object> detailsNotObject = event("intake", "REPORT_RECEIVED");
        detailsNotObject.put("details", List.of(1, 2));
        Map<String, Object> badReportId = event("intake", "REPORT_RECEIVED");
        badReportId.put("subject", Map.of("reportId", "not-a-uuid"));
        Map<String, Object> ordinalOutcome = event("intake", "REPORT_RECEIVED");
        ordinalOutcome.put("outcome", 0);
        long size = logSize(db);

        post(intakeToken(), List.of(valid, badAction, noEventId, serverOwnedSeq, localTime, badHash, noActorSub,
                detailsNotObject, badReportId, ordinalOutcome)).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.pointer", contains("/1/action", "/2/eventId", "/3/seq", "/4/occurredAt",
                        "/5/payloadSha256", "/6/actor/sub", "/7/details", "/8/subject/reportId", "/9/outcome"))
                .body("errors[0].message", startsWith("must be one of [REPORT_RECEIVED"))
                .body("errors.message", hasSize(9));

        assertEquals(size, logSize(db), "nothing of an invalid batch may be appended");
        assertFalse(logged(db, valid.get("eventId")));
    }

    @Test
    void anEventWithTheNulCharacterIsRefusedWithItsPointerAndTheRestOfTheLogGoesOn() {
        // PostgreSQL stores no U+0000: such an event once failed its insert with a 500, and its batch with it, at
        // every retry of the sender's outbox, which only splits a batch the receiver refuses with a 400
        Map<String, Object> valid = event("intake", "REPORT_REJECTED");
        Map<String, Object> nulValue = event("intake", "REPORT_REJECTED");
        nulValue.put("details", Map.of("reason", "a\u0000b"));
        Map<String, Object> nulName = event("intake", "REPORT_REJECTED");
        nulName.put("details", Map.of("errors", List.of(Map.of("pointer", "/x", "x\u0000y", 1))));
        long size = logSize(db);

        post(intakeToken(), List.of(valid, nulValue, nulName)).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", contains("/1/details/reason", "/2/details/errors/0/x\u0000y"))
                .body("errors[0].message", equalTo(EventBatchParser.NUL))
                .body("errors[1].message", equalTo(EventBatchParser.NUL_IN_NAME));
        assertEquals(size, logSize(db));

        // the six characters of the escape, written as text, are ordinary text
        Map<String, Object> escapeAsText = event("intake", "REPORT_REJECTED");
        escapeAsText.put("details", Map.of("reason", "\\u0000 is how JSON writes it"));
        post(intakeToken(), List.of(valid, escapeAsText)).then().statusCode(200).body("appended", equalTo(2));
        assertTrue(logged(db, escapeAsText.get("eventId")));
    }

    /** {@code event} as JSON text, with {@code marker} (a string in it) replaced by {@code raw} JSON text. */
    private static String withRaw(Map<String, Object> event, String marker, String raw) throws Exception {
        return new ObjectMapper().writeValueAsString(event).replace("\"" + marker + "\"", raw);
    }

    @Test
    void anEventTheLogWouldStoreOrHashOtherwiseThanSentIsRefusedWithItsPointer() throws Exception {
        Map<String, Object> loneHalf = event("sharing", "DELIVERY_FAILED");
        loneHalf.put("details", Map.of("reason", "HALF"));
        Map<String, Object> loneHalfInName = event("sharing", "DELIVERY_FAILED");
        loneHalfInName.put("details", Map.of("NAME", 1));
        Map<String, Object> huge = event("sharing", "DELIVERY_FAILED");
        huge.put("details", Map.of("attempts", List.of(1, "HUGE")));
        Map<String, Object> farFuture = event("sharing", "DELIVERY_FAILED");
        farFuture.put("occurredAt", "+300000-01-01T00:00:00Z");
        Map<String, Object> julian = event("sharing", "DELIVERY_FAILED");
        julian.put("occurredAt", "1500-01-01T00:00:00Z");
        long size = logSize(db);

        String batch = "[" + String.join(",", withRaw(loneHalf, "HALF", "\"a\\ud800b\""),
                withRaw(loneHalfInName, "NAME", "\"x\\udc00\""), withRaw(huge, "HUGE", "1e400"),
                new ObjectMapper().writeValueAsString(farFuture), new ObjectMapper().writeValueAsString(julian)) + "]";
        // a 400 with a pointer: the sender's outbox holds back these events alone (it splits a refused batch); the
        // year 300000 failed the insert with a 500, and the batch at every retry; "\ud800" was stored and hashed as
        // "?", and 1e400 hashed as the text "Infinity"; 1500-01-01 was stored as 1500-01-10 (the driver wrote it in the
        // Julian calendar), and the log's verification failed at it for good
        given().header("Authorization", "Bearer " + sharingToken()).contentType(ContentType.JSON).body(batch)
                .post(TestEvents.APPEND).then().statusCode(400).contentType("application/problem+json")
                .body("errors.pointer", contains("/0/details/reason", "/1/details", "/2/details/attempts/1",
                        "/3/occurredAt", "/4/occurredAt"))
                .body("errors.message", contains(EventBatchParser.LONE_SURROGATE,
                        EventBatchParser.LONE_SURROGATE_IN_NAME, EventBatchParser.NOT_FINITE,
                        EventBatchParser.OUT_OF_RANGE, EventBatchParser.OUT_OF_RANGE));
        assertEquals(size, logSize(db));
        // a name twice in an object was hashed with its last value; what followed the batch was dropped unread
        String twice = new ObjectMapper().writeValueAsString(event("sharing", "DELIVERY_FAILED"))
                .replace("\"action\":", "\"details\":{\"a\":1,\"a\":2},\"action\":");
        String batchOfOne = new ObjectMapper().writeValueAsString(List.of(event("sharing", "DELIVERY_FAILED")));
        Map<String, String> refusals = Map.of("[" + twice + "]", "The body is not valid JSON: Duplicate field 'a'",
                batchOfOne + batchOfOne, "The body is not valid JSON: Trailing token (of type START_ARRAY) found "
                        + "after value");
        refusals.forEach((body, detail) -> given().header("Authorization", "Bearer " + sharingToken())
                .contentType(ContentType.JSON).body(body).post(TestEvents.APPEND).then().statusCode(400)
                .contentType("application/problem+json").body("detail", equalTo(detail)));
        assertEquals(size, logSize(db));

        // a whole surrogate pair, escaped, is a character (an emoji); a whole number of any size stays as sent; and
        // auditors read the details as the log hashed them: 1e7 as 1.0E7, which PostgreSQL's jsonb shows as 10000000
        Map<String, Object> emoji = event("intake", "REPORT_REJECTED");
        String reportId = UUID.randomUUID().toString();
        emoji.put("subject", Map.of("reportId", reportId));
        emoji.put("details", Map.of("reason", "PAIR", "bytes", "HUGE", "ratio", "TEN_MILLION"));
        String accepted = "[" + withRaw(emoji, "PAIR", "\"seized \\ud83d\\udc8a\"")
                .replace("\"HUGE\"", "123456789012345678901234567890").replace("\"TEN_MILLION\"", "1e7") + "]";
        given().header("Authorization", "Bearer " + intakeToken()).contentType(ContentType.JSON).body(accepted)
                .post(TestEvents.APPEND).then().statusCode(200).body("appended", equalTo(1));
        String hashed = canonical(db, emoji.get("eventId"));
        assertTrue(hashed.contains("\"details\":{\"bytes\":123456789012345678901234567890,\"ratio\":1.0E7,"
                + "\"reason\":\"seized \ud83d\udc8a\"}"), hashed);
        String listed = given().header("Authorization", "Bearer " + auditorToken("auditor-append"))
                .queryParam("reportId", reportId).get(EVENTS).then().statusCode(200).extract().asString();
        assertTrue(listed.contains("\"ratio\":1.0E7"), listed);
        assertTrue(listed.contains("\"bytes\":123456789012345678901234567890"), listed);
    }

    @Test
    void bodyThatIsNotAnArrayOfEventsIs400() {
        post(intakeToken(), event("intake", "REPORT_RECEIVED")).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].message", equalTo("must be a JSON array of events"));
        post(intakeToken(), "[{\"eventId\": ").then().statusCode(400)
                .contentType("application/problem+json").body("title", equalTo("Bad Request"));
        post(intakeToken(), "[null, 3]").then().statusCode(400)
                .body("errors.pointer", contains("/0", "/1"));
    }

    @Test
    void batchOverTheLimitIsRefused() {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            batch.add(event("intake", "REPORT_RECEIVED"));
        }
        long size = logSize(db);
        post(intakeToken(), batch).then().statusCode(400)
                .body("errors[0].message", startsWith("at most 1000 events"));
        assertEquals(size, logSize(db));

        post(intakeToken(), batch.subList(0, 1000)).then().statusCode(200).body("appended", equalTo(1000));
        assertEquals(size + 1000, logSize(db));
        assertGapFree(db);
    }

    @Test
    void aServiceMayOnlyAppendItsOwnEvents() {
        Map<String, Object> own = event("intake", "REPORT_RECEIVED");
        Map<String, Object> foreign = event("sharing", "RELEASE_DECIDED");
        Map<String, Object> auditOwn = event("audit", "AUDIT_QUERIED");
        long size = logSize(db);

        post(intakeToken(), List.of(own, foreign, auditOwn)).then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("errors.pointer", contains("/1/service", "/2/service"));
        assertEquals(size, logSize(db));
        assertFalse(logged(db, own.get("eventId")));

        post(sharingToken(), List.of(foreign)).then().statusCode(200).body("appended", equalTo(1));
    }

    @Test
    void concurrentBatchesGetDistinctGapFreeSequenceNumbers() throws Exception {
        List<String> ids = new ArrayList<>();
        List<List<Map<String, Object>>> batches = new ArrayList<>();
        for (int b = 0; b < 12; b++) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                Map<String, Object> event = event(b % 2 == 0 ? "intake" : "sharing", "DELIVERY_ATTEMPTED");
                batch.add(event);
                ids.add((String) event.get("eventId"));
            }
            batches.add(batch);
        }
        String intake = intakeToken();
        String sharing = sharingToken();
        long size = logSize(db);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int b = 0; b < batches.size(); b++) {
                List<Map<String, Object>> batch = batches.get(b);
                String token = b % 2 == 0 ? intake : sharing;
                results.add(pool.submit(() -> post(token, batch).statusCode()));
            }
            for (Future<Integer> result : results) {
                assertEquals(200, result.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(size + ids.size(), logSize(db));
        assertTrue(ids.stream().allMatch(id -> logged(db, id)));
        assertGapFree(db);
    }

    /**
     * A failed statement's error carried the values it was given (a batch's "Batch entry 0 INSERT ... VALUES (...)",
     * PostgreSQL's "Failing row contains (...)"): a report's body, a person's passport number, in a log line once the
     * exception was logged. The driver now names no value; the error still says what went wrong.
     */
    @Test
    void aFailedStatementsErrorNamesNoValueItWasGiven() throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS leak_check (id int PRIMARY KEY, v text CHECK (length(v) < 5))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO leak_check (id, v) VALUES (?, ?)")) {
                for (int i = 1; i <= 2; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "PASSPORT E12345678");
                    ps.addBatch();
                }
                SQLException refused = assertThrows(SQLException.class, ps::executeBatch);
                StringBuilder said = new StringBuilder();
                for (Throwable t = refused; t != null; t = t.getCause()) {
                    said.append(t).append('\n');
                }
                for (SQLException next = refused.getNextException(); next != null; next = next.getNextException()) {
                    said.append(next).append('\n');
                }
                assertFalse(said.toString().contains("E12345678"), said.toString());
                assertTrue(said.toString().contains("leak_check_v_check"), said.toString());
            } finally {
                s.execute("DROP TABLE IF EXISTS leak_check");
            }
        }
    }
}
