package org.cnx.audit.receipt;

import static io.restassured.RestAssured.given;
import static org.cnx.audit.TestEvents.EVENTS;
import static org.cnx.audit.TestEvents.auditorToken;
import static org.cnx.audit.TestEvents.event;
import static org.cnx.audit.TestEvents.intakeToken;
import static org.cnx.audit.TestEvents.partnerToken;
import static org.cnx.audit.TestEvents.post;
import static org.cnx.audit.TestEvents.sharingToken;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.cnx.audit.TestKeys;
import org.cnx.audit.TestTokens;
import org.cnx.audit.event.AuditEvent;
import org.cnx.audit.event.EventRepository;
import org.cnx.audit.log.Checkpoint;
import org.cnx.audit.log.CheckpointService;
import org.cnx.audit.log.ProofService;
import org.cnx.audit.merkle.Merkle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * {@code GET /api/v1/receipts/{deliveryId}}: a partner proves, offline, that the exchange logged its delivery. The
 * receipts are checked with the stand-alone verifier exactly as the README tells partners to run it.
 */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class ReceiptTest {

    private static final Path VERIFIER = Path.of("..", "deploy", "verifier", "VerifyReceipt.java").toAbsolutePath()
            .normalize();
    private static final Path WORK = Path.of("target", "receipts").toAbsolutePath();
    private static final String PARTNER = "CN-NNCC";

    @BeforeAll
    static void workDir() throws IOException {
        Files.createDirectories(WORK);
    }

    /** Delivery events as sharing-service sends them: attempted, then succeeded. */
    private static String deliver(String partner) {
        String deliveryId = UUID.randomUUID().toString();
        Map<String, Object> subject = Map.of("reportId", UUID.randomUUID().toString(), "releaseId",
                UUID.randomUUID().toString(), "deliveryId", deliveryId, "partner", partner);
        Map<String, Object> attempted = event("sharing", "DELIVERY_ATTEMPTED");
        attempted.put("subject", subject);
        attempted.put("outcome", "FAILURE");
        attempted.put("details", Map.of("attempt", 1, "httpStatus", 503));
        Map<String, Object> succeeded = event("sharing", "DELIVERY_SUCCEEDED");
        succeeded.put("actor", Map.of("sub", "cnx-sharing", "roles", List.of("service")));
        succeeded.put("subject", subject);
        succeeded.put("payloadSha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        succeeded.put("details", Map.of("attempt", 2, "httpStatus", 200, "note", "Zoë \"quoted\"\n"));
        post(sharingToken(), List.of(attempted, succeeded)).then().statusCode(200);
        return deliveryId;
    }

    private static String receipt(String partner, String deliveryId) {
        return given().header("Authorization", "Bearer " + partnerToken(partner)).get("/api/v1/receipts/" + deliveryId)
                .then().statusCode(200).contentType("application/json").extract().asString();
    }

    private record Run(int exit, String output) {
    }

    /**
     * {@code java deploy/verifier/VerifyReceipt.java receipt.json jwks.json}, or {@code --consistency kept.json
     * latest.json proof.json jwks.json}, as documented: each input written to a file of its own.
     */
    private static Run verifier(String... inputs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), VERIFIER.toString()));
        for (String input : inputs) {
            command.add(input.startsWith("--") ? input
                    : Files.writeString(WORK.resolve(UUID.randomUUID() + ".json"), input, StandardCharsets.UTF_8)
                            .toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "verifier finished");
        return new Run(process.exitValue(), output.trim());
    }

    private static String jwks() {
        return given().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
    }

    /**
     * An auditor kept a head; later the log must still extend it. Heads deleted with the events they covered are not
     * seen from inside the log: the kept head and a consistency proof against today's show it, offline.
     */
    @Test
    void anAuditorsKeptHeadIsShownExtendedByTodaysLogOfflineAndAForgedProofIsNot() throws Exception {
        String auditor = "Bearer " + auditorToken("auditor-consistency");
        deliver(PARTNER);
        String kept = given().header("Authorization", auditor).post("/api/v1/log/checkpoints").then().statusCode(200)
                .extract().asString();
        deliver(PARTNER);
        String latest = given().header("Authorization", auditor).post("/api/v1/log/checkpoints").then()
                .statusCode(200).extract().asString();
        long first = JsonPath.from(kept).getLong("size");
        long second = JsonPath.from(latest).getLong("size");
        assertTrue(second > first, "the log grew");
        String proof = given().header("Authorization", auditor).queryParam("from", first).queryParam("to", second)
                .get("/api/v1/log/proofs/consistency").then().statusCode(200).extract().asString();

        Run valid = verifier("--consistency", kept, latest, proof, jwks());
        assertEquals(0, valid.exit(), valid.output());
        assertTrue(valid.output().startsWith("VALID: the log of " + second + " events signed at "), valid.output());

        // one hash of the proof changed: as if what the kept head covered had been rewritten since
        List<String> hashes = JsonPath.from(proof).getList("proof", String.class);
        String forged = proof.replace(hashes.get(0), (hashes.get(0).charAt(0) == '0' ? "1" : "0")
                + hashes.get(0).substring(1));
        Run rewritten = verifier("--consistency", kept, latest, forged, jwks());
        assertEquals(1, rewritten.exit(), rewritten.output());
        assertEquals("INVALID: the log of " + second + " events does not extend the kept log of " + first
                + " events: what the kept head covered was changed, or the log was forked", rewritten.output());
        // today's head smaller than the kept one: events were removed
        Run truncated = verifier("--consistency", latest, kept, proof, jwks());
        assertEquals(1, truncated.exit(), truncated.output());
        assertTrue(truncated.output().contains("fewer than the " + second + " of the kept one: events were removed"),
                truncated.output());
        // as the README's steps leave it then: the exchange refuses a proof to a smaller log, and curl -f writes an
        // empty file; that was "cannot read the input" (exit 2), and the removal went unsaid
        given().header("Authorization", auditor).queryParam("from", second).queryParam("to", first)
                .get("/api/v1/log/proofs/consistency").then().statusCode(400);
        Run asTheStepsLeaveIt = verifier("--consistency", latest, kept, "", jwks());
        assertEquals(1, asTheStepsLeaveIt.exit(), asTheStepsLeaveIt.output());
        assertTrue(asTheStepsLeaveIt.output().endsWith("events were removed"), asTheStepsLeaveIt.output());
        // heads that agree and a proof that failed to download: no evidence either way
        Run noProof = verifier("--consistency", kept, latest, "", jwks());
        assertEquals(2, noProof.exit(), noProof.output());
        assertTrue(noProof.output().startsWith("cannot read the input: "), noProof.output());
        // a proof of other sizes proves nothing of these heads
        String other = given().header("Authorization", auditor).queryParam("from", first - 1).queryParam("to", second)
                .get("/api/v1/log/proofs/consistency").then().statusCode(200).extract().asString();
        Run mismatched = verifier("--consistency", kept, latest, other, jwks());
        assertEquals(1, mismatched.exit(), mismatched.output());
        assertTrue(mismatched.output().startsWith("INVALID: the proof is from " + (first - 1)), mismatched.output());
    }

    /**
     * An auditor on the side that does not run the exchange checks the events themselves: the whole log exported, each
     * line's fields those of its leaf, the leaves the first events of a signed head. Before, only the hashes could be
     * checked offline, and the events as served were taken on trust.
     */
    @Test
    void anAuditorsExportOfTheWholeLogIsProvedOfflineToBeTheSignedLogAndAnAlteredOneIsNot() throws Exception {
        String auditor = "Bearer " + auditorToken("auditor-export");
        String earlier = given().header("Authorization", auditor).post("/api/v1/log/checkpoints").then()
                .statusCode(200).extract().asString();
        deliver(PARTNER);
        deliver("US-CBP");
        String export = given().header("Authorization", auditor).queryParam("format", "ndjson")
                .get("/api/v1/events/export").then().statusCode(200).extract().asString();
        List<String> lines = export.lines().toList();
        String latest = given().header("Authorization", auditor).post("/api/v1/log/checkpoints").then()
                .statusCode(200).extract().asString();
        long signed = JsonPath.from(latest).getLong("size");
        assertTrue(signed > lines.size(), "the export's own AUDIT_QUERIED came after it: " + signed);
        String proof = consistency(auditor, lines.size(), signed);

        Run valid = verifier("--events", export, latest, proof, jwks());
        assertEquals(0, valid.exit(), valid.output());
        assertTrue(valid.output().startsWith("VALID: the " + lines.size() + " events exported, seq 1 to " + lines.size()
                + ", are the first " + lines.size() + " of the audit log of " + signed + " events signed at "),
                valid.output());

        ObjectMapper json = new ObjectMapper();
        int last = lines.size() - 1;
        // the event shown differs from what the log hashed: its partner changed, the leaf left as it was
        var shown = json.readTree(lines.get(last)).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) shown.get("subject")).put("partner", "US-DEA");
        Run altered = verifier("--events", withLine(lines, last, json.writeValueAsString(shown)), latest, proof, jwks());
        assertEquals(1, altered.exit(), altered.output());
        assertEquals("INVALID: event seq " + lines.size() + " as exported differs from the leaf the log hashed",
                altered.output());
        // the event and its leaf rewritten alike: the tree no longer leads to the signed root
        String rewritten = lines.get(last).replace("US-CBP", "US-DEA");
        assertNotEquals(lines.get(last), rewritten);
        Run forged = verifier("--events", withLine(lines, last, rewritten), latest, proof, jwks());
        assertEquals(1, forged.exit(), forged.output());
        assertTrue(forged.output().contains("are not the first " + lines.size() + " of the signed log"), forged.output());
        // an event left out, or an export filtered: the seqs do not run from 1 without a gap
        List<String> gap = new ArrayList<>(lines);
        gap.remove(0);
        Run leftOut = verifier("--events", String.join("\n", gap), latest, proof, jwks());
        assertEquals(1, leftOut.exit(), leftOut.output());
        assertTrue(leftOut.output().startsWith("INVALID: line 1 is seq 2, where 1 was due"), leftOut.output());
        // a head smaller than the export (no proof to it is served: curl -f leaves the file empty) is the evidence
        Run smaller = verifier("--events", export, earlier, "", jwks());
        assertEquals(1, smaller.exit(), smaller.output());
        assertTrue(smaller.output().contains("or events were removed since"), smaller.output());

        // an export that failed (curl -f leaves the file empty) proves nothing: unusable, where it read VALID for 0
        Run empty = verifier("--events", "", latest, consistency(auditor, 0, signed), jwks());
        assertEquals(2, empty.exit(), empty.output());
        assertTrue(empty.output().contains("holds no events"), empty.output());
        // a head fetched with an expired token: the 401 saved in its place is unusable input, not a broken log
        String refused = given().header("Authorization", "Bearer expired").post("/api/v1/log/checkpoints").then()
                .statusCode(401).extract().asString();
        Run unusable = verifier("--events", export, refused, proof, jwks());
        assertEquals(2, unusable.exit(), unusable.output());
        assertTrue(unusable.output().contains("holds an error answer, not what was asked for: 401"), unusable.output());
    }

    private static String consistency(String auditor, long from, long to) {
        return given().header("Authorization", auditor).queryParam("from", from).queryParam("to", to)
                .get("/api/v1/log/proofs/consistency").then().statusCode(200).extract().asString();
    }

    private static String withLine(List<String> lines, int index, String line) {
        List<String> changed = new ArrayList<>(lines);
        changed.set(index, line);
        return String.join("\n", changed);
    }

    @Test
    void aPartnersReceiptProvesItsDeliveryAndVerifiesOffline() throws Exception {
        String deliveryId = deliver(PARTNER);
        String receipt = receipt(PARTNER, deliveryId);
        JsonPath r = JsonPath.from(receipt);

        assertEquals(deliveryId, r.getString("deliveryId"));
        assertEquals("DELIVERY_SUCCEEDED", r.getString("event.action"));
        assertEquals(deliveryId, r.getString("event.subject.deliveryId"));
        assertEquals(PARTNER, r.getString("event.subject.partner"));
        assertEquals(new ObjectMapper().readTree(r.getString("leaf")), new ObjectMapper().readTree(
                new ObjectMapper().writeValueAsString(r.getMap("event"))), "event is the leaf, parsed");
        long seq = r.getLong("seq");
        long size = r.getLong("checkpoint.size");
        assertTrue(size >= seq, "the head covers the event");
        assertEquals(seq - 1, r.getLong("inclusionProof.leafIndex"));
        assertEquals(size, r.getLong("inclusionProof.treeSize"));
        HexFormat hex = HexFormat.of();
        assertTrue(Merkle.verifyInclusion(seq - 1, size, Merkle.leafHash(r.getString("leaf")),
                r.getList("inclusionProof.auditPath", String.class).stream().map(hex::parseHex).toList(),
                hex.parseHex(r.getString("checkpoint.root"))));

        Run run = verifier(receipt, jwks());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().startsWith("VALID: event " + seq + " (DELIVERY_SUCCEEDED, delivery " + deliveryId
                + ", partner " + PARTNER + ", payloadSha256 " + r.getString("event.payloadSha256") + ")"), run.output());

        // with the body the partner kept, the receipt proves that body is what the log records as delivered
        Run withBody = verifier(receipt, jwks(), "test"); // the fixture's payloadSha256 is SHA-256("test")
        assertEquals(0, withBody.exit(), withBody.output());
        assertTrue(withBody.output().endsWith("; the body given is the one delivered"), withBody.output());
        Run otherBody = verifier(receipt, jwks(), "test\n");
        assertEquals(1, otherBody.exit(), otherBody.output());
        assertEquals("INVALID: the body given has SHA-256 "
                + "f2ca1bb6c7e907d06dafe4687e579fce76b37e4e93b7605022da52e6ccc26fd2, not the "
                + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 the log records as delivered",
                otherBody.output());
    }

    @Test
    void theVerifierRejectsAReceiptWithOneByteChanged() throws Exception {
        String deliveryId = deliver(PARTNER);
        String receipt = receipt(PARTNER, deliveryId);
        String jwks = jwks();
        assertEquals(0, verifier(receipt, jwks).exit());

        // one byte of the hashed event text: the agency that the delivery went to
        int inLeaf = receipt.indexOf("CN-NNCC", receipt.indexOf("\"leaf\":"));
        String leafChanged = receipt.substring(0, inLeaf) + "CN-NNCD" + receipt.substring(inLeaf + "CN-NNCC".length());
        assertNotEquals(receipt, leafChanged);
        // one byte of the event as the partner reads it (here: the attempt that succeeded)
        String eventChanged = receipt.replaceFirst("\"attempt\":2", "\"attempt\":3");
        assertNotEquals(receipt, eventChanged);
        // one byte of the signed tree head's payload
        JsonPath r = JsonPath.from(receipt);
        String jws = r.getString("checkpoint.jws");
        String[] parts = jws.split("\\.");
        char last = parts[1].charAt(parts[1].length() - 2);
        String forgedJws = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + (last == 'A' ? 'B' : 'A')
                + parts[1].charAt(parts[1].length() - 1) + "." + parts[2];
        String jwsChanged = receipt.replace(jws, forgedJws);
        // one byte of the proof
        String path0 = r.getString("inclusionProof.auditPath[0]");
        String proofChanged = path0 == null ? receipt
                : receipt.replace(path0, (path0.charAt(0) == '0' ? "1" : "0") + path0.substring(1));

        for (Map.Entry<String, String> tampered : Map.of("leaf", leafChanged, "event", eventChanged, "jws", jwsChanged,
                "proof", proofChanged).entrySet()) {
            if (tampered.getValue().equals(receipt)) {
                continue; // a one-event log has an empty audit path: nothing to change there
            }
            Run run = verifier(tampered.getValue(), jwks);
            assertEquals(1, run.exit(), tampered.getKey() + ": " + run.output());
            assertTrue(run.output().startsWith("INVALID: "), run.output());
        }
        Run withOtherKeys = verifier(receipt, "{\"keys\":[]}");
        assertEquals(1, withOtherKeys.exit(), withOtherKeys.output());
    }

    @Inject
    EventRepository events;

    @Inject
    CheckpointService checkpoints;

    @Inject
    ProofService proofs;

    @Inject
    ObjectMapper json;

    /**
     * A success another producer logged, made into a receipt by whoever appended it (its text is theirs, its proof and
     * head anyone's): the verifier took it as proof of a delivery that never happened.
     */
    @Test
    void theVerifierRejectsASuccessThatSharingDidNotLog() throws Exception {
        Map<String, Object> claimed = event("intake", "DELIVERY_SUCCEEDED");
        String deliveryId = UUID.randomUUID().toString();
        claimed.put("subject", Map.of("deliveryId", deliveryId, "partner", PARTNER));
        post(intakeToken(), List.of(claimed)).then().statusCode(200);
        AuditEvent logged = events.find("eventId", UUID.fromString((String) claimed.get("eventId"))).firstResult();
        Checkpoint head = checkpoints.covering(logged.seq);
        Receipt forged = new Receipt(UUID.fromString(deliveryId), logged.seq,
                json.readTree(logged.canonical), logged.canonical, proofs.inclusion(logged.seq, head.size()), head);

        Run run = verifier(json.writeValueAsString(forged), jwks());
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("not by sharing"), run.output());
    }

    @Test
    void anotherPartnersDeliveryIsNotFoundAndTheAttemptIsLogged() {
        String deliveryId = deliver(PARTNER);
        String intruder = "US-HSI";
        given().header("Authorization", "Bearer " + partnerToken(intruder)).get("/api/v1/receipts/" + deliveryId)
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        given().header("Authorization", "Bearer " + partnerToken(intruder)).get("/api/v1/receipts/" + UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json");

        JsonPath denied = given().header("Authorization", "Bearer " + auditorToken("auditor-receipts"))
                .get(EVENTS + "?action=ACCESS_DENIED&agency=" + intruder + "&limit=100").then().statusCode(200)
                .extract().jsonPath();
        List<Map<String, Object>> items = denied.getList("items");
        assertTrue(items.stream().anyMatch(e -> deliveryId.equals(((Map<?, ?>) e.get("subject")).get("deliveryId"))
                && "DENIED".equals(e.get("outcome")) && "audit".equals(e.get("service"))), items.toString());
    }

    @Test
    void aReceiptIsLoggedAsARead() {
        String deliveryId = deliver(PARTNER);
        receipt(PARTNER, deliveryId);
        JsonPath logged = given().header("Authorization", "Bearer " + auditorToken("auditor-receipts"))
                .get(EVENTS + "?action=AUDIT_QUERIED&agency=" + PARTNER + "&limit=100").then().statusCode(200)
                .extract().jsonPath();
        List<Map<String, Object>> items = logged.getList("items");
        assertTrue(items.stream().anyMatch(e -> e.get("subject") instanceof Map<?, ?> s
                && deliveryId.equals(s.get("deliveryId")) && PARTNER.equals(s.get("partner"))), items.toString());
    }

    @Test
    void onlyPartnersGetReceiptsAndOnlyForSuccessfulDeliveries() {
        String deliveryId = deliver(PARTNER);
        given().header("Authorization", "Bearer " + auditorToken("a")).get("/api/v1/receipts/" + deliveryId)
                .then().statusCode(403);
        given().header("Authorization", "Bearer " + TestTokens.person("liaison-officer", "CN-NNCC", "CN"))
                .get("/api/v1/receipts/" + deliveryId).then().statusCode(403);
        given().get("/api/v1/receipts/" + deliveryId).then().statusCode(401);
        given().header("Authorization", "Bearer " + partnerToken(PARTNER)).get("/api/v1/receipts/not-a-uuid")
                .then().statusCode(400).contentType("application/problem+json");

        Map<String, Object> failed = event("sharing", "DELIVERY_FAILED");
        String failedId = UUID.randomUUID().toString();
        failed.put("subject", Map.of("deliveryId", failedId, "partner", PARTNER));
        failed.put("outcome", "FAILURE");
        post(sharingToken(), List.of(failed)).then().statusCode(200);
        given().header("Authorization", "Bearer " + partnerToken(PARTNER)).get("/api/v1/receipts/" + failedId)
                .then().statusCode(404);

        // a success another producer logged proves nothing: only sharing-service delivers
        Map<String, Object> claimed = event("intake", "DELIVERY_SUCCEEDED");
        String claimedId = UUID.randomUUID().toString();
        claimed.put("subject", Map.of("deliveryId", claimedId, "partner", PARTNER));
        post(intakeToken(), List.of(claimed)).then().statusCode(200);
        given().header("Authorization", "Bearer " + partnerToken(PARTNER)).get("/api/v1/receipts/" + claimedId)
                .then().statusCode(404);
    }
}
