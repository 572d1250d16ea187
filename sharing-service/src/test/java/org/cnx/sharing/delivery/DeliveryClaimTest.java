package org.cnx.sharing.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.cnx.sharing.FakePartners;
import org.cnx.sharing.InjectWireMock;
import org.cnx.sharing.PartnerInbox;
import org.cnx.sharing.Reports;
import org.cnx.sharing.TestKeys;
import org.cnx.sharing.TestTokens;
import org.hibernate.Session;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The relay's claims and fencing, driven by hand (the relay is off here), and the JWKS during a key
 * rotation (sharing signs with its current key and still publishes the previous one).
 */
@QuarkusTest
@TestProfile(DeliveryClaimTest.RelayOffDuringKeyRotation.class)
@QuarkusTestResource(FakePartners.class)
class DeliveryClaimTest {

    public static class RelayOffDuringKeyRotation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            TestKeys.ensure();
            return Map.of("cnx.delivery.relay-enabled", "false",
                    "cnx.jwt.self.previous-public-key-locations", TestKeys.publicKey("sharing-previous").toString());
        }
    }

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Inject
    DeliveryStore store;

    @Inject
    DeliveryOutcomes outcomes;

    @Inject
    DeliverySigner signer;

    @Inject
    EntityManager em;

    @Inject
    DataSource dataSource;

    @InjectWireMock
    WireMockServer partners;

    /** Nothing left due from an earlier test: every delivery so far is closed. */
    @BeforeEach
    void closeEverything() {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE delivery SET status = 'CANCELLED', claim = NULL, lease_until = NULL WHERE status = 'PENDING'")
                .executeUpdate());
    }

    private static void handOver(int count, String partner) {
        String[] messages = new String[count];
        for (int i = 0; i < count; i++) {
            messages[i] = Reports.message(UUID.randomUUID(), "US-CBP", "US", "GREEN",
                    "{\"releasableTo\":[\"" + partner + "\"]}");
        }
        Reports.handOver(messages).statusCode(200);
    }

    private static Map<String, Long> perPartner(List<DeliveryStore.Claimed> claimed) {
        return claimed.stream().collect(Collectors.groupingBy(DeliveryStore.Claimed::partner, Collectors.counting()));
    }

    @Test
    void aClaimTakesAtMostEachPartnersFreeCapacityAndLeavesTheRestUnclaimed() throws Exception {
        handOver(6, "CN-NNCC");
        handOver(2, "CN-MPS");

        // three requests already in flight to CN-NNCC (limit 4): one more for it, both of CN-MPS
        assertEquals(Map.of("CN-NNCC", 1L, "CN-MPS", 2L), perPartner(store.claim(Map.of("CN-NNCC", 3), 4, LEASE)));
        // CN-NNCC full; CN-MPS's rows are leased: nothing
        assertTrue(store.claim(Map.of("CN-NNCC", 4), 4, LEASE).isEmpty());
        // with its lane empty, CN-NNCC gets four of its five remaining
        assertEquals(Map.of("CN-NNCC", 4L), perPartner(store.claim(Map.of(), 4, LEASE)));

        // an inactive partner's rows stay pending and unclaimed
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE partner SET active = false WHERE code = 'CN-NNCC'").executeUpdate());
        try {
            assertTrue(store.claim(Map.of(), 4, LEASE).isEmpty());
        } finally {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                    "UPDATE partner SET active = true WHERE code = 'CN-NNCC'").executeUpdate());
        }
        assertEquals(Map.of("CN-NNCC", 1L), perPartner(store.claim(Map.of(), 4, LEASE)));
    }

    @Test
    void aRelayThatLostItsLeaseCannotRecordItsOutcome() throws Exception {
        handOver(1, "CN-GACC");
        DeliveryStore.Claimed first = store.claim(Map.of(), 4, LEASE).get(0);
        assertEquals(1, first.attempt());
        // leased: no other relay gets it
        assertTrue(store.claim(Map.of(), 4, LEASE).isEmpty());

        // the first relay stalls past its lease (as if it crashed); another relay claims the row again
        expireLease(first.id());
        DeliveryStore.Claimed second = store.claim(Map.of(), 4, LEASE).get(0);
        assertEquals(first.id(), second.id());
        assertEquals(2, second.attempt());
        assertNotEquals(first.claim(), second.claim());

        // the first relay wakes up with a success: it is fenced out, nothing is recorded
        Instant now = Instant.now();
        assertEquals(0, outcomes.record(List.of(new DeliveryOutcomes.Attempted(first,
                new DeliverySender.Result(RetryPolicy.Verdict.DELIVERED, 200, null, Duration.ZERO, now, now)))));
        assertEquals("PENDING", column(first.id(), "status"));

        // the holder of the current claim records its outcome
        assertEquals(1, outcomes.record(List.of(new DeliveryOutcomes.Attempted(second,
                new DeliverySender.Result(RetryPolicy.Verdict.FAILED, 400, "HTTP 400", Duration.ZERO, now, now)))));
        assertEquals("FAILED", column(first.id(), "status"));
        assertEquals("400", column(first.id(), "last_status"));
        // ...exactly once: replaying the same outcome changes nothing
        assertEquals(0, outcomes.record(List.of(new DeliveryOutcomes.Attempted(second,
                new DeliverySender.Result(RetryPolicy.Verdict.DELIVERED, 200, null, Duration.ZERO, now, now)))));
        assertEquals("FAILED", column(first.id(), "status"));

        List<Map<String, Object>> events = await().atMost(Duration.ofSeconds(15)).until(
                () -> PartnerInbox.auditEvents(partners).stream()
                        .filter(e -> e.get("subject") instanceof Map<?, ?> subject
                                && first.id().toString().equals(subject.get("deliveryId")))
                        .toList(), l -> l.size() >= 2);
        assertEquals(List.of("DELIVERY_ATTEMPTED", "DELIVERY_FAILED"), events.stream().map(e -> e.get("action")).toList());
        assertEquals(2, ((Map<?, ?>) events.get(0).get("details")).get("attempt"));
        assertEquals(1L, ((Number) em.createNativeQuery("SELECT count(*) FROM delivery_attempt WHERE delivery_id = :id")
                .setParameter("id", first.id()).getSingleResult()).longValue());
    }

    @Test
    void aCrashedRelaysClaimsAreRecoveredAfterTheLease() throws Exception {
        handOver(3, "CN-MPS");
        // a lease long enough that a slow machine's next claim still finds it held, short enough to wait out
        List<DeliveryStore.Claimed> crashed = store.claim(Map.of(), 4, Duration.ofSeconds(2));
        assertEquals(3, crashed.size());
        assertTrue(store.claim(Map.of(), 4, LEASE).isEmpty());
        List<DeliveryStore.Claimed> recovered = await().atMost(Duration.ofSeconds(10))
                .until(() -> store.claim(Map.of(), 4, LEASE), claimed -> !claimed.isEmpty());
        assertEquals(crashed.stream().map(DeliveryStore.Claimed::id).collect(Collectors.toSet()),
                recovered.stream().map(DeliveryStore.Claimed::id).collect(Collectors.toSet()));
        assertTrue(recovered.stream().allMatch(c -> c.attempt() == 2));
    }

    /**
     * An attempt cut short by a shutdown is given back uncounted, but its request may have reached the partner: the
     * report's withdrawal recalls it. It used to cancel the record as never sent, and the partner kept the report.
     * The attempt is in the history and the log as what it was: neither said a thing, and the partner held two
     * requests of a delivery logged as tried once.
     */
    @Test
    void anAttemptGivenBackAtShutdownIsRecordedAndRecalledByAWithdrawal() throws Exception {
        UUID report = UUID.randomUUID();
        Reports.handOver(Reports.message(report, "US-CBP", "US", "GREEN", "{\"releasableTo\":[\"CN-GACC\"]}"))
                .statusCode(200);
        DeliveryStore.Claimed cut = store.claim(Map.of(), 4, LEASE).get(0);
        assertEquals(report, cut.reportId());
        assertTrue(givenBack(cut));
        assertEquals("0", column(cut.id(), "attempts"), "not counted against the partner");
        assertEquals("PENDING", column(cut.id(), "status"));
        String officer = Reports.officer("US-CBP", "US", "officer-us-cut");
        given().auth().oauth2(officer).get("/api/v1/deliveries/" + cut.id()).then().statusCode(200)
                .body("attemptHistory.outcome", equalTo(List.of("GIVEN_BACK")))
                .body("attemptHistory[0].error", equalTo("cut short by the shutdown, given back uncounted"));
        Map<String, Object> attempted = await().atMost(Duration.ofSeconds(15)).until(() -> PartnerInbox
                .auditEvents(partners, report, "DELIVERY_ATTEMPTED").stream()
                .filter(e -> cut.id().toString().equals(((Map<?, ?>) e.get("subject")).get("deliveryId"))).toList(),
                l -> !l.isEmpty()).get(0);
        assertEquals("GIVEN_BACK", ((Map<?, ?>) attempted.get("details")).get("result"), attempted.toString());
        assertEquals(1, ((Map<?, ?>) attempted.get("details")).get("attempt"), attempted.toString());

        given().auth().oauth2(Reports.intakeToken()).contentType("application/json").body("""
                [{"reportId":"%s","agency":"US-CBP","reason":"source compromised","withdrawnAt":"%s"}]"""
                .formatted(report, Instant.now())).post("/internal/v1/recalls").then().statusCode(200)
                .body("accepted", equalTo(1));
        assertEquals(List.of("RECALLED"), given().auth().oauth2(officer).queryParam("reportId", report)
                .queryParam("partner", "CN-GACC").get("/api/v1/releases").then().statusCode(200).extract().jsonPath()
                .getList("items.status"));
        assertEquals(Set.of("RECORD", "RECALL"), Set.copyOf(given().auth().oauth2(officer)
                .queryParam("reportId", report).get("/api/v1/deliveries").then().statusCode(200).extract().jsonPath()
                .getList("items.kind")));
    }

    /**
     * An attempt in flight as its report is withdrawn, then cut short by a shutdown: the delivery stays cancelled, and
     * the attempt, which may have reached the partner (the withdrawal's recall counts on it), is recorded all the
     * same. It went unrecorded, logged as a claim lost.
     */
    @Test
    void anAttemptCutShortOnADeliveryCancelledMeanwhileIsRecordedAndItStaysCancelled() throws Exception {
        DeliveryStore.Claimed inFlight = inFlightToCnGacc();
        given().auth().oauth2(Reports.intakeToken()).contentType("application/json").body("""
                [{"reportId":"%s","agency":"US-CBP","withdrawnAt":"%s"}]""".formatted(inFlight.reportId(),
                Instant.now())).post("/internal/v1/recalls").then().statusCode(200);
        assertEquals("CANCELLED", column(inFlight.id(), "status"));
        assertTrue(givenBack(inFlight));
        assertEquals("CANCELLED", column(inFlight.id(), "status"));
        assertEquals("null", column(inFlight.id(), "claim"));
        given().auth().oauth2(Reports.officer("US-CBP", "US", "officer-us-cut-2")).get("/api/v1/deliveries/"
                + inFlight.id()).then().statusCode(200).body("attemptHistory.outcome", equalTo(List.of("GIVEN_BACK")));
    }

    /**
     * An attempt in flight as its report is withdrawn lands: the partner holds the record. Its delivery stayed
     * CANCELLED, so an officer listing what was delivered did not see it (only a deliveredAt on a cancelled row).
     */
    @Test
    void aRecordThatLandsAfterItsCancellationIsShownDelivered() throws Exception {
        DeliveryStore.Claimed inFlight = inFlightToCnGacc();
        UUID report = inFlight.reportId();
        given().auth().oauth2(Reports.intakeToken()).contentType("application/json").body("""
                [{"reportId":"%s","agency":"US-CBP","withdrawnAt":"%s"}]""".formatted(report, Instant.now()))
                .post("/internal/v1/recalls").then().statusCode(200).body("accepted", equalTo(1));
        assertEquals(1, landed(inFlight));

        String officer = Reports.officer("US-CBP", "US", "officer-us-landed");
        JsonPath record = given().auth().oauth2(officer).queryParam("reportId", report)
                .queryParam("status", "DELIVERED").get("/api/v1/deliveries").then().statusCode(200).extract()
                .jsonPath();
        assertEquals(List.of("RECORD"), record.getList("items.kind"), "the record that reached CN-GACC");
        assertEquals(inFlight.id().toString(), record.getString("items[0].id"));
        assertEquals(List.of("RECALLED"), given().auth().oauth2(officer).queryParam("reportId", report)
                .queryParam("partner", "CN-GACC").get("/api/v1/releases").then().statusCode(200).extract().jsonPath()
                .getList("items.status"), "and its release recalled");
    }

    /**
     * A partner's removal fails its pending deliveries, one in flight too (its claim kept, so that its outcome is
     * recorded): one that landed stayed FAILED, and an officer read that the partner was never told what it was. In a
     * removal that is a recall (records are cancelled first); a record stands in for it: the store reads no kind.
     */
    @Test
    void aDeliveryFailedByItsPartnersRemovalWhileInFlightShowsDeliveredWhenItLands() throws Exception {
        DeliveryStore.Claimed inFlight = inFlightToCnGacc();
        // what the removal does to the partner's deliveries, without removing a partner other tests use
        QuarkusTransaction.requiringNew().run(() -> em.unwrap(Session.class)
                .doWork(c -> store.failPendingOf(c, "CN-GACC")));
        assertEquals("FAILED", column(inFlight.id(), "status"));
        assertEquals(1, landed(inFlight));
        assertEquals("DELIVERED", column(inFlight.id(), "status"));
    }

    /** One that did not land stays failed, and says why: an in-flight 503 replaced "partner is not registered". */
    @Test
    void aDeliveryFailedByItsPartnersRemovalKeepsItsReasonWhenItsAttemptFails() throws Exception {
        DeliveryStore.Claimed inFlight = inFlightToCnGacc();
        QuarkusTransaction.requiringNew().run(() -> em.unwrap(Session.class)
                .doWork(c -> store.failPendingOf(c, "CN-GACC")));
        Instant now = Instant.now();
        assertEquals(1, outcomes.record(List.of(new DeliveryOutcomes.Attempted(inFlight,
                new DeliverySender.Result(RetryPolicy.Verdict.RETRY, 503, "HTTP 503", Duration.ZERO, now, now)))));
        assertEquals("FAILED", column(inFlight.id(), "status"));
        assertEquals("partner is not registered", column(inFlight.id(), "last_error"));
        // and the HTTP status beside it is not the 503's, which an officer read as the removal's (the attempt's
        // history has it)
        assertEquals("null", column(inFlight.id(), "last_status"));
    }

    /** A delivery waiting after a 503 when its partner is removed: the 503 stood beside the removal's reason. */
    @Test
    void aDeliveryFailedByItsPartnersRemovalShowsNoEarlierAttemptsStatusBesideItsReason() throws Exception {
        DeliveryStore.Claimed first = inFlightToCnGacc();
        Instant now = Instant.now();
        assertEquals(1, outcomes.record(List.of(new DeliveryOutcomes.Attempted(first,
                new DeliverySender.Result(RetryPolicy.Verdict.RETRY, 503, "HTTP 503", Duration.ZERO, now, now)))));
        assertEquals("503", column(first.id(), "last_status"));
        QuarkusTransaction.requiringNew().run(() -> em.unwrap(Session.class)
                .doWork(c -> store.failPendingOf(c, "CN-GACC")));
        assertEquals("FAILED", column(first.id(), "status"));
        assertEquals("partner is not registered", column(first.id(), "last_error"));
        assertEquals("null", column(first.id(), "last_status"));
    }

    /**
     * A delivery its partner's removal failed (audited as that) whose attempt in flight was then refused for good: the
     * relay audited a second DELIVERY_FAILED, for the refusal, though the delivery had ended already and kept the
     * removal's reason. The attempt is audited; the end is not, again.
     */
    @Test
    void aDeliveryFailedByItsPartnersRemovalIsNotFailedAgainByItsAttemptsRefusal() throws Exception {
        DeliveryStore.Claimed inFlight = inFlightToCnGacc();
        QuarkusTransaction.requiringNew().run(() -> em.unwrap(Session.class)
                .doWork(c -> store.failPendingOf(c, "CN-GACC")));
        Instant now = Instant.now();
        assertEquals(1, outcomes.record(List.of(new DeliveryOutcomes.Attempted(inFlight,
                new DeliverySender.Result(RetryPolicy.Verdict.FAILED, 404, "HTTP 404", Duration.ZERO, now, now)))));
        assertEquals("partner is not registered", column(inFlight.id(), "last_error"));
        // recorded together, in one outbox message: once the attempt is in, a second end would be too
        List<String> actions = await().atMost(Duration.ofSeconds(15)).until(() -> PartnerInbox
                .auditEvents(partners, inFlight.reportId()).stream()
                .filter(e -> inFlight.id().toString().equals(((Map<?, ?>) e.get("subject")).get("deliveryId")))
                .map(e -> (String) e.get("action")).toList(), l -> l.contains("DELIVERY_ATTEMPTED"));
        assertEquals(List.of("DELIVERY_ATTEMPTED"), actions);
    }

    /**
     * An admin changing a partner while the relay records its 410: the admin held the partner's row and went on to its
     * deliveries (a change cancels what no longer may leave), the relay held those deliveries and went on to the
     * partner's row (to disable it). PostgreSQL ended one of the two after a second: the admin's change was a 500,
     * or the relay's whole batch of outcomes was recorded again. The relay now takes the partner's row first too.
     */
    @Test
    void aGoneAnswerRecordedWhileAnAdminChangesThePartnerWaitsForTheAdminInsteadOfDeadlocking() throws Exception {
        DeliveryStore.Claimed inFlight = inFlightToCnGacc();
        try {
            assertEquals(1, recordedWhileAdminChanges(List.of(inFlight), RetryPolicy.Verdict.GONE, 410,
                    List.of("SELECT 1 FROM partner WHERE code = 'CN-GACC' FOR UPDATE"),
                    List.of("UPDATE delivery SET last_error = last_error WHERE id = '" + inFlight.id() + "'")));
            assertEquals("false", String.valueOf(QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                    "SELECT active FROM partner WHERE code = 'CN-GACC'").getSingleResult())), "the 410 disabled it");
        } finally {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("UPDATE partner SET active = true, "
                    + "disabled_at = NULL, disabled_reason = NULL WHERE code = 'CN-GACC'").executeUpdate());
        }
        assertEquals("1", column(inFlight.id(), "attempts"));
    }

    /**
     * An admin moving a partner while the relay records a 404 from the address being left: the relay compared the
     * attempt's endpoint with the entry as committed, the old one, and the delivery stayed failed; the move then made
     * due only what was pending. The relay now waits for the change in progress, and the delivery goes on at the new
     * endpoint.
     */
    @Test
    void anAttemptFailedAtTheOldEndpointWhileAnAdminMovesThePartnerGoesOnAtTheNewOne() throws Exception {
        DeliveryStore.Claimed inFlight = inFlightToCnGacc();
        try {
            assertEquals(1, recordedWhileAdminChanges(List.of(inFlight), RetryPolicy.Verdict.FAILED, 404,
                    List.of("SELECT 1 FROM partner WHERE code = 'CN-GACC' FOR UPDATE",
                            "UPDATE partner SET endpoint = endpoint || '/moved' WHERE code = 'CN-GACC'"),
                    List.of()));
            assertEquals("PENDING", column(inFlight.id(), "status"), "due again, at the endpoint the partner is at");
        } finally {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("UPDATE partner SET endpoint = "
                    + "left(endpoint, length(endpoint) - 6) WHERE code = 'CN-GACC' AND endpoint LIKE '%/moved'")
                    .executeUpdate());
        }
    }

    /**
     * Two records in flight, cancelled by a change (which locks deliveries in id order) while the relay records both
     * outcomes: the relay locked them in the order the attempts finished, the change the other way round, and
     * PostgreSQL ended one of the two after a second (the admin's change a 500). The relay locks them in id order too.
     */
    @Test
    void outcomesRecordedWhileAChangeCancelsTheirRecordsWaitInsteadOfDeadlocking() throws Exception {
        String forCnGacc = "{\"releasableTo\":[\"CN-GACC\"]}";
        Reports.handOver(Reports.message(UUID.randomUUID(), "US-CBP", "US", "GREEN", forCnGacc),
                Reports.message(UUID.randomUUID(), "US-CBP", "US", "GREEN", forCnGacc)).statusCode(200);
        // in PostgreSQL's order (UUID's compareTo is signed)
        List<DeliveryStore.Claimed> claimed = store.claim(Map.of(), 4, LEASE).stream()
                .sorted(Comparator.comparing(c -> c.id().toString())).toList();
        assertEquals(2, claimed.size());
        UUID low = claimed.get(0).id();
        UUID high = claimed.get(1).id();
        // the lower one's row version last in the table: a scan of it meets the higher one first
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE delivery SET last_error = last_error WHERE id = :id").setParameter("id", low).executeUpdate());
        // the higher one finished first
        assertEquals(2, recordedWhileAdminChanges(List.of(claimed.get(1), claimed.get(0)), RetryPolicy.Verdict.RETRY,
                503, List.of("UPDATE delivery SET status = 'CANCELLED' WHERE id = '" + low + "'"),
                List.of("UPDATE delivery SET status = 'CANCELLED' WHERE id = '" + high + "'")));
        assertEquals("CANCELLED", column(low, "status"));
        assertEquals("CANCELLED", column(high, "status"));
    }

    /**
     * Records the {@code verdict} of these attempts while an admin's transaction runs: it runs {@code first}, the relay
     * starts recording and gets as far as it can (until it waits for the admin, or is done), the admin runs
     * {@code then} and commits. Returns how many outcomes were recorded; a deadlock fails the relay or the admin. (A
     * fixed 700 ms stood for "as far as it can": on a busy machine the relay had not reached its lock by then, the two
     * never met, and a relay locking in the wrong order passed.)
     */
    private int recordedWhileAdminChanges(List<DeliveryStore.Claimed> attempts, RetryPolicy.Verdict verdict,
            int status, List<String> first, List<String> then) throws Exception {
        ExecutorService relay = Executors.newSingleThreadExecutor();
        try (Connection admin = dataSource.getConnection(); Statement s = admin.createStatement()) {
            admin.setAutoCommit(false);
            s.execute("SET LOCAL lock_timeout = '10s'");
            int adminPid;
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                adminPid = rs.getInt(1);
            }
            for (String sql : first) {
                s.execute(sql);
            }
            Instant now = Instant.now();
            Future<Integer> recorded = relay.submit(() -> outcomes.record(attempts.stream()
                    .map(a -> new DeliveryOutcomes.Attempted(a, new DeliverySender.Result(verdict, status,
                            "HTTP " + status, Duration.ZERO, now, now)))
                    .toList()));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> recorded.isDone() || waitsFor(adminPid));
            for (String sql : then) {
                s.execute(sql);
            }
            admin.commit();
            return recorded.get(15, TimeUnit.SECONDS);
        } finally {
            relay.shutdownNow();
        }
    }

    /** Whether a session of this database waits for a lock that the session {@code pid} holds. */
    private boolean waitsFor(int pid) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    /** One GREEN report of US-CBP handed over for CN-GACC, its delivery claimed: an attempt in flight. */
    private DeliveryStore.Claimed inFlightToCnGacc() throws Exception {
        Reports.handOver(Reports.message(UUID.randomUUID(), "US-CBP", "US", "GREEN",
                "{\"releasableTo\":[\"CN-GACC\"]}")).statusCode(200);
        return store.claim(Map.of(), 4, LEASE).get(0);
    }

    /** Records {@code attempt} cut short by a shutdown, as the relay does; whether it still held its claim. */
    private boolean givenBack(DeliveryStore.Claimed attempt) {
        Instant now = Instant.now();
        return outcomes.givenBack(new DeliveryOutcomes.Attempted(attempt, new DeliverySender.Result(
                RetryPolicy.Verdict.RETRY, null, "cut short by the shutdown, given back uncounted", Duration.ZERO, now,
                now)));
    }

    /** Records that {@code attempt} landed (a 200); how many outcomes were recorded. */
    private int landed(DeliveryStore.Claimed attempt) {
        Instant now = Instant.now();
        return outcomes.record(List.of(new DeliveryOutcomes.Attempted(attempt,
                new DeliverySender.Result(RetryPolicy.Verdict.DELIVERED, 200, null, Duration.ZERO, now, now))));
    }

    private void expireLease(UUID id) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE delivery SET lease_until = now() - interval '1 second' WHERE id = :id")
                .setParameter("id", id).executeUpdate());
    }

    private String column(UUID id, String column) {
        return String.valueOf(QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT " + column + " FROM delivery WHERE id = :id").setParameter("id", id).getSingleResult()));
    }

    @Test
    void duringAKeyRotationTheJwksPublishesTheCurrentAndThePreviousKeyAndDeliveriesAreSignedWithTheCurrent()
            throws Exception {
        JsonWebKeySet jwks = new JsonWebKeySet(given().get("/.well-known/jwks.json").then().statusCode(200)
                .extract().asString());
        assertEquals(2, jwks.getJsonWebKeys().size());
        String current = jwks.getJsonWebKeys().get(0).getKeyId();
        String previous = jwks.getJsonWebKeys().get(1).getKeyId();
        assertEquals(thumbprint("sharing"), current);
        assertEquals(thumbprint("sharing-previous"), previous);

        UUID delivery = UUID.randomUUID();
        String sha = "ab".repeat(32);
        String token = signer.sign(delivery, "CN-NNCC", sha);
        assertEquals(current, JsonWebSignature.fromCompactSerialization(token).getKeyIdHeaderValue());
        JwtConsumer partner = partnerVerifier(jwks, "CN-NNCC");
        assertEquals(delivery.toString(), partner.processToClaims(token).getJwtId());

        // a delivery signed with the previous key before the switch (e.g. by a replica not yet restarted) verifies
        assertEquals(delivery.toString(), partner.processToClaims(signedWith("sharing-previous", delivery)).getJwtId());
        // a key that is not published does not
        assertThrows(InvalidJwtException.class, () -> partner.processToClaims(signedWith("rogue", delivery)));
    }

    private static JwtConsumer partnerVerifier(JsonWebKeySet jwks, String partner) {
        return new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                .setExpectedIssuer("cnx-sharing").setExpectedAudience(partner).setRequireExpirationTime()
                .build();
    }

    private static String signedWith(String keyName, UUID delivery) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("cnx-sharing");
        claims.setSubject("cnx-sharing");
        claims.setAudience("CN-NNCC");
        claims.setJwtId(delivery.toString());
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(thumbprint(keyName));
        jws.setKey(TestTokens.privateKey(TestKeys.privateKey(keyName)));
        return jws.getCompactSerialization();
    }

    private static String thumbprint(String keyName) throws Exception {
        String pem = Files.readString(TestKeys.publicKey(keyName));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return PublicJsonWebKey.Factory.newPublicJwk(KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(der))).calculateBase64urlEncodedThumbprint("SHA-256");
    }
}
