package org.cnx.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** What the end-to-end tests do with the packaged services: start them, hand reports over, read lists. */
final class Cnx {

    static final Path ROOT = Path.of(System.getProperty("cnx.root", "../..")).toAbsolutePath().normalize();
    /** Flyway cleans the *_test database at this start (the first process of a test class only). */
    static final Map<String, String> CLEAN = Map.of("QUARKUS_FLYWAY_CLEAN_AT_START", "true",
            "QUARKUS_FLYWAY_CLEAN_DISABLED", "false");

    private Cnx() {
    }

    /** deploy/jvm.options, as the JVM reads that argument file: its options in order, without the comments. */
    static List<String> jvmOptions() {
        try {
            return Files.readAllLines(ROOT.resolve("deploy/jvm.options")).stream()
                    .map(line -> line.replaceFirst("#.*", "").strip()).filter(line -> !line.isEmpty())
                    .flatMap(line -> Stream.of(line.split("\\s+"))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process run to its end: its exit code, and what it printed on stdout and stderr together, trimmed. */
    record Ran(int exit, String output) {
    }

    /** Runs {@code builder}'s process to its end, failing the test if that takes over {@code seconds}. */
    static Ran run(ProcessBuilder builder, int seconds) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), () -> builder.command() + " still runs: " + output);
        return new Ran(process.exitValue(), output);
    }

    /** {@code command} as the PATH finds it, if it does. */
    static Optional<Path> onPath(String command) {
        return Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable).findFirst();
    }

    /** What {@code jcmd pid command} prints (this JDK's jcmd). */
    static String jcmd(long pid, String command) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), command).redirectErrorStream(true).start();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jcmd.waitFor(30, TimeUnit.SECONDS) && jcmd.exitValue() == 0,
                    () -> "jcmd " + command + ": " + output);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A packaged service on its {@code <database>_test} database; {@code name} names its log file. */
    static Service service(String name, String module, String database, Path logs) {
        return new Service(name, ROOT.resolve(module + "/target/quarkus-app/quarkus-run.jar"), logs)
                .env("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:5432/" + database + "_test")
                .env("QUARKUS_DATASOURCE_USERNAME", database)
                .env("QUARKUS_DATASOURCE_PASSWORD", database);
    }

    /** audit-service, whose migrations run as the log's owner (deploy/local/db-setup.sh). */
    static Service audit(Path logs) {
        return service("audit", "audit-service", "audit", logs).env("QUARKUS_FLYWAY_PASSWORD", "audit_owner");
    }

    /** A report as intake-service hands it over: TLP GREEN from US-CBP, released to the partners named. */
    static String handover(UUID id, List<String> releasableTo) {
        String partners = releasableTo.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(","));
        return """
                {"id":"%s","agency":"US-CBP","country":"US","receivedAt":"%s","watchlistHits":["NPP"],
                 "report":{"externalRef":"E2E-%s","type":"PRECURSOR_SHIPMENT","title":"NPP shipment","tlp":"GREEN",
                           "handling":{"releasableTo":[%s]},
                           "substances":[{"name":"NPP","casNumber":"39742-60-4","quantity":12.5,"unit":"kg"}]}}"""
                .formatted(id, Instant.now(), id, partners);
    }

    /** Hands reports over to sharing-service as intake-service does (its service token, one batch). */
    static void handOver(Service sharing, PrivateKey intakeKey, List<String> messages) {
        given().baseUri(sharing.url()).auth().oauth2(Tokens.service("cnx-intake", "cnx-sharing", intakeKey))
                .contentType("application/json").body("[" + String.join(",", messages) + "]")
                .post("/internal/v1/reports").then().statusCode(200);
    }

    /** Registers (or replaces) a partner in Mexico, so that US reports go to it under the initial policy. */
    static void registerPartner(Service sharing, String admin, String code, String endpoint) {
        given().baseUri(sharing.url()).auth().oauth2(admin).contentType("application/json").body("""
                {"name":"Partner %s","country":"MX","endpoint":"%s","acceptedTypes":["PRECURSOR_SHIPMENT"],
                 "maxTlp":"AMBER","active":true}""".formatted(code, endpoint))
                .put("/api/v1/partners/" + code).then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
    }

    static void removePartner(Service sharing, String admin, String code) {
        given().baseUri(sharing.url()).auth().oauth2(admin).delete("/api/v1/partners/" + code);
    }

    /** Every delivery the officer sees with this filter, following the cursor to the end. */
    static List<Map<String, Object>> deliveries(Service sharing, String officer, Map<String, ?> filter) {
        return all(() -> given().baseUri(sharing.url()).auth().oauth2(officer).queryParams(filter), "/api/v1/deliveries");
    }

    /** Every audit event with this filter, following the cursor to the end. */
    static List<Map<String, Object>> events(Service audit, String auditor, Map<String, ?> filter) {
        return all(() -> given().baseUri(audit.url()).auth().oauth2(auditor).queryParams(filter), "/api/v1/events");
    }

    private static List<Map<String, Object>> all(java.util.function.Supplier<RequestSpecification> request,
            String path) {
        List<Map<String, Object>> items = new ArrayList<>();
        String after = null;
        do {
            RequestSpecification spec = request.get().queryParam("limit", 100);
            if (after != null) {
                spec = spec.queryParam("after", after);
            }
            JsonPath page = spec.get(path).then().statusCode(200).extract().jsonPath();
            items.addAll(page.getList("items"));
            after = page.getString("next");
        } while (after != null);
        return items;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
