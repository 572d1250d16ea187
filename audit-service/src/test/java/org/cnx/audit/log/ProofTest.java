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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

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

    private static JsonPath get(String path, Map<String, ?> params) {
        return given().header("Authorization", "Bearer " + partnerToken("CN-MPS")).queryParams(params).get(path)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void inclusionProofsLeadFromEachEventToTheSignedRoot() {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(event("intake", "REPORT_RECEIVED"));
        }
        post(intakeToken(), batch).then().statusCode(200);
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
        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200);
        JsonPath first = sign();
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            batch.add(event("intake", "REPORT_RECEIVED"));
        }
        post(intakeToken(), batch).then().statusCode(200);
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
        for (Map<String, Object> params : List.<Map<String, Object>>of(Map.of("from", 0, "to", size),
                Map.of("from", size, "to", size - 1), Map.of("from", 1, "to", size + 1_000_000), Map.of("from", 1))) {
            given().header("Authorization", "Bearer " + token).queryParams(params).get(CONSISTENCY).then()
                    .statusCode(400).contentType("application/problem+json");
        }
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
