package org.cnx.audit.log;

import static io.restassured.RestAssured.given;
import static org.cnx.audit.TestDb.queryLong;
import static org.cnx.audit.TestEvents.EVENTS;
import static org.cnx.audit.TestEvents.auditorToken;
import static org.cnx.audit.TestEvents.event;
import static org.cnx.audit.TestEvents.intakeToken;
import static org.cnx.audit.TestEvents.logSize;
import static org.cnx.audit.TestEvents.partnerToken;
import static org.cnx.audit.TestEvents.post;
import static org.cnx.audit.TestEvents.sharingToken;
import static org.cnx.audit.log.LogAssertions.HEX;
import static org.cnx.audit.log.LogAssertions.SIGN;
import static org.cnx.audit.log.LogAssertions.VERIFY;
import static org.cnx.audit.log.LogAssertions.expectedRoot;
import static org.cnx.audit.log.LogAssertions.leafHashes;
import static org.cnx.audit.log.LogAssertions.seqOf;
import static org.cnx.audit.log.LogAssertions.sign;
import static org.cnx.audit.log.LogAssertions.verify;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.audit.TestDb;
import org.cnx.audit.TestKeys;
import org.cnx.audit.merkle.Frontier;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * {@code GET /api/v1/log/verification} against tampering by someone with full database access (the superuser, with
 * triggers switched off). Every test repairs what it broke, so that the log stays valid for the other tests.
 */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class VerificationTest {

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Inject
    DataSource db;

    /** A sharing event with every kind of column filled in. */
    private static Map<String, Object> delivered() {
        Map<String, Object> e = event("sharing", "DELIVERY_SUCCEEDED");
        e.put("actor", Map.of("sub", "cnx-sharing", "agency", "US-CBP", "roles", List.of("service")));
        e.put("subject", Map.of("reportId", UUID.randomUUID().toString(), "releaseId", UUID.randomUUID().toString(),
                "deliveryId", UUID.randomUUID().toString(), "partner", "CN-NNCC"));
        e.put("payloadSha256", SHA);
        e.put("details", new LinkedHashMap<>(Map.of("attempt", 2, "httpStatus", 200)));
        return e;
    }

    /** A careful forger's change of event {@code seq}: its canonical JSON, its column and its leaf hash agree again. */
    private static void forgeConsistently(Statement s, long seq) throws SQLException {
        s.executeUpdate("UPDATE audit_event SET canonical = replace(canonical, 'CN-NNCC', 'CN-GACC'), "
                + "partner = 'CN-GACC' WHERE seq = " + seq);
        s.executeUpdate("UPDATE audit_event SET leaf_hash = sha256('\\x00'::bytea || convert_to(canonical, 'UTF8')) "
                + "WHERE seq = " + seq);
    }

    @Test
    void anIntactLogIsValidAndItsRootIsTheSignedOne() {
        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"), event("intake", "REPORT_REJECTED")))
                .then().statusCode(200);
        long size = logSize(db);
        JsonPath result = verify();
        assertTrue(result.getBoolean("valid"), result.prettify());
        assertEquals(size, result.getLong("size"), "every event, up to the read's own audit event");
        assertEquals(expectedRoot(db, size), result.getString("root"));
        assertNull(result.get("firstInvalidSeq"));
        assertNull(result.get("reason"));
        assertEquals(size, result.getLong("checkpoint.size"), "compared with a head that covers the whole log");
        assertEquals(result.getString("root"), result.getString("checkpoint.root"));
    }

    @Test
    void aByteChangedInAnyColumnOfARowIsReportedWithItsSeq() throws SQLException {
        Map<String, Object> target = delivered();
        post(sharingToken(), List.of(target, delivered())).then().statusCode(200);
        sign();
        long seq = seqOf(db, target.get("eventId"));
        Map<String, String> tampering = new LinkedHashMap<>();
        tampering.put("canonical", "canonical = replace(canonical, 'CN-NNCC', 'CN-NNCD')");
        tampering.put("partner", "partner = 'CN-NNCD'");
        tampering.put("actor_agency", "actor_agency = 'US-CBQ'");
        tampering.put("action", "action = 'DELIVERY_SUCCEEDEE'");
        tampering.put("outcome", "outcome = 'SUCCESZ'");
        // each change must really change the value: a digit that is already 'e' (or 'f') is replaced by another
        tampering.put("payload_sha256", "payload_sha256 = overlay(payload_sha256 placing "
                + "CASE WHEN left(payload_sha256, 1) = 'e' THEN 'd' ELSE 'e' END from 1 for 1)");
        tampering.put("details", "details = jsonb_set(details, '{attempt}', '3')");
        tampering.put("occurred_at", "occurred_at = occurred_at + interval '1 microsecond'");
        tampering.put("delivery_id", "delivery_id = overlay(delivery_id::text placing "
                + "CASE WHEN right(delivery_id::text, 1) = 'f' THEN 'e' ELSE 'f' END from 36 for 1)::uuid");
        tampering.put("leaf_hash", "leaf_hash = set_byte(leaf_hash, 7, get_byte(leaf_hash, 7) # 1)");

        List<String> missed = new ArrayList<>();
        try (Connection c = TestDb.superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("CREATE TEMP TABLE saved AS SELECT * FROM audit_event WHERE seq = " + seq);
            for (Map.Entry<String, String> t : tampering.entrySet()) {
                JsonPath result;
                try {
                    assertEquals(1, s.executeUpdate("UPDATE audit_event SET " + t.getValue() + " WHERE seq = " + seq));
                    result = verify();
                } finally {
                    s.execute("DELETE FROM audit_event WHERE seq = " + seq
                            + "; INSERT INTO audit_event SELECT * FROM saved");
                }
                if (result.getBoolean("valid") || !Long.valueOf(seq).equals(result.getLong("firstInvalidSeq"))) {
                    missed.add(t.getKey() + " → " + result.prettify());
                } else if (!t.getKey().equals("leaf_hash") && !t.getKey().equals("canonical")) {
                    assertTrue(result.getString("reason").contains(t.getKey()), result.getString("reason"));
                }
            }
        }
        assertEquals(List.of(), missed, "tampering that verification did not pin to seq " + seq);
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    /**
     * Verification reported its first fault only: a junk tree node the application's role may insert (never removed:
     * the table is append-only) would have hidden, for good, every event changed after it.
     */
    @Test
    void aJunkNodeAheadOfAChangedEventHidesNeitherOfThem() throws SQLException {
        Map<String, Object> target = delivered();
        post(sharingToken(), List.of(delivered(), delivered(), target)).then().statusCode(200);
        sign();
        long seq = seqOf(db, target.get("eventId"));
        assertTrue(seq > 2, "the node over events 1..2 comes before the changed event");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            // level 1 is never stored by the service: the slot over events 1..2 is free to anyone with its role
            s.execute("INSERT INTO merkle_node (level, node_index, hash) "
                    + "VALUES (1, 0, decode(repeat('ab', 32), 'hex'))");
        }
        JsonPath result;
        try (Connection c = TestDb.superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("CREATE TEMP TABLE saved AS SELECT * FROM audit_event WHERE seq = " + seq);
            s.executeUpdate("UPDATE audit_event SET partner = 'CN-GACC' WHERE seq = " + seq);
            try {
                result = verify();
            } finally {
                s.execute("DELETE FROM audit_event WHERE seq = " + seq
                        + "; INSERT INTO audit_event SELECT * FROM saved");
                s.execute("DELETE FROM merkle_node WHERE level = 1 AND node_index = 0");
            }
        }
        assertFalse(result.getBoolean("valid"));
        assertTrue(result.getString("reason").contains("(level 1, index 0) does not match"), result.prettify());
        assertEquals(seq, result.getLong("firstInvalidSeq"), result.prettify());
        List<String> faults = result.getList("faults", String.class);
        assertEquals(2, faults.size(), result.prettify());
        assertEquals(2, result.getLong("faultCount"));
        assertEquals("event " + seq + ": partner differs from the canonical JSON that was hashed", faults.get(1));
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    /**
     * The application's role may write the log's state, which every append updates: a frontier set by hand had
     * audit-service sign a root no stored log gives, for every partner and auditor to be handed, and every later head
     * built on it. No head is signed over a state the events do not give; verification says why.
     */
    @Test
    void aStateTheEventsDoNotGiveIsNeverSigned() throws SQLException {
        post(sharingToken(), List.of(delivered(), delivered(), delivered())).then().statusCode(200);
        long signed = sign().getLong("size");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertEquals("audit", c.getMetaData().getUserName());
            try {
                // another tree of the same size: each node's bytes changed, the lengths as the table requires
                assertEquals(1, s.executeUpdate("UPDATE log_state SET frontier = "
                        + "decode(repeat('ab', octet_length(frontier)), 'hex')"));
                post(sharingToken(), List.of(delivered())).then().statusCode(200);
                given().header("Authorization", "Bearer " + auditorToken("auditor-log-test")).post(SIGN).then()
                        .statusCode(409).contentType("application/problem+json")
                        .body("type", equalTo("https://cnx.example/problems/log-inconsistent"))
                        .body("detail", containsString("does not match its events: no head is signed over it"));
                JsonPath result = verify();
                assertFalse(result.getBoolean("valid"), result.prettify());
                assertTrue(result.getList("faults", String.class).stream()
                        .anyMatch(f -> f.contains("does not match its events")), result.prettify());
                assertEquals(signed, result.getLong("checkpoint.size"), "no head over the forged state");
            } finally {
                // the state the events give, at the size the appends meanwhile reached
                long size = logSize(db);
                Frontier events = new Frontier();
                leafHashes(db, size).forEach(events::append);
                try (PreparedStatement p = c.prepareStatement("UPDATE log_state SET frontier = ? WHERE size = ?")) {
                    p.setBytes(1, events.encode());
                    p.setLong(2, size);
                    assertEquals(1, p.executeUpdate());
                }
            }
        }
        assertTrue(verify().getBoolean("valid"), "repaired");
        assertTrue(sign().getLong("size") > signed);
    }

    /**
     * A signing folds from the largest head audit signed that keeps its frontier, not from the latest alone: one
     * without (signed by a pod on the code before V9, or a copy the app role stored) had every later signing read the
     * whole log again. Here the whole log holds an old event whose leaf hash was changed: read again, it refused the
     * signing; the fold from the head above it does not read it.
     */
    @Test
    void aHeadWithoutItsFrontierIsNotWhereTheNextSigningFoldsFrom() throws SQLException {
        post(sharingToken(), List.of(delivered(), delivered())).then().statusCode(200);
        long signed = sign().getLong("size");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            // the latest head copied without its frontier, as the app role may store it: it verifies
            assertEquals(1, s.executeUpdate("INSERT INTO tree_head (tree_size, root, signed_at, kid, jws) "
                    + "SELECT tree_size, root, signed_at, kid, jws FROM tree_head WHERE tree_size = " + signed
                    + " ORDER BY id DESC LIMIT 1"));
        }
        try (Connection c = TestDb.superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("CREATE TEMP TABLE saved AS SELECT * FROM audit_event WHERE seq = 1");
            try {
                s.executeUpdate("UPDATE audit_event SET leaf_hash = set_byte(leaf_hash, 0, get_byte(leaf_hash, 0) # 1) "
                        + "WHERE seq = 1");
                post(sharingToken(), List.of(delivered())).then().statusCode(200);
                assertTrue(sign().getLong("size") > signed);
            } finally {
                s.execute("DELETE FROM audit_event WHERE seq = 1; INSERT INTO audit_event SELECT * FROM saved");
            }
        }
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    @Test
    void aRewriteWithConsistentHashesIsCaughtByTheSignedRoot() throws SQLException {
        long before = sign().getLong("size");
        Map<String, Object> target = delivered();
        post(sharingToken(), List.of(delivered(), target, delivered())).then().statusCode(200);
        long after = sign().getLong("size");
        post(sharingToken(), List.of(delivered())).then().statusCode(200);
        sign(); // a second head over the forged event
        long seq = seqOf(db, target.get("eventId"));
        try (Connection c = TestDb.superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("CREATE TEMP TABLE saved AS SELECT * FROM audit_event WHERE seq = " + seq);
            JsonPath result;
            try {
                // a careful forger: the canonical JSON, the column and the leaf hash all agree again
                forgeConsistently(s, seq);
                result = verify();
            } finally {
                s.execute("DELETE FROM audit_event WHERE seq = " + seq
                        + "; INSERT INTO audit_event SELECT * FROM saved");
            }

            assertFalse(result.getBoolean("valid"));
            long first = result.getLong("firstInvalidSeq");
            assertTrue(first > before && first <= seq, "between the last matching head (" + before + ") and the "
                    + "forged event (" + seq + "): " + first);
            assertTrue(result.getString("reason").contains("no longer hash to the root"), result.getString("reason"));
            assertTrue(after >= seq);
            // every head after it follows the first that no longer matches: one fault for them, not one each
            List<String> faults = result.getList("faults", String.class);
            assertEquals(1, faults.stream().filter(f -> f.contains("no longer hash to the root")).count(),
                    result.prettify());
            assertTrue(faults.get(faults.size() - 1).matches("\\d+ later signed head\\(s\\) do not match either"),
                    result.prettify());
        }
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    /**
     * A careful rewrite shows only where a signed head no longer matches, which the scan reaches after the events it
     * covers: a changed column of a later event under the same head named that event as the first invalid one, and an
     * auditor restoring from there missed the rewrite before it.
     */
    @Test
    void aChangedColumnAfterACarefulRewriteDoesNotHideTheRewrite() throws SQLException {
        long before = sign().getLong("size");
        Map<String, Object> rewritten = delivered();
        Map<String, Object> changed = delivered();
        post(sharingToken(), List.of(delivered(), rewritten, delivered(), changed)).then().statusCode(200);
        long after = sign().getLong("size");
        long first = seqOf(db, rewritten.get("eventId"));
        long later = seqOf(db, changed.get("eventId"));
        assertTrue(later <= after, "one head over both");
        JsonPath result;
        try (Connection c = TestDb.superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("CREATE TEMP TABLE saved AS SELECT * FROM audit_event WHERE seq IN (" + first + ", " + later
                    + ")");
            try {
                forgeConsistently(s, first);
                s.executeUpdate("UPDATE audit_event SET partner = 'CN-GACC' WHERE seq = " + later);
                result = verify();
            } finally {
                s.execute("DELETE FROM audit_event WHERE seq IN (" + first + ", " + later
                        + "); INSERT INTO audit_event SELECT * FROM saved");
            }
        }
        assertFalse(result.getBoolean("valid"));
        long firstInvalid = result.getLong("firstInvalidSeq");
        assertTrue(firstInvalid > before && firstInvalid <= first, "between the last matching head (" + before
                + ") and the rewritten event (" + first + "), not the changed one (" + later + "): " + firstInvalid);
        assertTrue(result.getString("reason").contains("no longer hash to the root"), result.prettify());
        assertTrue(result.getList("faults", String.class)
                .contains("event " + later + ": partner differs from the canonical JSON that was hashed"),
                result.prettify());
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    @Test
    void aRewriteThatAlsoRewritesTheRootsOfTheHeadsSignedSinceIsCaughtByTheirSignatures() throws SQLException {
        Map<String, Object> target = delivered();
        post(sharingToken(), List.of(delivered(), target, delivered())).then().statusCode(200);
        long signed = sign().getLong("size");
        long seq = seqOf(db, target.get("eventId"));
        try (Connection c = TestDb.superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("CREATE TEMP TABLE saved AS SELECT * FROM audit_event WHERE seq = " + seq);
            s.execute("CREATE TEMP TABLE saved_state AS SELECT * FROM log_state");
            s.execute("CREATE TEMP TABLE saved_heads AS SELECT * FROM tree_head");
            s.execute("CREATE TEMP TABLE saved_nodes AS SELECT * FROM merkle_node");
            List<Long> since = new ArrayList<>();
            long forgedHead;
            JsonPath result;
            try {
                // the careful forger above, who also rebuilds the log's state over the forged event, drops the nodes
                // stored for proofs, and puts the forged tree's roots in the heads signed since the event
                forgeConsistently(s, seq);
                Frontier forged = new Frontier();
                leafHashes(db, signed).forEach(forged::append);
                try (PreparedStatement p = c.prepareStatement("UPDATE log_state SET frontier = ?")) {
                    p.setBytes(1, forged.encode());
                    p.executeUpdate();
                }
                s.execute("DELETE FROM merkle_node");
                try (ResultSet rs = s.executeQuery("SELECT tree_size FROM tree_head WHERE tree_size >= " + seq)) {
                    while (rs.next()) {
                        since.add(rs.getLong(1));
                    }
                }
                for (long size : since) {
                    try (PreparedStatement p = c.prepareStatement(
                            "UPDATE tree_head SET root = ? WHERE tree_size = ?")) {
                        p.setBytes(1, HEX.parseHex(expectedRoot(db, size)));
                        p.setLong(2, size);
                        p.executeUpdate();
                    }
                }
                // the next append, by anyone, and audit-service signs a head over the forged tree
                post(sharingToken(), List.of(delivered())).then().statusCode(200);
                forgedHead = sign().getLong("size");
                result = verify();
            } finally {
                s.execute("DELETE FROM audit_event WHERE seq > " + signed + " OR seq = " + seq);
                s.execute("INSERT INTO audit_event SELECT * FROM saved");
                s.execute("DELETE FROM tree_head; INSERT INTO tree_head SELECT * FROM saved_heads");
                s.execute("DELETE FROM merkle_node; INSERT INTO merkle_node SELECT * FROM saved_nodes");
                s.execute("UPDATE log_state l SET size = v.size, frontier = v.frontier FROM saved_state v");
            }

            assertEquals(signed + 1, forgedHead);
            assertFalse(result.getBoolean("valid"), result.prettify());
            assertTrue(result.getString("reason").contains("size " + since.get(0) + " does not carry a valid "
                    + "signature"), result.getString("reason"));
        }
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    @Test
    void aDeletedTailIsDetectedAgainstAHeadSignedBeforeTheDeletion() throws SQLException {
        List<Map<String, Object>> batch = List.of(delivered(), delivered(), delivered(), delivered());
        post(sharingToken(), batch).then().statusCode(200);
        long signed = sign().getLong("size");
        long kept = signed - 3;
        // the attacker also rewinds the log's state, so that appends continue seamlessly after the cut
        Frontier rewound = new Frontier();
        leafHashes(db, kept).forEach(rewound::append);
        try (Connection c = TestDb.superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("CREATE TEMP TABLE saved AS SELECT * FROM audit_event WHERE seq > " + kept);
            s.execute("CREATE TEMP TABLE saved_state AS SELECT * FROM log_state");
            JsonPath result;
            JsonPath latest;
            ExtractableResponse<Response> receipt;
            try {
                s.execute("DELETE FROM audit_event WHERE seq > " + kept);
                try (PreparedStatement p = c.prepareStatement("UPDATE log_state SET size = ?, frontier = ?")) {
                    p.setLong(1, kept);
                    p.setBytes(2, rewound.encode());
                    p.executeUpdate();
                }
                result = verify();
                latest = sign();
                // the first event of the batch is still there, but the head a receipt gives covers more than the log
                // holds
                @SuppressWarnings("unchecked")
                String deliveryId = ((Map<String, Object>) batch.get(0).get("subject")).get("deliveryId").toString();
                receipt = given().header("Authorization", "Bearer " + partnerToken("CN-NNCC"))
                        .get("/api/v1/receipts/" + deliveryId).then().extract();
            } finally {
                // undo: drop what was appended meanwhile (the verification's own audit event), put the tail back
                s.execute("DELETE FROM audit_event WHERE seq > " + kept);
                s.execute("INSERT INTO audit_event SELECT * FROM saved");
                s.execute("UPDATE log_state l SET size = v.size, frontier = v.frontier FROM saved_state v");
            }

            assertFalse(result.getBoolean("valid"));
            assertEquals(kept + 1, result.getLong("firstInvalidSeq"));
            assertEquals(kept, result.getLong("size"));
            assertEquals(signed, result.getLong("checkpoint.size"));
            assertTrue(result.getString("reason").contains("missing"), result.getString("reason"));
            assertEquals(signed, latest.getLong("size"), "no head smaller than the latest is ever signed");
            // the documented 409, not a 400 about a size the partner never sent
            assertEquals(409, receipt.statusCode(), receipt.asString());
            assertEquals("Conflict", receipt.jsonPath().getString("title"));
            assertTrue(receipt.jsonPath().getString("type").endsWith("log-inconsistent"), receipt.asString());
        }
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    @Test
    void aStoredNodeOutOfEveryTreesRangeDoesNotBreakTheVerification() throws SQLException {
        // level 62, index 1: its range ends at 2^63, past bigint; the verification's query overflowed and answered a
        // 500, at every verification from then on (the row, like every node, can never be deleted by the service)
        try (Connection c = TestDb.superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("INSERT INTO merkle_node (level, node_index, hash) "
                    + "VALUES (62, 1, decode(repeat('ab', 32), 'hex')) ON CONFLICT DO NOTHING");
            try {
                JsonPath result = verify();
                assertTrue(result.getBoolean("valid"), result.prettify());
            } finally {
                s.execute("DELETE FROM merkle_node WHERE level = 62 AND node_index = 1");
            }
        }
    }

    @Test
    void aHeadNotSignedByAuditIsReported() throws SQLException {
        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"), event("intake", "REPORT_RECEIVED")))
                .then().statusCode(200);
        long size = logSize(db);
        // anyone with the application's credentials may insert a head; nobody without audit's key can sign one
        storeUnsignedHead(size - 1, HEX.parseHex(expectedRoot(db, size)));
        JsonPath result;
        try {
            result = verify();
        } finally {
            TestDb.tamper(s -> s.execute("DELETE FROM tree_head WHERE jws = 'a.b.c'"));
        }
        assertFalse(result.getBoolean("valid"));
        assertNull(result.get("firstInvalidSeq"), "no event is at fault");
        assertTrue(result.getString("reason").contains("size " + (size - 1) + " does not carry a valid signature"),
                result.getString("reason"));
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    /**
     * A head stored by someone else above the log's size was taken as the latest: nothing was signed any more,
     * partners were handed it as the checkpoint, every receipt answered a 400, and verification said a million events
     * were missing instead of naming the forged head.
     */
    @Test
    void aHeadForgedAboveTheLogIsIgnoredBySigningAndNamedByVerification() throws SQLException {
        assertForgedHeadAboveTheLogIsIgnored("a.b.c");
    }

    /**
     * A head stored by someone else whose JWS header holds a number where jose4j reads text (a kid, an alg) threw a
     * ClassCastException past the signature check: nothing was signed any more, and the latest checkpoint, every
     * receipt and verification answered a 500 for good, the table being append-only.
     */
    @Test
    void aHeadWhoseSignatureHeaderIsNotTextIsIgnoredLikeAnyForgedOne() throws SQLException {
        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200);
        String kid = sign().getString("kid");
        for (String header : List.of("{\"alg\":\"RS256\",\"kid\":1}", "{\"alg\":1,\"kid\":\"" + kid + "\"}")) {
            assertForgedHeadAboveTheLogIsIgnored(
                    Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8))
                            + ".e30.AA");
        }
    }

    private void assertForgedHeadAboveTheLogIsIgnored(String jws) throws SQLException {
        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200);
        long forged = logSize(db) + 1_000_000;
        storeUnsignedHead(forged, new byte[32], jws);
        JsonPath result;
        JsonPath signed;
        JsonPath latest;
        try {
            post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200);
            signed = sign();
            latest = given().header("Authorization", "Bearer " + partnerToken("CN-NNCC"))
                    .get(LogAssertions.LATEST).then().statusCode(200).extract().jsonPath();
            result = verify();
        } finally {
            TestDb.tamper(s -> s.execute("DELETE FROM tree_head WHERE jws = '" + jws + "'"));
        }
        long size = logSize(db);
        assertTrue(signed.getLong("size") >= size - 1 && signed.getLong("size") < forged, jws + signed.prettify());
        assertTrue(latest.getLong("size") < forged, jws + latest.prettify());
        assertFalse(result.getBoolean("valid"), jws);
        assertNull(result.get("firstInvalidSeq"), "no event is at fault");
        assertTrue(result.getString("reason").contains("size " + forged + " does not carry a valid signature"),
                jws + result.getString("reason"));
        assertTrue(result.getLong("checkpoint.size") < forged, result.prettify());
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    /**
     * A head stored by someone else at the size the log grows to next left no room for audit's own (the size was the
     * key): the head signed for that size was handed out without being stored, and verification never checked the
     * log against it. It is now stored beside the other.
     */
    @Test
    void aHeadForgedAtTheNextSizeLeavesRoomForAuditsOwn() throws SQLException {
        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200);
        long taken = logSize(db) + 1;
        storeUnsignedHead(taken, new byte[32]);
        JsonPath signed;
        JsonPath latest;
        JsonPath result;
        try {
            post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200);
            assertEquals(taken, logSize(db));
            signed = sign();
            latest = given().header("Authorization", "Bearer " + partnerToken("CN-NNCC"))
                    .get(LogAssertions.LATEST).then().statusCode(200).extract().jsonPath();
            result = verify();
            try (Connection c = db.getConnection(); PreparedStatement p = c.prepareStatement(
                    "SELECT jws FROM tree_head WHERE tree_size = ? ORDER BY id")) {
                p.setLong(1, taken);
                try (ResultSet rs = p.executeQuery()) {
                    assertTrue(rs.next() && rs.getString(1).equals("a.b.c"), "the forged head came first");
                    assertTrue(rs.next() && rs.getString(1).equals(signed.getString("jws")),
                            "audit's is stored beside it");
                }
            }
        } finally {
            TestDb.tamper(s -> s.execute("DELETE FROM tree_head WHERE jws = 'a.b.c'"));
        }
        assertEquals(taken, signed.getLong("size"));
        assertEquals(signed.getString("jws"), latest.getString("jws"), "the latest head is audit's, and stored");
        assertFalse(result.getBoolean("valid"));
        assertTrue(result.getString("reason").contains("size " + taken + " does not carry a valid signature"),
                result.getString("reason"));
        assertTrue(result.getLong("checkpoint.size") >= taken, result.prettify());
        assertTrue(verify().getBoolean("valid"), "repaired");
    }

    /** A head as anyone with the application's credentials may store one (removed by {@code jws = 'a.b.c'}). */
    private void storeUnsignedHead(long size, byte[] root) throws SQLException {
        storeUnsignedHead(size, root, "a.b.c");
    }

    private void storeUnsignedHead(long size, byte[] root, String jws) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement("INSERT INTO tree_head (tree_size, root, signed_at, kid, jws) "
                        + "VALUES (?, ?, now(), 'k', ?)")) {
            p.setLong(1, size);
            p.setBytes(2, root);
            p.setString(3, jws);
            p.executeUpdate();
        }
    }

    @Test
    void verificationIsForAuditorsAndIsItselfLogged() throws SQLException {
        String sub = "auditor-verify-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + auditorToken(sub)).get(VERIFY).then().statusCode(200);
        JsonPath logged = given().header("Authorization", "Bearer " + auditorToken(sub))
                .get(EVENTS + "?action=AUDIT_QUERIED&actor=" + sub).then().statusCode(200).extract().jsonPath();
        assertEquals(1, logged.getList("items").size());
        assertEquals("verification", logged.getString("items[0].details.query"));
        assertTrue(logged.getBoolean("items[0].details.valid"));

        given().header("Authorization", "Bearer " + partnerToken("CN-NNCC")).get(VERIFY).then().statusCode(403);
        given().get(VERIFY).then().statusCode(401);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertTrue(queryLong(s, "SELECT count(*) FROM tree_head") > 0);
        }
    }
}
