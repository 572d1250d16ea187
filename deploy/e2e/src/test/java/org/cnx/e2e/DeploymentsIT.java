package org.cnx.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s and deploy/compose, used as they are: each service started as its own process with exactly the
 * environment and key files its container would get (the database and host names translated to this machine, see
 * {@link Manifests#local}), then a report posted to intake must be delivered to a partner and audited, and every
 * health check the deployment runs must answer 200. Each process is started as the image's entrypoint, in a directory
 * holding the files the image copies ({@link Image}). A wrong variable name, a missing key, a port or host that does
 * not match, a probe on a path Quarkus does not serve, or a file the image lacks fails here, not in a cluster.
 */
class DeploymentsIT {

    private static final Path WORK = Cnx.ROOT.resolve("deploy/e2e/target/deployments");
    /** The order a cold start needs: audit first, since the others hand it events (they would retry, but slowly). */
    private static final List<String> ORDER = List.of("audit-service", "sharing-service", "sharing-replica",
            "intake-service", "demo-partner");

    private static Keys keys;
    private static Tokens tokens;
    private final Map<String, Service> running = new LinkedHashMap<>();

    @BeforeAll
    static void makeKeys() throws IOException {
        deleteRecursively(WORK);
        keys = new Keys(WORK.resolve("keys"));
        tokens = new Tokens(keys.privateKey("idp"));
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Service service : running.values()) {
            service.stop();
        }
        running.clear();
    }

    @Test
    void kustomizeAssemblesTheKubernetesManifests() throws Exception {
        Path kubectl = Cnx.onPath("kubectl").orElse(null);
        Assumptions.assumeTrue(kubectl != null, "kubectl is not on the PATH");
        Cnx.Ran build = Cnx.run(new ProcessBuilder(kubectl.toString(), "kustomize",
                Cnx.ROOT.resolve("deploy/k8s").toString()), 60);
        String output = build.output();
        assertEquals(0, build.exit(), output);
        // the generated ConfigMap's hashed name reaches every Deployment that reads it
        String generated = output.lines().filter(l -> l.matches("  name: cnx-settings-\\w+")).findFirst().orElseThrow()
                .substring("  name: ".length());
        assertEquals(1 + 3, output.lines().filter(l -> l.strip().equals("name: " + generated)).count(),
                "the ConfigMap, and the three Deployments that read it:\n" + output);
    }

    @Test
    void theKubernetesManifestsRunTheJourney() throws Exception {
        Manifests.Deployment k8s = Manifests.kubernetes(Cnx.ROOT.resolve("deploy/k8s"));
        assertEquals(List.of("audit-service", "intake-service", "sharing-service"),
                k8s.containers().stream().map(Manifests.Container::name).sorted().toList());
        for (Manifests.Container container : k8s.containers()) {
            String own = container.name().replace("-service", "") + "-private.pem";
            assertEquals(List.of(own), container.keyFiles().stream().filter(f -> f.endsWith("-private.pem")).toList(),
                    container.name() + " gets its own signing key and no other private key");
        }
        // production registers partners with https endpoints; the test's partner is the demo one, on localhost
        Service partner = demoPartner();
        Map<String, String> testOnly = Map.of("CNX_PARTNERS_ALLOW_LOCAL_ENDPOINTS", "true",
                "CNX_DEMO_PARTNER_URL", partner.url());
        start(k8s, Map.of("sharing-service", testOnly));
        partner.env("CNX_DEMO_JWKS_URL", running.get("sharing-service").url() + "/.well-known/jwks.json").start(Map.of());
        running.put("demo-partner", partner);

        assertAReportIsDeliveredAndAudited("K8S");
        assertHealthChecksAnswer(k8s);
    }

    @Test
    void theComposeFileRunsTheJourney() throws Exception {
        Manifests.Deployment compose = Manifests.compose(Cnx.ROOT.resolve("deploy/compose"), keys.dir);
        assertEquals(ORDER.stream().sorted().toList(),
                compose.containers().stream().map(Manifests.Container::name).sorted().toList());
        start(compose, Map.of());

        assertAReportIsDeliveredAndAudited("COMPOSE");
        assertHealthChecksAnswer(compose);
    }

    /** Starts every container of the deployment that has a module, in {@link #ORDER}, on cleaned databases. */
    private void start(Manifests.Deployment deployment, Map<String, Map<String, String>> testOnly) {
        Path logs = WORK.resolve("logs");
        Map<String, Service> services = new HashMap<>();
        Set<String> cleaned = new HashSet<>();
        for (Manifests.Container container : deployment.containers()) {
            services.put(container.name(), new Service(container.name(),
                    Cnx.ROOT.resolve(container.module() + "/target/quarkus-app/quarkus-run.jar"), logs)
                    .image(container.image(), WORK.resolve("images").resolve(deployment.databaseHost())
                            .resolve(container.name())));
        }
        for (String name : ORDER) {
            Service service = services.get(name);
            if (service == null) {
                continue;
            }
            Manifests.Container container = deployment.container(name);
            Path keysDir = WORK.resolve("mounted-keys").resolve(deployment.databaseHost()).resolve(name);
            Manifests.local(deployment, container, host -> services.get(host).url(), keys.dir, keysDir)
                    .forEach(service::env);
            testOnly.getOrDefault(name, Map.of()).forEach(service::env);
            // a module's first process cleans its database; a replica joins it as it is
            boolean first = container.module().endsWith("-service") && cleaned.add(container.module());
            service.start(first ? Cnx.CLEAN : Map.of());
            running.put(name, service);
            assertRunsWithTheJvmOptions(service);
        }
    }

    /** The image's entrypoint gave the JVM deploy/jvm.options, as run.sh, these tests and the benchmark give it. */
    private static void assertRunsWithTheJvmOptions(Service service) {
        // jcmd prints no jvm_args line for a JVM started without options
        String jvmArgs = Cnx.jcmd(service.pid(), "VM.command_line").lines().filter(l -> l.startsWith("jvm_args:"))
                .findFirst().orElse("jvm_args:").substring("jvm_args:".length()).strip();
        List<String> args = jvmArgs.isEmpty() ? List.of() : List.of(jvmArgs.split("\\s+"));
        List<String> options = Cnx.jvmOptions();
        assertEquals(options, args.subList(0, Math.min(options.size(), args.size())),
                service.name + " starts with deploy/jvm.options");
    }

    private void assertAReportIsDeliveredAndAudited(String ref) {
        String cbp = tokens.person("partner", "US-CBP", "US", "cbp-deploy");
        String auditor = tokens.person("auditor", "CN-NNCC", "CN", "auditor-deploy");
        String reportId = given().baseUri(running.get("intake-service").url()).auth().oauth2(cbp)
                .contentType("application/json").body("""
                        {"externalRef":"%s-1","type":"PRECURSOR_SHIPMENT","title":"NPP shipment","tlp":"GREEN",
                         "handling":{"releasableTo":["CN-MPS"]},
                         "substances":[{"name":"NPP","casNumber":"39742-60-4","quantity":12.5,"unit":"kg"}]}"""
                        .formatted(ref))
                .post("/api/v1/reports").then().statusCode(201).extract().path("id");

        // the demo partner lists only deliveries whose signature (sharing's JWKS), audience and body hash it verified
        await().atMost(Duration.ofSeconds(30)).until(() -> received(reportId) > 0);
        // intake's and sharing's events reach audit through their outboxes
        Map<String, Long> actions = await().atMost(Duration.ofSeconds(30)).until(
                () -> Cnx.events(running.get("audit-service"), auditor, Map.of("reportId", reportId)).stream()
                        .collect(Collectors.groupingBy(e -> (String) e.get("action"), Collectors.counting())),
                a -> a.containsKey("REPORT_RECEIVED") && a.containsKey("RELEASE_DECIDED")
                        && a.containsKey("DELIVERY_SUCCEEDED"));
        assertEquals(1L, actions.get("REPORT_RECEIVED"));
        assertEquals(1L, actions.get("DELIVERY_SUCCEEDED"));
        assertEquals(1, received(reportId), "delivered once, whichever replica sent it");
        // the demo partner keeps one entry per delivery id: a second arrival shows only in its count of repeats
        assertEquals(0L, given().baseUri(running.get("demo-partner").url()).get("/partners/CN-MPS/deliveries").then()
                .statusCode(200).extract().jsonPath().getLong("duplicates"), "no replica sent it again");
    }

    private long received(String reportId) {
        return given().baseUri(running.get("demo-partner").url()).get("/partners/CN-MPS/deliveries").then()
                .statusCode(200).extract().jsonPath().<Map<String, Object>>getList("items").stream()
                .filter(d -> reportId.equals(((Map<?, ?>) d.get("body")).get("reportId"))).count();
    }

    private void assertHealthChecksAnswer(Manifests.Deployment deployment) {
        List<String> checked = new ArrayList<>();
        for (Manifests.Container container : deployment.containers()) {
            for (String path : container.healthPaths()) {
                given().baseUri(running.get(container.name()).url()).get(path).then().statusCode(200);
                checked.add(container.name() + path);
            }
        }
        assertTrue(checked.size() >= 3, "every service has a health check: " + checked);
    }

    private static Service demoPartner() {
        return new Service("demo-partner", Cnx.ROOT.resolve("deploy/demo-partner/target/quarkus-app/quarkus-run.jar"),
                WORK.resolve("logs"));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
