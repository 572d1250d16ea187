package org.cnx.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * Delivery under faults, with sharing-service (and audit-service) as real processes and partner
 * endpoints in WireMock on loopback: a flaky partner, a partner down for the whole schedule, a partner
 * that hangs, a kill -9 with hundreds of deliveries in flight, and two replicas on one database. Retries
 * are fast here (200 ms × 1.5ⁿ, 8 attempts within ~7 s); the request time-out is 5 s and the lease 8 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryFaultsIT {

    private static final Path WORK = Cnx.ROOT.resolve("deploy/e2e/target/e2e-delivery");
    private static final String DELIVERY_ID = "X-Cnx-Delivery-Id";

    private static Keys keys;
    private static Tokens tokens;
    private static Service audit;
    private static Service sharing;
    private static WireMockServer partners;
    private static String admin;
    private static String officer;
    private static String auditor;
    private final List<String> registered = new ArrayList<>();

    @BeforeAll
    static void startSystem() {
        keys = new Keys(WORK.resolve("keys"));
        tokens = new Tokens(keys.privateKey("idp"));
        admin = tokens.person("exchange-admin", "US-DHS", "US", "admin-faults");
        officer = tokens.person("liaison-officer", "US-CBP", "US", "officer-faults");
        auditor = tokens.person("auditor", "US-DEA", "US", "auditor-faults");
        partners = new WireMockServer(options().dynamicPort().containerThreads(100)
                .asynchronousResponseEnabled(true).asynchronousResponseThreads(20));
        partners.start();
        partners.stubFor(post(urlPathMatching("/partners/.*")).willReturn(aResponse().withStatus(200)));

        Path logs = WORK.resolve("logs");
        audit = Cnx.audit(logs);
        sharing = Cnx.service("sharing", "sharing-service", "sharing", logs)
                .env("CNX_PARTNERS_ALLOW_LOCAL_ENDPOINTS", "true") // WireMock listens on loopback
                .env("CNX_PARTNERS_SEED", "false")                 // each test registers its own partners
                .env("CNX_DELIVERY_INITIAL_BACKOFF", "200ms")
                .env("CNX_DELIVERY_BACKOFF_MULTIPLIER", "1.5")
                .env("CNX_DELIVERY_POLL_INTERVAL", "250ms")
                .env("CNX_DELIVERY_CONNECT_TIMEOUT", "1s")
                .env("CNX_DELIVERY_REQUEST_TIMEOUT", "5s")
                .env("CNX_DELIVERY_LEASE", "8s")
                .env("CNX_DELIVERY_SHUTDOWN_GRACE", "1s")
                .env("CNX_DELIVERY_HOUSEKEEPING_INTERVAL", "2s");
        for (Service s : List.of(audit, sharing)) {
            s.env("CNX_KEYS_DIR", keys.dir.toString()).env("CNX_AUDIT_URL", audit.url());
        }
        audit.start(Cnx.CLEAN);
        sharing.start(Cnx.CLEAN);
    }

    @AfterAll
    static void stopSystem() throws InterruptedException {
        for (Service s : new Service[] {sharing, audit}) {
            if (s != null) {
                s.stop();
            }
        }
        if (partners != null) {
            partners.stop();
        }
    }

    @AfterEach
    void removeTestPartners() {
        registered.forEach(code -> Cnx.removePartner(sharing, admin, code));
    }

    private void register(String code, String endpoint) {
        Cnx.registerPartner(sharing, admin, code, endpoint);
        registered.add(code);
    }

    private void register(String code) {
        register(code, partners.baseUrl() + path(code));
    }

    private static String path(String code) {
        return "/partners/" + code + "/deliveries";
    }

    private static List<String> handOver(int count, String... partnerCodes) {
        List<String> ids = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id.toString());
            batch.add(Cnx.handover(id, List.of(partnerCodes)));
        }
        // one batch, due at once: in batches of 50 a slow machine delivered the first ones while the last were sent
        Cnx.handOver(sharing, keys.privateKey("intake"), batch);
        return ids;
    }

    private static final int R1_MILLIS = 50;

    /**
     * The most requests that began within {@code millis} of one another. A lane's next request begins only after
     * its previous one was answered, so for a partner that takes longer than that to answer, this is at most the
     * requests in flight to it at once.
     */
    private static int mostBegunWithin(List<LoggedRequest> requests, long millis) {
        long[] begun = requests.stream().mapToLong(r -> r.getLoggedDate().getTime()).sorted().toArray();
        int most = 0;
        for (int first = 0, last = 0; last < begun.length; last++) {
            while (begun[last] - begun[first] >= millis) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    private static List<LoggedRequest> received(WireMockServer server, String code) {
        return server.findAll(postRequestedFor(urlEqualTo(path(code))));
    }

    private static final Pattern REPORT_ID = Pattern.compile("\"reportId\":\"([0-9a-f-]{36})\"");

    /** The report a delivery carries (a regex, not a JSON parse: the awaits below poll thousands of bodies). */
    private static String reportOf(LoggedRequest request) {
        Matcher m = REPORT_ID.matcher(request.getBodyAsString());
        return m.find() ? m.group(1) : null;
    }

    private static Map<String, Object> deliveryOf(String reportId) {
        List<Map<String, Object>> found = Cnx.deliveries(sharing, officer, Map.of("reportId", reportId));
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }

    private static List<Map<String, Object>> events(String reportId) {
        return Cnx.events(audit, auditor, Map.of("reportId", reportId));
    }

    private static List<Map<String, Object>> withAction(List<Map<String, Object>> events, String action) {
        return events.stream().filter(e -> action.equals(e.get("action"))).toList();
    }

    private static Object detail(Map<String, Object> event, String key) {
        return Cnx.map(event.get("details")).get(key);
    }

    /** Verifies a delivery as a partner must: signature by a key in sharing's JWKS, aud, jti, body hash. */
    private static void verifySigned(LoggedRequest request, String partner) throws Exception {
        JsonWebKeySet jwks = new JsonWebKeySet(given().baseUri(sharing.url()).get("/.well-known/jwks.json").then()
                .statusCode(200).extract().asString());
        JwtClaims claims = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                .setExpectedIssuer("cnx-sharing").setExpectedAudience(partner).setRequireExpirationTime().build()
                .processToClaims(request.getHeader("Authorization").substring("Bearer ".length()));
        assertEquals(request.getHeader(DELIVERY_ID), claims.getJwtId());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(request.getBody())),
                claims.getStringClaimValue("body_sha256"));
    }

    @Test
    @Order(1)
    void aPartnerAnswering500ThreeTimesGetsTheRecordOnAttempt4AndAll4AttemptsAreAudited() throws Exception {
        register("MX-FLAKY");
        String flaky = path("MX-FLAKY");
        String[] states = {Scenario.STARTED, "failed-1", "failed-2", "failed-3"};
        for (int i = 0; i < 3; i++) {
            partners.stubFor(post(urlEqualTo(flaky)).inScenario("flaky").whenScenarioStateIs(states[i])
                    .willReturn(aResponse().withStatus(500)).willSetStateTo(states[i + 1]));
        }
        partners.stubFor(post(urlEqualTo(flaky)).inScenario("flaky").whenScenarioStateIs(states[3])
                .willReturn(aResponse().withStatus(200)));

        String report = handOver(1, "MX-FLAKY").get(0);

        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryOf(report).get("status"), "DELIVERED"::equals);
        assertEquals(4, deliveryOf(report).get("attempts"));
        List<LoggedRequest> attempts = received(partners, "MX-FLAKY");
        assertEquals(4, attempts.size());
        assertEquals(1, attempts.stream().map(r -> r.getHeader(DELIVERY_ID)).distinct().count());
        verifySigned(attempts.get(3), "MX-FLAKY");

        List<Map<String, Object>> events = await().atMost(Duration.ofSeconds(30)).until(() -> events(report),
                e -> withAction(e, "DELIVERY_ATTEMPTED").size() == 4 && withAction(e, "DELIVERY_SUCCEEDED").size() == 1);
        List<Map<String, Object>> attempted = new ArrayList<>(withAction(events, "DELIVERY_ATTEMPTED"));
        attempted.sort(Comparator.comparing(e -> (Integer) detail(e, "attempt")));
        assertEquals(List.of(1, 2, 3, 4), attempted.stream().map(e -> detail(e, "attempt")).toList());
        assertEquals(List.of(500, 500, 500, 200), attempted.stream().map(e -> detail(e, "httpStatus")).toList());
        assertEquals(List.of("FAILURE", "FAILURE", "FAILURE", "SUCCESS"), attempted.stream().map(e -> e.get("outcome")).toList());
        assertEquals(attempts.get(0).getHeader(DELIVERY_ID),
                Cnx.map(withAction(events, "DELIVERY_SUCCEEDED").get(0).get("subject")).get("deliveryId"));
    }

    @Test
    @Order(2)
    void aPartnerDownForTheWholeScheduleIsDeadLetteredAndARedeliveryThenSucceeds() {
        int port = Service.freePort(); // nothing listens there (no Service gets it): every attempt is refused
        register("MX-DOWN", "http://localhost:" + port + path("MX-DOWN"));
        String report = handOver(1, "MX-DOWN").get(0);

        await().atMost(Duration.ofSeconds(40)).until(() -> deliveryOf(report).get("status"), "DEAD"::equals);
        Map<String, Object> dead = deliveryOf(report);
        assertEquals(8, dead.get("attempts"));
        assertTrue(String.valueOf(dead.get("lastError")).startsWith("connection failed"), dead.toString());
        List<Map<String, Object>> events = await().atMost(Duration.ofSeconds(30)).until(() -> events(report),
                e -> withAction(e, "DELIVERY_DEAD").size() == 1 && withAction(e, "DELIVERY_ATTEMPTED").size() == 8);
        assertTrue(withAction(events, "DELIVERY_SUCCEEDED").isEmpty());

        WireMockServer back = new WireMockServer(options().port(port));
        back.start();
        try {
            back.stubFor(post(urlEqualTo(path("MX-DOWN"))).willReturn(aResponse().withStatus(204)));
            String id = (String) dead.get("id");
            given().baseUri(sharing.url()).auth().oauth2(officer).post("/api/v1/deliveries/" + id + "/redelivery")
                    .then().statusCode(202);
            await().atMost(Duration.ofSeconds(15)).until(() -> deliveryOf(report).get("status"), "DELIVERED"::equals);
            List<LoggedRequest> got = received(back, "MX-DOWN");
            assertEquals(1, got.size());
            assertEquals(id, got.get(0).getHeader(DELIVERY_ID));
            List<Map<String, Object>> after = await().atMost(Duration.ofSeconds(30)).until(() -> events(report),
                    e -> withAction(e, "DELIVERY_SUCCEEDED").size() == 1);
            Map<String, Object> requeued = withAction(after, "DELIVERY_REQUEUED").get(0);
            assertEquals("officer-faults", Cnx.map(requeued.get("actor")).get("sub"));
        } finally {
            back.stop();
        }
    }

    @Test
    @Order(3)
    void aPartnerThatHangsFor30SecondsDelaysNoOtherPartnersDeliveriesByMoreThanOneSecond() throws Exception {
        register("MX-HANG");
        register("MX-FAST");
        partners.stubFor(post(urlEqualTo(path("MX-HANG"))).willReturn(aResponse().withStatus(200).withFixedDelay(30_000)));
        List<String> hanging = handOver(8, "MX-HANG");
        // its lane is full: four requests hang, the other four wait unclaimed
        await().atMost(Duration.ofSeconds(5)).until(() -> Cnx.deliveries(sharing, officer, Map.of("partner", "MX-HANG"))
                .stream().filter(d -> ((Integer) d.get("attempts")) == 1).count() == 4);

        Map<String, Long> sentAt = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            UUID id = UUID.randomUUID();
            sentAt.put(id.toString(), System.currentTimeMillis());
            Cnx.handOver(sharing, keys.privateKey("intake"), List.of(Cnx.handover(id, List.of("MX-FAST"))));
            Thread.sleep(100);
        }
        List<LoggedRequest> fast = await().atMost(Duration.ofSeconds(10))
                .until(() -> received(partners, "MX-FAST"), l -> l.size() >= 20);
        Map<String, Long> delays = fast.stream().collect(Collectors.toMap(DeliveryFaultsIT::reportOf,
                r -> r.getLoggedDate().getTime() - sentAt.get(reportOf(r)), Math::min));
        long worst = delays.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.printf("hang test: MX-FAST hand-over → arrival while MX-HANG hangs: worst %d ms, median %d ms%n",
                worst, delays.values().stream().sorted().toList().get(delays.size() / 2));
        assertEquals(20, delays.size());
        assertTrue(worst < 1000, "a fast partner's delivery took " + worst + " ms while another partner hung");
        // and the hanging partner's own deliveries are all still waiting, none lost
        assertEquals(Set.copyOf(hanging), Cnx.deliveries(sharing, officer, Map.of("partner", "MX-HANG")).stream()
                .filter(d -> "PENDING".equals(d.get("status"))).map(d -> d.get("reportId")).collect(Collectors.toSet()));
    }

    /**
     * A restart while a slow partner is still answering: the attempt the shutdown cuts short was recorded as the
     * partner's failure, counted towards the dead letter and backed off from (hours, late in the schedule). It is
     * recorded as what it was, given back uncounted (the request may have reached the partner): the next attempt has
     * its number.
     */
    @Test
    @Order(4)
    void anAttemptCutShortByAShutdownIsNotCountedAsThePartnersFailure() throws Exception {
        register("MX-SLOW");
        partners.stubFor(post(urlEqualTo(path("MX-SLOW")))
                .willReturn(aResponse().withStatus(200).withFixedDelay(4000)));
        String report = handOver(1, "MX-SLOW").get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) deliveryOf(report).get("attempts")).intValue(),
                attempts -> attempts == 1);
        sharing.stop(); // SIGTERM: the grace (1 s) runs out before the partner answers
        sharing.start(Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveryOf(report).get("status"), "DELIVERED"::equals);

        String id = (String) deliveryOf(report).get("id");
        List<Map<String, Object>> attempts = given().baseUri(sharing.url()).auth().oauth2(officer)
                .get("/api/v1/deliveries/" + id).then().statusCode(200).extract().jsonPath().getList("attemptHistory");
        assertEquals(List.of("GIVEN_BACK", "DELIVERED"), attempts.stream().map(a -> a.get("outcome")).toList(),
                attempts.toString());
        assertEquals(1, ((Number) deliveryOf(report).get("attempts")).intValue(), "the cut attempt is not counted");
        assertEquals(List.of(1, 1), attempts.stream().map(a -> ((Number) a.get("attempt")).intValue()).toList());
        List<Map<String, Object>> logged = await().atMost(Duration.ofSeconds(15)).until(() -> events(report),
                e -> !withAction(e, "DELIVERY_SUCCEEDED").isEmpty());
        assertEquals(List.of("GIVEN_BACK", "DELIVERED"), withAction(logged, "DELIVERY_ATTEMPTED").stream()
                .map(e -> detail(e, "result")).toList(), "no failed attempt audited: the "
                + "cut one as given back");
    }

    @Test
    @Order(5)
    void killDash9With200DeliveriesInFlightLosesNoneAndDuplicatesCarryTheSameDeliveryId() throws Exception {
        register("MX-KILL");
        // a partner that takes 250 ms per request: 4 at a time, ~16/s, so most are still in flight at the kill, even
        // where each look at the fake partner's request journal takes a second (a slow machine, a long journal)
        partners.stubFor(post(urlEqualTo(path("MX-KILL"))).willReturn(aResponse().withStatus(200).withFixedDelay(250)));
        List<String> reports = handOver(250, "MX-KILL");
        await().atMost(Duration.ofSeconds(10)).until(() -> received(partners, "MX-KILL").size() >= 8);
        sharing.kill();
        int before = received(partners, "MX-KILL").size();
        assertTrue(reports.size() - before >= 200, "at least 200 in flight at the kill, got " + before + " delivered");

        long restart = System.currentTimeMillis();
        sharing.start(Map.of());
        Map<String, List<LoggedRequest>> byReport = await().atMost(Duration.ofSeconds(60))
                .until(() -> received(partners, "MX-KILL").stream()
                        .collect(Collectors.groupingBy(DeliveryFaultsIT::reportOf)), m -> m.keySet().containsAll(reports));
        long took = System.currentTimeMillis() - restart;
        List<String> twice = new ArrayList<>();
        byReport.forEach((report, requests) -> {
            assertEquals(1, requests.stream().map(r -> r.getHeader(DELIVERY_ID)).distinct().count(),
                    "a duplicate carries the same delivery id: " + report);
            if (requests.size() > 1) {
                twice.add(report);
            }
        });
        System.out.printf("kill test: %d delivered before the kill, the other %d within %d ms of the restart; "
                + "%d delivered twice (same delivery id)%n", before, reports.size() - before, took, twice.size());
        assertEquals(Set.copyOf(reports), byReport.keySet());
        // the partner may have all of them before sharing has recorded each answer: one sent before the kill arrived
        // after it, and its row waits out its lease (30 s from the claim) to be sent again, then recorded; others
        // arrived a moment before the relay's write. The rows are looked at until then.
        List<Map<String, Object>> rows = await().atMost(Duration.ofSeconds(45))
                .until(() -> Cnx.deliveries(sharing, officer, Map.of("partner", "MX-KILL")),
                        r -> r.stream().allMatch(d -> "DELIVERED".equals(d.get("status"))));
        assertEquals(reports.size(), rows.size());
        assertTrue(rows.stream().allMatch(d -> "DELIVERED".equals(d.get("status"))), "all delivered");
    }

    @Test
    @Order(6)
    void twoReplicasOnOneDatabaseDeliverEachOf1000DeliveriesExactlyOnceAndKeepToThePartnersLimitTogether()
            throws Exception {
        register("MX-R1");
        register("MX-R2");
        // MX-R1 takes 50 ms per request: with the limit of 4 kept across the replicas, no 40 ms see 5 requests begin
        partners.stubFor(post(urlEqualTo(path("MX-R1"))).willReturn(aResponse().withStatus(200)
                .withFixedDelay(R1_MILLIS)));
        Service replica = new Service("sharing-2", Cnx.ROOT.resolve("sharing-service/target/quarkus-app/quarkus-run.jar"),
                WORK.resolve("logs"));
        sharing.environment().forEach(replica::env);
        replica.start(Map.of());
        try {
            // the relays look at their roster every poll interval (250 ms): after two, each has taken its share
            Thread.sleep(600);
            long start = System.currentTimeMillis();
            List<String> reports = new ArrayList<>();
            for (int batch = 0; batch < 10; batch++) { // hand-overs alternate between the replicas
                List<String> messages = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    UUID id = UUID.randomUUID();
                    reports.add(id.toString());
                    messages.add(Cnx.handover(id, List.of("MX-R1", "MX-R2")));
                }
                Cnx.handOver(batch % 2 == 0 ? sharing : replica, keys.privateKey("intake"), messages);
            }
            long handedOver = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                    received(partners, "MX-R1").size() + received(partners, "MX-R2").size() >= 1000);
            Thread.sleep(1000); // anything delivered twice would arrive by now
            List<LoggedRequest> all = new ArrayList<>(received(partners, "MX-R1"));
            all.addAll(received(partners, "MX-R2"));
            Map<String, Long> perDelivery = all.stream()
                    .collect(Collectors.groupingBy(r -> r.getHeader(DELIVERY_ID), Collectors.counting()));
            long last = all.stream().mapToLong(r -> r.getLoggedDate().getTime()).max().orElseThrow();
            System.out.printf("replicas: 500 reports handed over in %d ms; 1000 deliveries to 2 partners by 2 replicas "
                    + "done %d ms after the first hand-over (%.0f/s)%n", handedOver - start, last - start,
                    1000 * 1000.0 / (last - start));
            assertEquals(1000, perDelivery.size());
            assertEquals(Map.of(), perDelivery.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "delivered more than once");
            assertEquals(Set.copyOf(reports), received(partners, "MX-R1").stream().map(DeliveryFaultsIT::reportOf)
                    .collect(Collectors.toSet()));
            int atOnce = mostBegunWithin(received(partners, "MX-R1"), R1_MILLIS - 10);
            System.out.printf("replicas: at most %d requests to MX-R1 began within %d ms%n", atOnce, R1_MILLIS - 10);
            assertTrue(atOnce <= 4, atOnce + " requests to MX-R1 at once: the replicas exceed its limit of 4");

            // audited exactly once each, and both replicas did part of the work
            List<Map<String, Object>> succeeded = await().atMost(Duration.ofSeconds(60)).until(() -> Cnx.events(audit,
                    auditor, Map.of("action", "DELIVERY_SUCCEEDED")).stream()
                    .filter(e -> Set.of("MX-R1", "MX-R2").contains(Cnx.map(e.get("subject")).get("partner"))).toList(),
                    l -> l.size() >= 1000);
            assertEquals(1000, succeeded.size());
            Map<Object, Long> byRelay = succeeded.stream()
                    .collect(Collectors.groupingBy(e -> detail(e, "relay"), Collectors.counting()));
            System.out.printf("replicas: deliveries per relay %s%n", byRelay);
            assertEquals(2, byRelay.size(), "both replicas delivered: " + byRelay);
            assertTrue(byRelay.values().stream().allMatch(n -> n >= 50), "both replicas took a share: " + byRelay);
        } finally {
            replica.stop();
        }
    }
}
