package org.cnx.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.path.json.JsonPath;

/**
 * The journey of DESIGN §2 across the packaged services, each its own process on a free port, with
 * the demo partner receiving (and verifying) deliveries: report → decision → approval → signed
 * delivery, and an audit event for every step. Uses the *_test databases, cleaned at first start.
 */
class JourneyIT {

    private static final Path ROOT = Path.of(System.getProperty("cnx.root", "../..")).toAbsolutePath().normalize();
    private static final Path WORK = ROOT.resolve("deploy/e2e/target/e2e");

    private static Service audit;
    private static Service sharing;
    private static Service intake;
    private static Service partner;
    private static Tokens tokens;

    @BeforeAll
    static void startSystem() {
        Keys keys = new Keys(WORK.resolve("keys"));
        tokens = new Tokens(keys.privateKey("idp"));
        Path logs = WORK.resolve("logs");
        audit = service("audit", "audit-service", logs)
                .env("QUARKUS_FLYWAY_PASSWORD", "audit_owner"); // migrations run as the log's owner, the app as "audit"
        sharing = service("sharing", "sharing-service", logs)
                .env("CNX_PARTNERS_ALLOW_LOCAL_ENDPOINTS", "true"); // the demo partner is on localhost; seeds it
        intake = service("intake", "intake-service", logs);
        partner = new Service("demo-partner", ROOT.resolve("deploy/demo-partner/target/quarkus-app/quarkus-run.jar"), logs);

        String keysDir = keys.dir.toString();
        for (Service s : List.of(audit, sharing, intake)) {
            s.env("CNX_KEYS_DIR", keysDir)
                    .env("CNX_AUDIT_URL", audit.url())
                    .env("CNX_SHARING_URL", sharing.url())
                    .env("CNX_DEMO_PARTNER_URL", partner.url());
        }
        partner.env("CNX_DEMO_JWKS_URL", sharing.url() + "/.well-known/jwks.json");
        Map<String, String> clean = Map.of("QUARKUS_FLYWAY_CLEAN_AT_START", "true", "QUARKUS_FLYWAY_CLEAN_DISABLED", "false");
        audit.start(clean);
        sharing.start(clean);
        intake.start(clean);
        partner.start(Map.of());
    }

    private static Service service(String name, String module, Path logs) {
        return new Service(name, ROOT.resolve(module + "/target/quarkus-app/quarkus-run.jar"), logs)
                .env("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:5432/" + name + "_test")
                .env("QUARKUS_DATASOURCE_USERNAME", name)
                .env("QUARKUS_DATASOURCE_PASSWORD", name)
                // the outage test leaves the relays to audit backing off; at the default 5 min cap a relay could
                // still sleep through the next test's 20 s wait for its events after audit is back
                .env("CNX_OUTBOX_MAX_BACKOFF", "2s");
    }

    @AfterAll
    static void stopSystem() throws InterruptedException {
        for (Service s : new Service[] {intake, sharing, audit, partner}) {
            if (s != null) {
                s.stop();
            }
        }
    }

    private static String report(String externalRef, String tlp, String releasableTo) {
        return """
                {"externalRef":"%s","type":"PRECURSOR_SHIPMENT","title":"Precursor shipment %s","tlp":"%s",
                 "handling":{"releasableTo":["%s"]},
                 "substances":[{"name":"NPP","casNumber":"39742-60-4","quantity":12.5,"unit":"kg"}]}"""
                .formatted(externalRef, externalRef, tlp, releasableTo);
    }

    private static String submit(String token, String body) {
        return given().baseUri(intake.url()).auth().oauth2(token).contentType("application/json").body(body)
                .post("/api/v1/reports").then().statusCode(201).extract().path("id");
    }

    /** Every audit event of a report, following the cursor to the end. */
    private static List<Map<String, Object>> events(String auditor, Map<String, String> filter) {
        List<Map<String, Object>> all = new ArrayList<>();
        String after = null;
        do {
            var request = given().baseUri(audit.url()).auth().oauth2(auditor).queryParams(filter).queryParam("limit", 100);
            if (after != null) {
                request = request.queryParam("after", after);
            }
            JsonPath page = request.get("/api/v1/events").then().statusCode(200).extract().jsonPath();
            all.addAll(page.getList("items"));
            after = page.getString("next");
        } while (after != null);
        return all;
    }

    /**
     * Each packaged service leaves its OpenAPI document to the first request for it (DeferredOpenApiDocumentService),
     * prepares it then, once, and serves it in both formats.
     */
    @Test
    void eachServicePreparesItsOpenApiDocumentOnItsFirstRequestOnly() {
        for (Service s : List.of(audit, sharing, intake)) {
            String yaml = given().baseUri(s.url()).get("/q/openapi").then().statusCode(200).extract().asString();
            assertTrue(yaml.startsWith("---\nopenapi: 3."),
                    s.name + " served " + yaml.substring(0, Math.min(80, yaml.length())));
            Map<String, Object> paths = given().baseUri(s.url()).queryParam("format", "json").get("/q/openapi").then()
                    .statusCode(200).extract().jsonPath().getMap("paths");
            assertTrue(paths.size() >= 4, s.name + "'s document lists " + paths.keySet());
            String log = s.logSinceStart();
            assertEquals(1, log.split("Prepared the OpenAPI document <default> on its first request", -1).length - 1,
                    s.name + " should have prepared its document once, on the first request; its log:\n" + log);
        }
    }

    @Test
    void aReportTravelsFromPartnerToPartnerAfterApprovalAndEveryStepIsAudited() throws Exception {
        String cbp = tokens.person("partner", "US-CBP", "US", "cbp-system");
        String usOfficer = tokens.person("liaison-officer", "US-DEA", "US", "officer-us-e2e");
        String auditor = tokens.person("auditor", "US-DEA", "US", "auditor-e2e");

        String reportId = submit(cbp, report("CBP-E2E-1", "AMBER", "CN-NNCC"));

        // sharing decided: pending approval for CN-NNCC, nothing delivered yet
        String releaseId = await().atMost(Duration.ofSeconds(20)).until(() -> given().baseUri(sharing.url())
                .auth().oauth2(usOfficer).queryParam("status", "PENDING_APPROVAL").queryParam("limit", 100)
                .get("/api/v1/releases").then().statusCode(200).extract().jsonPath()
                .getString("items.find { it.reportId == '" + reportId + "' && it.partner == 'CN-NNCC' }.id"),
                id -> id != null);
        assertTrue(received("CN-NNCC", reportId).isEmpty(), "nothing may leave before approval");

        // an officer of the other country may not release it, and audit logs the attempt
        given().baseUri(sharing.url()).auth().oauth2(tokens.person("liaison-officer", "CN-NNCC", "CN", "officer-cn-e2e"))
                .contentType("application/json").body("{}").post("/api/v1/releases/" + releaseId + "/approvals")
                .then().statusCode(403);
        given().baseUri(sharing.url()).auth().oauth2(usOfficer).contentType("application/json")
                .body("{\"comment\":\"e2e\"}").post("/api/v1/releases/" + releaseId + "/approvals")
                .then().statusCode(200);

        // the demo partner lists only deliveries whose signature, audience and body hash it verified
        List<Map<String, Object>> delivered = await().atMost(Duration.ofSeconds(20))
                .until(() -> received("CN-NNCC", reportId), list -> !list.isEmpty());
        assertEquals(1, delivered.size());
        assertEquals(0L, duplicates("CN-NNCC"), "nothing arrived twice");

        Map<String, Long> actions = await().atMost(Duration.ofSeconds(20)).until(
                () -> events(auditor, Map.of("reportId", reportId)).stream()
                        .collect(Collectors.groupingBy(e -> (String) e.get("action"), Collectors.counting())),
                a -> a.containsKey("DELIVERY_SUCCEEDED") && a.containsKey("RELEASE_APPROVED")
                        && a.containsKey("REPORT_RECEIVED") && a.containsKey("RELEASE_DECIDED")
                        && a.containsKey("ACCESS_DENIED"));
        assertEquals(1L, actions.get("REPORT_RECEIVED"));
        List<Map<String, Object>> denied = events(auditor, Map.of("reportId", reportId, "action", "ACCESS_DENIED"));
        assertEquals(1, denied.size());
        assertEquals("DENIED", denied.get(0).get("outcome"));
        assertEquals("officer-cn-e2e", ((Map<?, ?>) denied.get(0).get("actor")).get("sub"));
        assertEquals("other-country", ((Map<?, ?>) denied.get(0).get("details")).get("problem"));
        assertEquals(1L, actions.get("RELEASE_APPROVED"));
        assertEquals(1L, actions.get("DELIVERY_SUCCEEDED"));
        // one decision per partner other than the originator
        assertEquals(5L, actions.get("RELEASE_DECIDED"));
        receivedIsProvenByTheReceipt((String) delivered.get(0).get("deliveryId"));

        // the originator withdraws it: the partner holding it gets a signed recall, the release shows RECALLED, and
        // audit has intake's withdrawal and sharing's recall (the two services agree on the recall's message)
        given().baseUri(intake.url()).auth().oauth2(cbp).contentType("application/json")
                .body("{\"reason\":\"e2e: withdrawn\"}").post("/api/v1/reports/" + reportId + "/withdrawal")
                .then().statusCode(200).body("status", equalTo("WITHDRAWN"));
        Map<?, ?> recall = (Map<?, ?>) await().atMost(Duration.ofSeconds(30))
                .until(() -> received("CN-NNCC", reportId), list -> list.size() == 2).get(1).get("body");
        assertEquals("RECALL", recall.get("type"));
        assertEquals("e2e: withdrawn", recall.get("reason"));
        given().baseUri(sharing.url()).auth().oauth2(usOfficer).get("/api/v1/releases/" + releaseId).then()
                .statusCode(200).body("status", equalTo("RECALLED"));
        Map<String, Long> after = await().atMost(Duration.ofSeconds(20)).until(
                () -> events(auditor, Map.of("reportId", reportId)).stream()
                        .collect(Collectors.groupingBy(e -> (String) e.get("action"), Collectors.counting())),
                a -> a.containsKey("REPORT_WITHDRAWN") && a.containsKey("RECALL_SENT"));
        assertEquals(1L, after.get("REPORT_WITHDRAWN"));
        assertEquals(1L, after.get("RECALL_SENT"));
        assertEquals(0L, duplicates("CN-NNCC"), "nothing arrived twice");
    }

    @Test
    void eventsWrittenWhileAuditIsDownArriveOnceItIsBack() throws InterruptedException {
        String dea = tokens.person("partner", "US-DEA", "US", "dea-system");
        String auditor = tokens.person("auditor", "CN-NNCC", "CN", "auditor-outage");
        audit.kill();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(submit(dea, report("DEA-OUTAGE-" + i, "GREEN", "CN-MPS")));
        }
        audit.start(Map.of());

        Map<String, Long> received = await().atMost(Duration.ofSeconds(60)).until(
                () -> events(auditor, Map.of("action", "REPORT_RECEIVED", "agency", "US-DEA")).stream()
                        .map(e -> (String) ((Map<?, ?>) e.get("subject")).get("reportId"))
                        .filter(ids::contains)
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())),
                counts -> counts.size() == ids.size());
        assertTrue(received.values().stream().allMatch(n -> n == 1), "no event may arrive twice: " + received);
    }

    /**
     * The partner proves what it received, offline, as the README shows: the receipt from audit, audit's keys and the
     * body as it came (from the demo partner), checked by the verifier; a byte of the body changed is not proven.
     */
    private static void receivedIsProvenByTheReceipt(String deliveryId) throws Exception {
        String cnPartner = tokens.person("partner", "CN-NNCC", "CN", "nncc-system");
        Path receipt = Files.writeString(WORK.resolve("receipt-" + deliveryId + ".json"), given().baseUri(audit.url())
                .auth().oauth2(cnPartner).get("/api/v1/receipts/" + deliveryId).then().statusCode(200).extract()
                .asString());
        Path jwks = Files.writeString(WORK.resolve("audit-jwks.json"), given().baseUri(audit.url())
                .get("/.well-known/jwks.json").then().statusCode(200).extract().asString());
        byte[] kept = given().baseUri(partner.url()).get("/partners/CN-NNCC/deliveries/" + deliveryId + "/body")
                .then().statusCode(200).extract().asByteArray();
        Path body = Files.write(WORK.resolve("body-" + deliveryId + ".json"), kept);
        String proven = verify(0, receipt, jwks, body);
        assertTrue(proven.startsWith("VALID"), proven);
        kept[kept.length / 2] ^= 0x01;
        verify(1, receipt, jwks, Files.write(body, kept));
    }

    /**
     * {@code java deploy/verifier/VerifyReceipt.java receipt jwks body}: what it said, once it exited with
     * {@code exit}.
     */
    private static String verify(int exit, Path... files) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), ROOT.resolve("deploy/verifier/VerifyReceipt.java").toString()));
        Arrays.stream(files).map(Path::toString).forEach(command::add);
        Path output = Files.createTempFile(WORK, "verifier", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly(); // not left running past the test
            fail("the verifier did not finish in a minute");
        }
        String said = Files.readString(output).trim();
        assertEquals(exit, process.exitValue(), said);
        return said;
    }

    private static long duplicates(String code) {
        return given().baseUri(partner.url()).get("/partners/" + code + "/deliveries").then().statusCode(200)
                .extract().jsonPath().getLong("duplicates");
    }

    private static List<Map<String, Object>> received(String code, String reportId) {
        return given().baseUri(partner.url()).get("/partners/" + code + "/deliveries").then().statusCode(200)
                .extract().jsonPath().<Map<String, Object>>getList("items").stream()
                .filter(d -> reportId.equals(((Map<?, ?>) d.get("body")).get("reportId")))
                .toList();
    }
}
