package org.cnx.audit.log;

import static io.restassured.RestAssured.given;
import static org.cnx.audit.TestEvents.event;
import static org.cnx.audit.TestEvents.intakeToken;
import static org.cnx.audit.TestEvents.partnerToken;
import static org.cnx.audit.TestEvents.post;
import static org.cnx.audit.log.LogAssertions.CONSISTENCY;
import static org.cnx.audit.log.LogAssertions.HEX;
import static org.cnx.audit.log.LogAssertions.INCLUSION;
import static org.cnx.audit.log.LogAssertions.hashes;
import static org.cnx.audit.log.LogAssertions.leafHashes;
import static org.cnx.audit.log.LogAssertions.sign;
import static org.cnx.audit.log.LogAssertions.verify;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.audit.TestDb;
import org.cnx.audit.TestEvents;
import org.cnx.audit.TestKeys;
import org.cnx.audit.TestTokens;
import org.cnx.audit.merkle.Merkle;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** {@code /api/v1/log/proofs/*}: RFC 9162 proofs that check out against signed heads. */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class ProofTest {

    @Inject
    DataSource db;

    /** Appends {@code count} intake events, at most 100 to a request. */
    private static void append(int count) {
        for (int sent = 0; sent < count; sent += 100) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = sent; i < Math.min(count, sent + 100); i++) {
                batch.add(event("intake", "REPORT_RECEIVED"));
            }
            post(intakeToken(), batch).then().statusCode(200);
        }
    }

    private static JsonPath get(String path, Map<String, ?> params) {
        return given().header("Authorization", "Bearer " + partnerToken("CN-MPS")).queryParams(params).get(path)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void inclusionProofsLeadFromEachEventToTheSignedRoot() {
        append(5);
        JsonPath head = sign();
        long size = head.getLong("size");
        byte[] root = HEX.parseHex(head.getString("root"));
        List<byte[]> leaves = leafHashes(db, size);

        for (long seq : new long[] {1, size / 3, size / 2 + 1, size - 1, size}) {
            JsonPath proof = get(INCLUSION, Map.of("seq", seq, "size", size));
            assertEquals(seq, proof.getLong("seq"));
            assertEquals(seq - 1, proof.getLong("leafIndex"));
            assertEquals(size, proof.getLong("treeSize"));
            assertEquals(HEX.formatHex(leaves.get((int) seq - 1)), proof.getString("leafHash"),
                    "the leaf hash of the event's canonical JSON");
            List<byte[]> path = hashes(proof.getList("auditPath", String.class));
            assertTrue(Merkle.verifyInclusion(seq - 1, size, leaves.get((int) seq - 1), path, root), "seq " + seq);
            assertEquals(head.getString("root"), proof.getString("root"));
            if (seq > 1) {
                assertFalse(Merkle.verifyInclusion(seq - 2, size, leaves.get((int) seq - 2), path, root),
                        "the proof of " + seq + " proves nothing about " + (seq - 1));
            }
        }
    }

    @Test
    void consistencyProofShowsTheLaterHeadExtendsTheEarlierOne() {
        append(1);
        JsonPath first = sign();
        append(7);
        JsonPath second = sign();
        long from = first.getLong("size");
        long to = second.getLong("size");

        JsonPath proof = get(CONSISTENCY, Map.of("from", from, "to", to));
        assertEquals(from, proof.getLong("from"));
        assertEquals(to, proof.getLong("to"));
        List<byte[]> hashes = hashes(proof.getList("proof", String.class));
        byte[] r1 = HEX.parseHex(first.getString("root"));
        byte[] r2 = HEX.parseHex(second.getString("root"));
        assertTrue(Merkle.verifyConsistency(from, to, r1, r2, hashes));
        assertFalse(Merkle.verifyConsistency(from, to, r2, r1, hashes), "not the other way round");

        assertArrayEquals(new String[0], get(CONSISTENCY, Map.of("from", to, "to", to))
                .getList("proof", String.class).toArray(), "a tree is consistent with itself by an empty proof");
    }

    /**
     * Over a log of more than 512 events, a proof stores the roots of the 256-leaf (and larger) subtrees it had to
     * compute. Each stored root is the root of its leaves; later proofs take them instead of the leaves: a stored
     * node changed by someone with full database access makes the proofs through it fail against the signed root,
     * and the verification names it.
     */
    @Test
    void proofsStoreTheLargeSubtreesTheyComputeAndLaterProofsTakeThem() throws SQLException {
        append(600);
        JsonPath head = sign();
        long size = head.getLong("size");
        byte[] root = HEX.parseHex(head.getString("root"));
        List<byte[]> leaves = leafHashes(db, size);
        // the last complete pair of 256-leaf blocks: no proof has covered these new events yet
        long pair = size / 512 - 1;
        long left = pair * 2;
        long seq = left * 256 + 1;
        assertEquals(null, storedNode(8, left + 1), "not stored before a proof needs it");

        List<byte[]> path = hashes(get(INCLUSION, Map.of("seq", seq, "size", size)).getList("auditPath", String.class));
        assertTrue(Merkle.verifyInclusion(seq - 1, size, leaves.get((int) seq - 1), path, root));
        byte[] sibling = storedNode(8, left + 1);
        assertArrayEquals(Merkle.root(Merkle.of(leaves.subList((int) (left + 1) * 256, (int) (left + 2) * 256)), 256),
                sibling, "the stored root of leaves " + ((left + 1) * 256 + 1) + ".." + ((left + 2) * 256));
        for (Object[] node : storedNodes(size)) {
            int level = (Integer) node[0];
            long index = (Long) node[1];
            int from = (int) (index << level);
            assertArrayEquals(Merkle.root(Merkle.of(leaves.subList(from, from + (1 << level))), 1L << level),
                    (byte[]) node[2], "stored node " + level + "/" + index);
        }
        assertTrue(verify().getBoolean("valid"));

        byte[] forged = sibling.clone();
        forged[0] ^= 1;
        TestDb.tamper(s -> s.execute("UPDATE merkle_node SET hash = '\\x" + HEX.formatHex(forged)
                + "' WHERE level = 8 AND node_index = " + (left + 1)));
        try {
            List<byte[]> through = hashes(get(INCLUSION, Map.of("seq", seq, "size", size))
                    .getList("auditPath", String.class));
            assertFalse(Merkle.verifyInclusion(seq - 1, size, leaves.get((int) seq - 1), through, root),
                    "the proof went through the stored node");
            JsonPath verification = verify();
            assertFalse(verification.getBoolean("valid"));
            assertTrue(verification.getString("reason").contains("level 8, index " + (left + 1)),
                    verification.getString("reason"));
        } finally {
            TestDb.tamper(s -> s.execute("UPDATE merkle_node SET hash = '\\x" + HEX.formatHex(sibling)
                    + "' WHERE level = 8 AND node_index = " + (left + 1)));
        }
        assertTrue(verify().getBoolean("valid"), "repaired");
        try (Connection c = TestDb.owner(); Statement s = c.createStatement()) {
            SQLException refused = assertThrows(SQLException.class, () -> s.execute("DELETE FROM merkle_node"));
            assertTrue(refused.getMessage().contains("merkle_node is append-only"), refused.getMessage());
        }
    }

    private byte[] storedNode(int level, long index) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT hash FROM merkle_node WHERE level = ? AND node_index = ?")) {
            s.setInt(1, level);
            s.setLong(2, index);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    private List<Object[]> storedNodes(long size) throws SQLException {
        List<Object[]> nodes = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT level, node_index, hash FROM merkle_node WHERE (node_index + 1) * (1::bigint << level) <= ?")) {
            s.setLong(1, size);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    nodes.add(new Object[] {rs.getInt(1), rs.getLong(2), rs.getBytes(3)});
                }
            }
        }
        assertFalse(nodes.isEmpty());
        return nodes;
    }

    @Test
    void parametersOutsideTheLogAre400Problems() {
        long size = sign().getLong("size");
        String token = partnerToken("CN-MPS");
        List<Map<String, Object>> badInclusion = List.of(Map.of("seq", 0, "size", size), Map.of("seq", size + 1, "size", size),
                Map.of("seq", 1, "size", size + 1_000_000), Map.of("seq", "one", "size", size), Map.of("size", size),
                Map.of("seq", 1, "size", 0));
        for (Map<String, Object> params : badInclusion) {
            given().header("Authorization", "Bearer " + token).queryParams(params).get(INCLUSION).then()
                    .statusCode(400).contentType("application/problem+json").body("status", equalTo(400));
        }
        given().header("Authorization", "Bearer " + token).queryParams(Map.of("seq", 1, "size", size + 1_000_000))
                .get(INCLUSION).then().body("detail", containsString("log's size"));
        for (Map<String, Object> params : List.<Map<String, Object>>of(Map.of("from", -1, "to", size),
                Map.of("from", size, "to", size - 1), Map.of("from", 1, "to", size + 1_000_000), Map.of("from", 1))) {
            given().header("Authorization", "Bearer " + token).queryParams(params).get(CONSISTENCY).then()
                    .statusCode(400).contentType("application/problem+json");
        }
        // a head kept of the empty log (audit signs one too) is extended by any: its proof is empty, not a 400 that
        // the verifier took for a broken log
        given().header("Authorization", "Bearer " + token).queryParams(Map.of("from", 0, "to", size)).get(CONSISTENCY)
                .then().statusCode(200).body("from", equalTo(0)).body("proof", equalTo(List.of()));
        given().header("Authorization", "Bearer " + token).queryParams(Map.of("from", 0, "to", 0)).get(CONSISTENCY)
                .then().statusCode(200).body("to", equalTo(0)).body("proof", equalTo(List.of()));
    }

    @Test
    void aNumberNotWrittenInDigitsIsRefusedAndOneTooLargeIsOutsideTheLog() {
        append(2);
        long size = sign().getLong("size");
        String token = partnerToken("CN-MPS");
        for (String seq : List.of("+1", " 1", "1.0", "0x1", "1e3")) {
            given().header("Authorization", "Bearer " + token).queryParam("seq", seq).queryParam("size", size)
                    .get(INCLUSION).then().statusCode(400)
                    .body("detail", equalTo("Query parameter 'seq' is not a whole number written in digits: " + seq
                            + "."));
        }
        given().header("Authorization", "Bearer " + token).queryParam("seq", 1)
                .queryParam("size", "99999999999999999999").get(INCLUSION).then().statusCode(400)
                .body("detail", containsString("'size' must be between 1 and the log's size"));
        given().header("Authorization", "Bearer " + token).queryParam("from", "-99999999999999999999")
                .queryParam("to", size).get(CONSISTENCY).then().statusCode(400)
                .body("detail", containsString("'from' must be between 0 and to"));
    }

    @Test
    void proofsAreForPartnersAndAuditorsOnly() {
        Map<String, Object> params = Map.of("seq", 1, "size", 1);
        given().header("Authorization", "Bearer " + TestEvents.auditorToken("a")).queryParams(params).get(INCLUSION)
                .then().statusCode(200);
        given().queryParams(params).get(INCLUSION).then().statusCode(401);
        given().header("Authorization", "Bearer " + TestTokens.person("exchange-admin", "US-DEA", "US"))
                .queryParams(params).get(INCLUSION).then().statusCode(403);
        given().header("Authorization", "Bearer " + TestEvents.intakeToken()).queryParams(Map.of("from", 1, "to", 1))
                .get(CONSISTENCY).then().statusCode(403);
    }
}
