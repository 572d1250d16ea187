package org.cnx.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The load benchmark of issue 7, in one run on one machine: the ceilings P (pgbench replaying intake's
 * transaction) and J (an authenticated JSON endpoint without database), then intake closed-loop (I)
 * and open-loop at 50 % and 80 % of I, end-to-end to a partner receiver, with the books checked; at 80 % of I a
 * {@link CpuProfile} of intake gives the share of its CPU that authenticating the requests takes.
 * Tokens come from deploy/local/token.sh (openssl), not from the services' JWT library.
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Restarts per service: one start is at the mercy of whatever else the VM's host is doing at that moment. */
    private static final int RESTARTS = 3;
    /** The warm-up's open loop runs at this share of its closed loop's rate. */
    private static final double WARM_OPEN_SHARE = 0.4;
    private static final List<String> RECIPIENTS = List.of("CN-NNCC", "CN-GACC", "CN-MPS");
    private static final String[] TYPES = {"SEIZURE", "PRECURSOR_SHIPMENT", "SUSPICIOUS_ORDER", "EMERGING_TREND"};
    private static final String[][] SUBSTANCES = {{"NPP", "39742-60-4"}, {"4-ANPP", "21409-26-7"},
        {"acetone", "67-64-1"}, {"fentanyl", "437-38-7"}, {"4-AP", "23056-29-3"}, {"toluene", "108-88-3"}};

    private final Path root;
    private final Path keys;
    private final int concurrency;
    private final Duration phase;
    private final Duration settle;
    private final Duration warmOpen;
    private final List<String> jvm;
    private final List<String> partnerJvm;
    private final Map<String, Proc> procs = new LinkedHashMap<>();
    private final Load load = new Load();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final String runId = Long.toString(System.currentTimeMillis(), 36).toUpperCase(Locale.ROOT);
    private String partnerToken;

    private Bench(Path root) {
        this.root = root;
        this.keys = root.resolve("deploy/local/.keys");
        this.concurrency = Integer.getInteger("bench.concurrency", 8);
        this.phase = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));
        // The JIT's compiler threads run at nice 19, so a saturated machine starves them: after a closed-loop warm-up
        // the services still ran much of their code unoptimised, and compiled it in the first phases with cores to
        // spare, the open loops (0.4-0.6 of a core in the first one on a slow VM). A second warm-up in open loop, at
        // WARM_OPEN_SHARE of the first one's rate, leaves them room, and each open loop is held at its rate before it
        // is measured.
        this.warmOpen = Duration.ofSeconds(Integer.getInteger("bench.warmOpenSeconds", 60));
        this.settle = Duration.ofSeconds(Integer.getInteger("bench.settleSeconds", 20));
        // -Dbench.jvm="-XX:..." adds options to every service's JVM (and J's, and the partner's), for trying a setting out
        String extraOptions = System.getProperty("bench.jvm", "").strip();
        List<String> extra = extraOptions.isEmpty() ? List.of() : List.of(extraOptions.split("\\s+"));
        // deploy/jvm.options, as the image runs them: a 256 MB heap, the serial collector (2 cores, small heaps), and
        // the JIT's compiler threads at nice 19, so that a start's main thread has a core of its own (RUNS.md, eleventh
        // session)
        this.jvm = options(List.of("@" + root.resolve("deploy/jvm.options")), extra);
        // The partner receiver is the bench's instrument, not part of cnx: a 256 MB starting heap leaves room for its
        // arrival log (every delivery of the run) without full collections, each of which holds up the deliveries in
        // flight (the bodies it keeps, below, were the rest of its old generation)
        this.partnerJvm = options(List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC"), extra);
    }

    /** The options as the JVM reads them: an argument file ({@code @path}) by the options it holds, less comments. */
    private static List<String> shown(List<String> options) {
        List<String> shown = new ArrayList<>();
        for (String option : options) {
            if (!option.startsWith("@")) {
                shown.add(option);
                continue;
            }
            try {
                Files.readAllLines(Path.of(option.substring(1))).stream()
                        .map(line -> line.replaceFirst("#.*", "").strip()).filter(line -> !line.isEmpty())
                        .forEach(line -> shown.addAll(List.of(line.split("\\s+"))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shown;
    }

    private static List<String> options(List<String> base, List<String> extra) {
        List<String> options = new ArrayList<>(base);
        options.addAll(extra);
        return List.copyOf(options);
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
        Bench bench = new Bench(root);
        try {
            bench.run();
        } finally {
            bench.stopAll();
        }
    }

    private void run() throws Exception {
        Path logs = root.resolve("deploy/bench/target/logs");
        Files.createDirectories(logs);
        startServices(logs);
        partnerToken = token("partner", "US-CBP", "US");

        System.out.println("bench: warm-up " + phase.toSeconds() + " s");
        Load.Result warmup = load.closed(concurrency, phase, n -> submit("W", n), 201);
        List<Load.Sent> accepted = new ArrayList<>(warmup.sent());
        results.put("warmupReports", warmup.ok());
        if (!warmOpen.isZero()) {
            accepted.addAll(warmOpenLoop(warmup.ok() / warmup.seconds() * WARM_OPEN_SHARE));
        }
        System.out.println("bench: letting the pipeline catch up, so that the ceilings are measured on a quiet machine");
        awaitDrained(acceptedByIntake(), Duration.ofSeconds(30), Duration.ofMinutes(5));
        Map<String, Object> rssWarm = new LinkedHashMap<>();
        procs.forEach((name, proc) -> rssWarm.put(name, round(proc.rssMb())));
        results.put("rssMbAfterWarmup", rssWarm);

        Map<String, Object> quiet = new LinkedHashMap<>();
        quiet.put("J", awaitQuietMachine());
        System.out.println("bench: J — GET /api/v1/me with wrk, " + concurrency + " connections");
        Wrk j = wrk("/api/v1/me", null);

        quiet.put("P", awaitQuietMachine());
        System.out.println("bench: P — pgbench replaying intake's transaction, " + concurrency + " clients");
        double p = pgbench();

        quiet.put("I_alone", awaitQuietMachine());
        System.out.println("bench: I alone — the same with sharing, audit and the partner frozen (SIGSTOP)");
        List<Proc> others = List.of(procs.get("sharing"), procs.get("audit"), procs.get("demo-partner"));
        for (Proc other : others) {
            other.signal("STOP");
        }
        Wrk alone;
        try {
            alone = wrk("/api/v1/reports", "post-report.lua");
        } finally {
            for (Proc other : others) {
                other.signal("CONT");
            }
        }
        results.put("I_alone_reportsPerSecond", round(alone.requestsPerSecond()));
        results.put("I_alone_over_P", round(alone.requestsPerSecond() / p));
        System.out.println("bench: letting the pipeline catch up");
        awaitDrained(acceptedByIntake(), Duration.ofSeconds(30), Duration.ofMinutes(5));

        quiet.put("I", awaitQuietMachine());
        System.out.println("bench: I — POST /api/v1/reports closed-loop with wrk, " + concurrency + " connections");
        Map<String, Double> cpuBefore = cpu();
        Map<String, Double> jitBefore = jit();
        Instant iStart = Instant.now();
        long[] machineAtStart = MachineCpu.read();
        Wrk i = wrk("/api/v1/reports", "post-report.lua");
        Instant iEnd = Instant.now();
        results.put("I_machineCpuBusy", round(MachineCpu.busySince(machineAtStart)));
        double deliveryRate = deliveredBetween(iStart, iEnd) / Duration.between(iStart, iEnd).toMillis() * 1000.0;
        System.out.println("bench: letting the pipeline catch up before the open-loop phases");
        awaitDrained(acceptedByIntake(), Duration.ofSeconds(30), Duration.ofMinutes(5));
        // every report accepted during I has now been delivered and its events logged: the CPU spent since I began is
        // what they cost
        Map<String, Double> cpuAfter = cpu();
        Map<String, Double> jitAfter = jit();
        double throughDelivery = (i.requests() - i.failed()) / (Duration.between(iStart, Instant.now()).toMillis() / 1000.0);
        results.put("pipeline_reportsPerSecond", round(throughDelivery));

        // the same latency measure where the machine is not saturated: half of what the pipeline delivers
        Map<String, Object> pipeline50 = openLoop("OP50", throughDelivery * 0.5, accepted, quiet, null);
        Map<String, Object> open50 = openLoop("O50", i.requestsPerSecond() * 0.5, accepted, quiet, null);
        // the last phase with load, so that the profiler, which stays loaded in intake, is in no other figure
        Map<String, Object> open80 = openLoop("O80", i.requestsPerSecond() * 0.8, accepted, quiet, logs);
        // how long each phase waited for a quiet machine after the pipeline had drained
        results.put("quietWaitSeconds", quiet);

        System.out.println("bench: waiting for the backlog to drain before checking the books");
        long drainStart = System.nanoTime();
        List<String> acceptedIds = acceptedByIntake();
        awaitDrained(acceptedIds, Duration.ofSeconds(30), Duration.ofMinutes(5));
        results.put("drainSecondsAfterLastPhase", round((System.nanoTime() - drainStart) / 1e9));
        Map<String, Object> books = books(acceptedIds);
        double verification = verificationRate();

        results.put("machine", machine());
        results.put("concurrency", concurrency);
        results.put("phaseSeconds", phase.toSeconds());
        results.put("I_reportsPerSecond", round(i.requestsPerSecond()));
        results.put("I_failed", i.failed());
        results.put("I_p99", i.latency());
        results.put("P_tps", round(p));
        results.put("J_requestsPerSecond", round(j.requestsPerSecond()));
        results.put("I_over_P", round(i.requestsPerSecond() / p));
        results.put("I_over_J", round(i.requestsPerSecond() / j.requestsPerSecond()));
        results.put("open50", open50);
        results.put("openPipeline50", pipeline50);
        results.put("open80", open80);
        results.put("deliveriesPerSecond", round(deliveryRate));
        double thousandReports = Math.max(1, i.requests() - i.failed()) / 1000.0;
        Map<String, Object> cpuPerReport = spent(cpuBefore, cpuAfter, thousandReports);
        cpuPerReport.remove("bench");
        cpuPerReport.put("total", round(cpuPerReport.values().stream().mapToDouble(v -> (Double) v).sum()));
        results.put("jitMillisPerReport", spent(jitBefore, jitAfter, thousandReports));
        results.put("cpuMillisPerReport", cpuPerReport);
        // I with the whole pipeline on these cores can go no higher than the cores divided by what PostgreSQL alone
        // spends on one report (intake's, sharing's and audit's statements), even if the services cost nothing
        double postgresMillis = (Double) cpuPerReport.get("postgres");
        if (postgresMillis > 0) {
            double ceiling = Runtime.getRuntime().availableProcessors() * 1000.0 / postgresMillis;
            results.put("I_over_P_ceilingWithPipeline", round(ceiling / p));
        }
        Map<String, Object> startup = new LinkedHashMap<>();
        Map<String, Object> rss = new LinkedHashMap<>();
        procs.forEach((name, proc) -> {
            startup.put(name, round(proc.startup.toMillis() / 1000.0));
            rss.put(name, round(proc.rssMb()));
        });
        results.put("startupSeconds", startup);
        results.put("rssMbAfterRun", rss);
        results.put("restartSeconds", restarts());
        Map<String, Object> aot = aotStartups();
        if (aot != null) {
            results.put("aotStartup", aot);
        }
        results.put("auditVerificationEventsPerSecond", Double.isNaN(verification) ? "n/a" : round(verification));
        results.put("books", books);

        String report = table();
        System.out.println(report);
        Path out = root.resolve("deploy/bench/target/results");
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        Files.writeString(out.resolve("results.md"), report);
        System.out.println("bench: results in " + out);
        if (!Boolean.TRUE.equals(books.get("balanced"))) {
            throw new IllegalStateException("the books do not balance: " + books);
        }
    }

    /**
     * Each service stopped and started again on its migrated schema, as a restart or a new replica finds it (the
     * first start cleaned and migrated an empty one), one at a time on a quiet machine, {@link #RESTARTS} times:
     * the median per service, and every start in {@code restartSecondsEach}.
     */
    private Map<String, Object> restarts() throws Exception {
        Map<String, Object> median = new LinkedHashMap<>();
        Map<String, Object> each = new LinkedHashMap<>();
        for (String name : List.of("audit", "sharing", "intake")) {
            Proc proc = procs.get(name).env("QUARKUS_FLYWAY_CLEAN_AT_START", "false");
            List<Double> seconds = new ArrayList<>();
            for (int k = 0; k < RESTARTS; k++) {
                System.out.println("bench: restarting " + name);
                proc.stop();
                if (k == 0) {
                    keepProfile(name);
                }
                awaitQuietMachine();
                proc.start();
                seconds.add(round(proc.startup.toMillis() / 1000.0));
                proc.awaitSettled(Duration.ofSeconds(15));
            }
            each.put(name, seconds);
            median.put(name, seconds.stream().sorted().toList().get(RESTARTS / 2));
        }
        results.put("restartSecondsEach", each);
        return median;
    }

    /**
     * Waits until the whole machine is less than a tenth busy over half a second, at most 30 s, so that a timed start
     * or a measured phase does not share the cores with work left over from the phase before it (after J, up to 6 s
     * of it, which P measured alongside before). Returns the seconds it waited.
     */
    private static double awaitQuietMachine() throws InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            long[] start = MachineCpu.read();
            Thread.sleep(500);
            if (MachineCpu.busySince(start) < 0.1) {
                return round((System.nanoTime() - begin) / 1e9);
            }
        }
        System.out.println("bench: the machine did not quieten in 30 s; going on anyway");
        return 30;
    }

    /** A service built a second time as Quarkus's {@code aot-jar} (run.sh's build step). */
    private Path aotJar(String name) {
        return root.resolve(name + "-service/target/quarkus-aot/quarkus-run.jar");
    }

    /** The restart records its profile under the same name: the run's profile is kept as {@code <name>-run.jfr}. */
    private void keepProfile(String name) throws IOException {
        Path profile = root.resolve("deploy/bench/target/logs").resolve(name + ".jfr");
        if (name.equals(System.getProperty("bench.profile")) && Files.exists(profile)) {
            Files.move(profile, profile.resolveSibling(name + "-run.jfr"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Where a JDK 25 or later is installed (run.sh passes it as {@code -Dbench.aotJava}, and builds each service a
     * second time as Quarkus's {@code aot-jar}), each service's first start on it: one training start writes
     * Leyden's AOT cache of loaded and linked classes (JEP 483, 514, 515), then a start on an empty schema, as the
     * first start above, uses it. The services are built for Java 17 either way; this is the runtime's choice.
     */
    private Map<String, Object> aotStartups() throws Exception {
        String java = System.getProperty("bench.aotJava", "").strip();
        if (java.isEmpty()) {
            return null;
        }
        List<String> names = List.of("audit", "sharing", "intake");
        List<String> unbuilt = names.stream().filter(name -> !Files.exists(aotJar(name))).toList();
        if (!unbuilt.isEmpty()) {
            System.out.println("bench: no AOT startups: " + unbuilt + " not built as aot-jar (run.sh without --no-build builds them)");
            return null;
        }
        Map<String, Object> seconds = new LinkedHashMap<>();
        Map<String, Object> rss = new LinkedHashMap<>();
        for (String name : names) {
            Proc proc = procs.get(name);
            proc.stop();
            Path jar = aotJar(name);
            Files.deleteIfExists(jar.resolveSibling("app.aot"));
            System.out.println("bench: " + name + " on " + java + ": a training start writes the AOT cache");
            List<String> training = new ArrayList<>(jvm);
            training.add("-XX:AOTCacheOutput=app.aot");
            Proc trainer = proc.variant(name + "-aot-training", jar, java, training);
            trainer.start();
            trainer.awaitSettled(Duration.ofSeconds(15));
            trainer.stop(); // the JVM writes the cache as it exits
            List<String> cached = new ArrayList<>(jvm);
            cached.add("-XX:AOTCache=app.aot");
            Proc aot = proc.variant(name + "-aot", jar, java, cached).env("QUARKUS_FLYWAY_CLEAN_AT_START", "true");
            awaitQuietMachine();
            aot.start();
            seconds.put(name, round(aot.startup.toMillis() / 1000.0));
            aot.awaitSettled(Duration.ofSeconds(15));
            rss.put(name, round(aot.rssMb()));
            aot.stop();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("java", java);
        out.put("startupSeconds", seconds);
        out.put("rssMbWhenSettled", rss);
        return out;
    }

    private void startServices(Path logs) throws Exception {
        String keysDir = keys.toString();
        Proc audit = service("audit", 18083, logs);
        Proc sharing = service("sharing", 18082, logs);
        Proc intake = service("intake", 18081, logs);
        Proc partner = new Proc("demo-partner", 18090, root.resolve("deploy/demo-partner/target/quarkus-app/quarkus-run.jar"),
                logs, partnerJvm);
        for (Proc p : List.of(audit, sharing, intake)) {
            p.env("CNX_KEYS_DIR", keysDir).env("CNX_AUDIT_URL", audit.url()).env("CNX_SHARING_URL", sharing.url())
                    .env("CNX_DEMO_PARTNER_URL", partner.url()).env("CNX_PARTNERS_ALLOW_LOCAL_ENDPOINTS", "true")
                    .env("QUARKUS_FLYWAY_CLEAN_AT_START", "true").env("QUARKUS_FLYWAY_CLEAN_DISABLED", "false")
                    .env("QUARKUS_LOG_LEVEL", "WARN");
        }
        audit.env("QUARKUS_FLYWAY_PASSWORD", "audit_owner"); // migrations as the log's owner (db-setup.sh)
        // The bench counts arrivals from the partner's compact arrival log and reads no bodies. The partner keeps the
        // latest 10 bodies per partner code: with 1,000 each body lived a few seconds, long enough to be promoted, and
        // the old generation filled with them until a full collection of 0.1-0.5 s cleared it.
        partner.env("CNX_DEMO_JWKS_URL", sharing.url() + "/.well-known/jwks.json").env("QUARKUS_LOG_LEVEL", "WARN")
                .env("CNX_DEMO_MAX_DELIVERIES_PER_PARTNER", "10");
        Map<String, Object> training = new LinkedHashMap<>();
        for (Proc p : List.of(audit, sharing, intake)) {
            System.out.println("bench: " + p.name + ": a training start writes its AppCDS archive");
            p.train();
            training.put(p.name, round(p.startup.toMillis() / 1000.0));
        }
        results.put("trainingStartupSeconds", training);
        for (Proc p : List.of(audit, sharing, intake, partner)) {
            System.out.println("bench: starting " + p.name);
            awaitQuietMachine();
            p.start();
            procs.put(p.name, p);
            // the next one starts on a quiet machine: a JVM goes on compiling for a while after it is ready
            p.awaitSettled(Duration.ofSeconds(15));
        }
    }

    private Proc service(String name, int port, Path logs) {
        List<String> options = new ArrayList<>(jvm);
        if (name.equals(System.getProperty("bench.profile"))) {
            // -Dbench.profile=intake: a JFR CPU profile of that service, for finding the hot path
            options.add("-XX:StartFlightRecording=filename=" + logs.resolve(name + ".jfr") + ",settings=profile,dumponexit=true");
        }
        return new Proc(name, port, root.resolve(name + "-service/target/quarkus-app/quarkus-run.jar"), logs, options)
                .env("QUARKUS_DATASOURCE_JDBC_URL", jdbc(name))
                .env("QUARKUS_DATASOURCE_USERNAME", name)
                .env("QUARKUS_DATASOURCE_PASSWORD", name);
    }

    /** A connection to a service's bench database as the service's own role (db-setup.sh: password = role name). */
    private static Connection connect(String service) throws SQLException {
        return DriverManager.getConnection(jdbc(service), service, service);
    }

    private static String jdbc(String service) {
        return "jdbc:postgresql://localhost:5432/" + service + "_bench";
    }

    private void stopAll() throws InterruptedException {
        load.close();
        for (Proc p : procs.values()) {
            p.stop();
        }
    }

    /** A varied, valid report: type, substances and recipient rotate; some hit the watch list. */
    private Load.Post submit(String phaseName, int n) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String[] a = SUBSTANCES[random.nextInt(SUBSTANCES.length)];
        String[] b = SUBSTANCES[random.nextInt(SUBSTANCES.length)];
        String body = """
                {"externalRef":"BENCH-%s-%s-%d-%s","type":"%s","title":"Benchmark report %d",
                 "summary":"%s","occurredAt":"2026-11-01T10:00:00Z","tlp":"GREEN",
                 "handling":{"releasableTo":["%s"]},
                 "grading":{"sourceReliability":"B","informationCredibility":%d},
                 "substances":[{"name":"%s","casNumber":"%s","quantity":%d,"unit":"kg"},
                               {"name":"%s","casNumber":"%s","quantity":%d.5,"unit":"g"}],
                 "shipment":{"originCountry":"US","destinationCountry":"MX","containerNumber":"CSQU3054383","hsCode":"2933.39"}}"""
                .formatted(runId, phaseName, n, UUID.randomUUID().toString().substring(0, 8), TYPES[n % TYPES.length], n,
                        "x".repeat(100 + random.nextInt(900)), RECIPIENTS.get(n % RECIPIENTS.size()), 1 + random.nextInt(6),
                        a[0], a[1], 1 + random.nextInt(500), b[0], b[1], random.nextInt(100));
        return new Load.Post(URI.create(procs.get("intake").url() + "/api/v1/reports"), partnerToken, body);
    }

    /**
     * The warm-up's open loop, in two halves, each half's JIT recorded (cores by process): what the compilers still
     * had to do once they had cores to spare. Returns the reports sent.
     */
    private List<Load.Sent> warmOpenLoop(double rate) throws InterruptedException {
        System.out.printf(Locale.ROOT, "bench: warm-up, open loop at %.0f reports/s for %d s%n", rate, warmOpen.toSeconds());
        List<Load.Sent> sent = new ArrayList<>();
        Map<String, Object> jitCores = new LinkedHashMap<>();
        for (String half : List.of("first", "second")) {
            Map<String, Double> jitAtStart = jit();
            long begin = System.nanoTime();
            Load.Result warm = load.open(rate, warmOpen.dividedBy(2), n -> submit("W-" + half, n), 201);
            sent.addAll(warm.sent());
            jitCores.put(half, spent(jitAtStart, jit(), (System.nanoTime() - begin) / 1e9));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rate", round(rate));
        out.put("seconds", warmOpen.toSeconds());
        out.put("jitCoresByHalf", jitCores);
        results.put("warmupOpenLoop", out);
        return sent;
    }

    private Map<String, Object> openLoop(String name, double rate, List<Load.Sent> accepted, Map<String, Object> quiet,
            Path profileDir) throws Exception {
        quiet.put(name, awaitQuietMachine());
        System.out.printf(Locale.ROOT, "bench: open loop at %.0f reports/s%n", rate);
        if (!settle.isZero()) {
            // held at the rate, unmeasured, so that the phase measures the pipeline's steady state at it
            accepted.addAll(load.open(rate, settle, n -> submit(name + "-settle", n), 201).sent());
        }
        Map<String, CpuProfile> profiles = profileDir == null ? Map.of() : startProfiles(profileDir);
        Instant start = Instant.now();
        long[] cpuAtStart = MachineCpu.read();
        Map<String, Double> processesAtStart = cpu();
        Map<String, Double> jitAtStart = jit();
        Load.Result result = load.open(rate, phase, n -> submit(name, n), 201);
        Instant end = Instant.now();
        stopProfiles(profiles, name, profileDir);
        double busy = MachineCpu.busySince(cpuAtStart);
        Map<String, Double> processesAtEnd = cpu();
        Map<String, Double> jitAtEnd = jit();
        accepted.addAll(result.sent());
        List<String> ids = result.sent().stream().map(Bench::reportId).toList();
        // the end-to-end latencies and the audit lag below then count every report and event of this phase, and the
        // next phase starts on an idle pipeline
        awaitDrained(ids, Duration.ofSeconds(30), Duration.ofMinutes(5));
        Map<String, Instant> arrivals = arrivals();
        Histogram endToEnd = new Histogram(3);
        for (Load.Sent sent : result.sent()) {
            Instant arrived = arrivals.get(reportId(sent));
            if (arrived != null) {
                endToEnd.recordValue(micros(sent.intended(), arrived));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rate", round(rate));
        out.put("sent", result.ok() + result.failed());
        out.put("failed", result.failed());
        out.put("emptyBodies", result.emptyBodies());
        if (result.emptyBodies() > 0) {
            System.out.printf("bench: %d responses of %s had the expected status but no body; counted as failed%n",
                    result.emptyBodies(), name);
        }
        out.put("intakeLatencyMillis", percentiles(result.latencyMicros()));
        out.put("endToEndMillis", percentiles(endToEnd));
        out.put("auditLagMillis", auditLag(start, end));
        out.put("machineCpuBusy", round(busy));
        // which processes kept the machine busy during the phase, in cores
        double seconds = Duration.between(start, end).toMillis() / 1000.0;
        out.put("coresByProcess", spent(processesAtStart, processesAtEnd, seconds));
        out.put("jitCoresByProcess", spent(jitAtStart, jitAtEnd, seconds));
        out.put("stagesMillis", stages(ids));
        return out;
    }

    /**
     * Waits until the pipeline is idle: every accepted report has arrived at the partner, and intake's and sharing's
     * outboxes are empty, so that audit-service has logged every event too (it trails the deliveries: after the I-alone
     * phase by a minute on a slow VM, and its catching up would otherwise load the next phase's cores). Gives up when
     * neither has moved for {@code stall}, or after {@code max}.
     */
    private void awaitDrained(List<String> ids, Duration stall, Duration max) throws Exception {
        Set<String> wanted = new HashSet<>(ids);
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        long lastProgress = start;
        int arrived = -1;
        long backlog = Long.MAX_VALUE;
        int missingAtStart = -1;
        long backlogAtStart = -1;
        while (System.nanoTime() < deadline && System.nanoTime() - lastProgress < stall.toNanos()) {
            Set<String> now = new HashSet<>(arrivals().keySet());
            now.retainAll(wanted);
            long outboxes = outboxBacklog();
            if (backlogAtStart < 0) {
                missingAtStart = wanted.size() - now.size();
                backlogAtStart = outboxes;
            }
            if (now.size() == wanted.size() && outboxes == 0) {
                System.out.printf(Locale.ROOT, "bench: … drained in %.1f s (at first %d reports not yet at the "
                        + "partner, %d outbox rows)%n", (System.nanoTime() - start) / 1e9, missingAtStart, backlogAtStart);
                return;
            }
            if (now.size() > arrived || outboxes < backlog) {
                arrived = Math.max(arrived, now.size());
                backlog = Math.min(backlog, outboxes);
                lastProgress = System.nanoTime();
            }
            Thread.sleep(1000);
        }
        System.out.printf(Locale.ROOT, "bench: … not drained after %.0f s: %d of %d reports at the partner, %d outbox "
                + "rows left%n", (System.nanoTime() - start) / 1e9, Math.max(arrived, 0), wanted.size(), backlog);
    }

    /** Messages intake and sharing have yet to relay: hand-overs to sharing and events on their way to audit. */
    private long outboxBacklog() throws SQLException {
        long rows = 0;
        for (String service : List.of("intake", "sharing")) {
            try (Connection c = connect(service);
                    PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM outbox_message");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                rows += rs.getLong(1);
            }
        }
        return rows;
    }

    /** Every delivery the partner receiver accepted (it verified the signature), by report id. */
    private Map<String, Instant> arrivals() throws IOException, InterruptedException {
        Map<String, Instant> arrivals = new HashMap<>();
        for (String code : RECIPIENTS) {
            for (Arrival arrival : arrivalLog(code)) {
                arrivals.putIfAbsent(arrival.reportId(), arrival.receivedAt());
            }
        }
        return arrivals;
    }

    /** One arrival at the partner, from its compact arrival log (every arrival, in order). */
    private record Arrival(String reportId, Instant receivedAt) {
    }

    private final Map<String, List<Arrival>> arrivalLogs = new HashMap<>();
    private final Map<String, Long> partnerDuplicates = new HashMap<>();

    /** The partner's arrival log so far: read on from where the last call stopped. */
    private List<Arrival> arrivalLog(String code) throws IOException, InterruptedException {
        List<Arrival> log = arrivalLogs.computeIfAbsent(code, c -> new ArrayList<>());
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(procs.get("demo-partner").url()
                    + "/partners/" + code + "/deliveries/arrivals?from=" + log.size())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the partner's arrival log answered " + response.statusCode());
            }
            JsonNode page = JSON.readTree(response.body());
            partnerDuplicates.put(code, page.path("duplicates").asLong());
            for (JsonNode item : page.path("items")) {
                log.add(new Arrival(item.path("reportId").asText(), Instant.parse(item.path("receivedAt").asText())));
            }
            if (page.path("items").isEmpty() || log.size() >= page.path("total").asInt()) {
                return log;
            }
        }
    }

    /** Every accepted report is delivered once or accounted for by a decision; nothing is delivered twice. */
    private Map<String, Object> books(List<String> acceptedIds) throws Exception {
        Map<String, Integer> deliveredCount = new HashMap<>();
        long duplicates = 0;
        for (String code : RECIPIENTS) {
            for (Arrival arrival : arrivalLog(code)) {
                deliveredCount.merge(arrival.reportId(), 1, Integer::sum);
            }
            duplicates += partnerDuplicates.getOrDefault(code, 0L);
        }
        Set<String> ids = new HashSet<>(acceptedIds);
        Map<String, String> statuses = new HashMap<>();
        try (Connection c = connect("sharing");
                PreparedStatement ps = c.prepareStatement("SELECT report_id::text, status FROM release")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    statuses.merge(rs.getString(1), rs.getString(2), (x, y) -> x + "," + y);
                }
            }
        }
        long delivered = ids.stream().filter(deliveredCount::containsKey).count();
        long twice = deliveredCount.values().stream().filter(n -> n > 1).count();
        long accountedOnly = ids.stream().filter(id -> !deliveredCount.containsKey(id) && statuses.containsKey(id)).count();
        long lost = ids.stream().filter(id -> !deliveredCount.containsKey(id) && !statuses.containsKey(id)).count();
        Map<String, Object> books = new LinkedHashMap<>();
        books.put("accepted", ids.size());
        books.put("delivered", delivered);
        books.put("undeliveredButDecided", accountedOnly);
        books.put("lost", lost);
        books.put("deliveredTwice", twice);
        books.put("duplicateDeliveriesAtPartner", duplicates);
        books.put("balanced", lost == 0 && twice == 0 && delivered + accountedOnly == ids.size());
        return books;
    }

    /** The reports intake accepted in this run, from its own database: the books start from there. */
    private List<String> acceptedByIntake() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = connect("intake");
                PreparedStatement ps = c.prepareStatement("SELECT id::text FROM report WHERE external_ref LIKE ?")) {
            ps.setString(1, "BENCH-" + runId + "-%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** A closed-loop wrk run: C connections back to back for one phase. */
    record Wrk(double requestsPerSecond, long requests, long failed, String latency) {
    }

    private Wrk wrk(String path, String script) throws Exception {
        List<String> command = new ArrayList<>(List.of("wrk", "-t", "2", "-c", String.valueOf(concurrency), "-d",
                phase.toSeconds() + "s", "--latency", "-H", "Authorization: Bearer " + partnerToken));
        if (script != null) {
            Path lua = root.resolve("deploy/bench/target/" + script);
            try (var in = Bench.class.getResourceAsStream("/" + script)) {
                Files.write(lua, in.readAllBytes());
            }
            command.addAll(List.of("-s", lua.toString()));
        }
        command.add(procs.get("intake").url() + path);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TOKEN", partnerToken);
        builder.environment().put("RUN", runId);
        builder.environment().put("INTAKE_PATH", path);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(output);
        Matcher total = Pattern.compile("(\\d+) requests in").matcher(output);
        Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(output);
        Matcher p99 = Pattern.compile("99%\\s+(\\S+)").matcher(output);
        if (!rps.find() || !total.find()) {
            throw new IllegalStateException("cannot read wrk's output:\n" + output);
        }
        long failed = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
        return new Wrk(Double.parseDouble(rps.group(1)) * (1 - (double) failed / Long.parseLong(total.group(1))),
                Long.parseLong(total.group(1)), failed, p99.find() ? p99.group(1) : "?");
    }

    private double deliveredBetween(Instant from, Instant to) throws SQLException {
        try (Connection c = connect("sharing");
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM delivery WHERE delivered_at BETWEEN ? AND ?")) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Where the end-to-end time goes, per report of a phase, from the services' own timestamps: intake's receipt
     * to sharing's first decision (the hand-over and the policy), the delivery's creation to its first attempt
     * (the wait for a lane), and that attempt (signing, the request, the partner's checks).
     */
    private Map<String, Object> stages(List<String> reportIds) throws SQLException {
        Map<String, Instant> received = new HashMap<>();
        try (Connection c = connect("intake");
                PreparedStatement ps = c.prepareStatement("SELECT id::text, received_at FROM report WHERE id = ANY (?::uuid[])")) {
            ps.setArray(1, c.createArrayOf("text", reportIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    received.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        Histogram handOver = new Histogram(3);
        Histogram queued = new Histogram(3);
        Histogram attempt = new Histogram(3);
        try (Connection c = connect("sharing");
                PreparedStatement ps = c.prepareStatement("""
                        SELECT d.report_id::text, r.decided_at, d.created_at, a.started_at, a.finished_at
                          FROM delivery d JOIN release r ON r.id = d.release_id
                          JOIN delivery_attempt a ON a.delivery_id = d.id AND a.attempt = 1
                         WHERE d.report_id = ANY (?::uuid[]) AND d.kind = 'RECORD'""")) {
            ps.setArray(1, c.createArrayOf("text", reportIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant at = received.get(rs.getString(1));
                    if (at != null) {
                        handOver.recordValue(micros(at, rs.getTimestamp(2).toInstant()));
                    }
                    queued.recordValue(micros(rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant()));
                    attempt.recordValue(micros(rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()));
                }
            }
        }
        Map<String, Object> stages = new LinkedHashMap<>();
        stages.put("intakeToDecided", percentiles(handOver));
        stages.put("createdToFirstAttempt", percentiles(queued));
        stages.put("firstAttempt", percentiles(attempt));
        return stages;
    }

    private static long micros(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1000);
    }

    /** How long REPORT_RECEIVED events took from intake's commit to audit's log, for reports sent in the window. */
    private Map<String, Object> auditLag(Instant from, Instant to) throws SQLException {
        try (Connection c = connect("audit");
                PreparedStatement ps = c.prepareStatement("""
                        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag), percentile_cont(0.99) WITHIN GROUP (ORDER BY lag),
                               max(lag), count(*)
                          FROM (SELECT extract(epoch FROM recorded_at - occurred_at) * 1000 AS lag FROM audit_event
                                 WHERE action = 'REPORT_RECEIVED' AND occurred_at BETWEEN ? AND ?) l""")) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Map<String, Object> lag = new LinkedHashMap<>();
                lag.put("p50", round(rs.getDouble(1)));
                lag.put("p99", round(rs.getDouble(2)));
                lag.put("max", round(rs.getDouble(3)));
                lag.put("events", rs.getLong(4));
                return lag;
            }
        }
    }

    /** Events per second of a full recomputation of the audit log, or NaN where the endpoint is absent. */
    private double verificationRate() throws Exception {
        String auditor = token("auditor", "US-DEA", "US");
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(procs.get("audit").url() + "/api/v1/log/verification"))
                .header("Authorization", "Bearer " + auditor).build(), HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (response.statusCode() != 200) {
            return Double.NaN;
        }
        JsonNode body = JSON.readTree(response.body());
        if (!body.path("valid").asBoolean()) {
            throw new IllegalStateException("audit log verification failed: " + response.body());
        }
        return body.path("size").asLong() / seconds;
    }

    /**
     * pgbench with intake's SQL (advisory lock, externalRef check, the report, and its two outbox rows in one
     * statement, as intake writes them) at the same concurrency.
     */
    private double pgbench() throws Exception {
        String script = """
                \\set n random(1, 2000000000)
                BEGIN;
                SELECT pg_advisory_xact_lock(hashtextextended('external-ref:PGBENCH:' || :client_id || '-' || :n, 0));
                SELECT id FROM report WHERE external_key = '7:PGBENCH' || 'pgb-' || :client_id || '-' || :n;
                INSERT INTO report (id, agency, country, external_ref, type, tlp, title, status, submitted_by, received_at, body, payload_sha256, content_sha256, watchlist_hits) VALUES (gen_random_uuid(), 'PGBENCH', 'US', 'pgb-' || gen_random_uuid(), 'SEIZURE', 'GREEN', 'Benchmark report', 'RECEIVED', 'pgbench', now(), '%s', repeat('a', 64), repeat('b', 64), '["NPP"]');
                INSERT INTO outbox_message (id, destination, payload, created_at, available_at) VALUES (gen_random_uuid(), 'pgbench', '%s', now(), now()), (gen_random_uuid(), 'pgbench', '%s', now(), now());
                END;
                """.formatted(sampleReport(), "{\"report\":" + sampleReport() + "}", sampleEvent());
        Path file = root.resolve("deploy/bench/target/intake-transaction.sql");
        Files.writeString(file, script);
        ProcessBuilder builder = new ProcessBuilder("pgbench", "-h", "localhost", "-U", "intake", "-n", "-c",
                String.valueOf(concurrency), "-j", "2", "-T", String.valueOf(phase.toSeconds()), "-f", file.toString(),
                "intake_bench").redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", "intake");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        try (Connection c = connect("intake")) {
            c.createStatement().executeUpdate("DELETE FROM outbox_message WHERE destination = 'pgbench'");
            c.createStatement().executeUpdate("DELETE FROM report WHERE agency = 'PGBENCH'");
        }
        Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(output);
        if (!tps.find()) {
            throw new IllegalStateException("pgbench failed:\n" + output);
        }
        return Double.parseDouble(tps.group(1));
    }

    private static String sampleReport() {
        return "{\"externalRef\":\"BENCH-1\",\"type\":\"SEIZURE\",\"title\":\"Benchmark report\",\"summary\":\""
                + "x".repeat(550) + "\",\"tlp\":\"GREEN\",\"handling\":{\"releasableTo\":[\"CN-NNCC\"]},"
                + "\"substances\":[{\"name\":\"NPP\",\"casNumber\":\"39742-60-4\",\"quantity\":12,\"unit\":\"kg\"}]}";
    }

    private static String sampleEvent() {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"occurredAt\":\"2026-11-01T10:00:00Z\",\"service\":\"intake\","
                + "\"action\":\"REPORT_RECEIVED\",\"actor\":{\"sub\":\"bench\",\"agency\":\"US-CBP\",\"roles\":[\"partner\"]},"
                + "\"outcome\":\"SUCCESS\",\"payloadSha256\":\"" + "a".repeat(64) + "\"}";
    }

    private String token(String role, String agency, String country) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(root.resolve("deploy/local/token.sh").toString(), role, agency, country,
                "--sub", "bench-" + role, "--keys", keys.toString()).start();
        String token = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0 || token.isEmpty()) {
            throw new IllegalStateException("token.sh failed: "
                    + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return token;
    }

    /** Per process, the CPU seconds spent between two readings, divided by {@code per} and rounded. */
    private static Map<String, Object> spent(Map<String, Double> before, Map<String, Double> after, double per) {
        Map<String, Object> spent = new LinkedHashMap<>();
        after.forEach((name, seconds) -> spent.put(name, round((seconds - before.get(name)) / per)));
        return spent;
    }

    /** JIT compiler threads' CPU seconds so far, per service. */
    private Map<String, Double> jit() {
        Map<String, Double> jit = new LinkedHashMap<>();
        procs.forEach((name, proc) -> jit.put(name, proc.jitSeconds()));
        return jit;
    }

    private Map<String, Double> cpu() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        procs.forEach((name, proc) -> cpu.put(name, proc.cpuSeconds()));
        cpu.put("postgres", Proc.cpuSecondsOf("postgres"));
        cpu.put("bench", ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(0.0));
        return cpu;
    }

    private static String reportId(Load.Sent sent) {
        try {
            return JSON.readTree(sent.body()).path("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> percentiles(Histogram micros) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("p50", round(micros.getValueAtPercentile(50) / 1000.0));
        p.put("p99", round(micros.getValueAtPercentile(99) / 1000.0));
        p.put("max", round(micros.getMaxValue() / 1000.0));
        p.put("count", micros.getTotalCount());
        return p;
    }

    private static String machine() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("?");
            return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", Java "
                    + System.getProperty("java.version");
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors() + " cores";
        }
    }

    private String table() {
        StringBuilder t = new StringBuilder("\n## cnx benchmark\n\n");
        t.append("Machine: ").append(results.get("machine")).append("; ").append(concurrency)
                .append(" concurrent clients; ").append(phase.toSeconds()).append(" s per phase (each open loop held at its rate ")
                .append(settle.toSeconds()).append(" s before it); each service ")
                .append(String.join(" ", shown(jvm)))
                .append(" (+ its AppCDS archive, from a training start); the partner receiver ")
                .append(String.join(" ", partnerJvm)).append(".\n\n");
        t.append("| measure | value | target |\n|---|---|---|\n");
        if (results.get("warmupOpenLoop") instanceof Map<?, ?> warm) {
            row(t, "warm-up: closed loop " + phase.toSeconds() + " s, then open loop at " + warm.get("rate") + "/s for "
                    + warm.get("seconds") + " s (" + Math.round(WARM_OPEN_SHARE * 100) + " % of the closed loop's rate); the JIT compiling in its first and second "
                    + "half, cores by process", warm.get("jitCoresByHalf"), "");
        }
        row(t, "I — intake reports/s, closed loop", results.get("I_reportsPerSecond"), "");
        row(t, "P — pgbench, intake's transaction (tps)", results.get("P_tps"), "");
        row(t, "J — authenticated JSON, no database (req/s)", results.get("J_requestsPerSecond"), "");
        row(t, "I/P", results.get("I_over_P"), "≥ 0.5");
        row(t, "… the most I/P could be with the whole pipeline on these cores: the cores / PostgreSQL's CPU per report"
                + " (all three services' statements), divided by P, as if the services cost no CPU",
                results.get("I_over_P_ceilingWithPipeline"), "");
        row(t, "I alone — intake with the rest of the pipeline frozen, reports/s", results.get("I_alone_reportsPerSecond"), "");
        row(t, "I alone / P", results.get("I_alone_over_P"), "");
        row(t, "I/J", results.get("I_over_J"), "");
        for (String load : List.of("open50", "open80", "openPipeline50")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> o = (Map<String, Object>) results.get(load);
            String label = switch (load) {
                case "open50" -> "50 %";
                case "open80" -> "80 %";
                default -> "50 % of the pipeline's throughput";
            };
            row(t, "end-to-end intake → partner at " + label + " (" + o.get("rate") + "/s), ms p50 / p99 / max",
                    triple(o.get("endToEndMillis")), load.equals("open50") ? "p99 ≤ 200" : "");
            row(t, "intake response at " + label + ", ms p50 / p99 / max (requests sent, failed)",
                    triple(o.get("intakeLatencyMillis")) + " (" + o.get("sent") + ", " + o.get("failed") + ")", "");
            row(t, "audit append lag at " + label + ", ms p50 / p99 / max", triple(o.get("auditLagMillis")),
                    load.equals("open80") ? "p99 ≤ 1000" : "");
            @SuppressWarnings("unchecked")
            Map<String, Object> stages = (Map<String, Object>) o.get("stagesMillis");
            row(t, "… of which intake → sharing's decision / wait for a lane / the delivery request, ms p50 (p99)",
                    stages.values().stream().map(v -> ((Map<?, ?>) v).get("p50") + " (" + ((Map<?, ?>) v).get("p99") + ")")
                            .collect(java.util.stream.Collectors.joining(" / ")), "");
            row(t, "machine CPU busy at " + label + " (all processes, both cores); cores by process",
                    percent(o.get("machineCpuBusy")) + "; " + o.get("coresByProcess"), "");
            row(t, "… of which the JIT compiling, cores by process", o.get("jitCoresByProcess"), "");
        }
        row(t, "seconds each phase waited, once the pipeline had drained, for the machine to be less than a tenth busy "
                + "(J, P, I alone, I, then the open loops)", results.get("quietWaitSeconds"), "");
        row(t, "machine CPU busy during I", percent(results.get("I_machineCpuBusy")), "");
        row(t, "deliveries/s during I", results.get("deliveriesPerSecond"), "");
        row(t, "CPU ms per report, from I's start until all of I's reports were delivered and logged by audit", results.get("cpuMillisPerReport"), "");
        row(t, "… of which the JIT compiling", results.get("jitMillisPerReport"), "");
        row(t, "JWT: intake's CPU spent authenticating the requests at 80 % of I (async-profiler's samples of all its threads: "
                + "the bearer token's extraction, parse and check against the cache of verified tokens, the identity)",
                results.get("jwtShareOfIntakeCpu") instanceof Map<?, ?> jwt
                        ? String.format(Locale.ROOT, "%.1f %%", ((Number) jwt.get("share")).doubleValue() * 100)
                                + " (" + jwt.get("authenticationSamples") + " of " + jwt.get("samples")
                                + " samples)"
                        : results.get("jwtShareOfIntakeCpu"),
                "≤ 10 %");
        row(t, "pipeline — I's reports / time until the last of them was delivered and logged by audit, reports/s", results.get("pipeline_reportsPerSecond"), "");
        row(t, "startup to ready, s (an empty schema: cleaned and migrated; the trained AppCDS archive)",
                results.get("startupSeconds"), "≤ 3");
        row(t, "… the training start before it (no archive; it writes the archive as it exits), s",
                results.get("trainingStartupSeconds"), "");
        row(t, "restart to ready, s (the schema migrated): the median of " + RESTARTS + " · each",
                results.get("restartSeconds") + " · " + results.get("restartSecondsEach"), "≤ 3");
        if (results.get("aotStartup") instanceof Map<?, ?> aot) {
            row(t, "startup to ready on " + aot.get("java") + " with Leyden's AOT cache, s (an empty schema)",
                    aot.get("startupSeconds"), "≤ 3");
            row(t, "… RSS once started and settled, MB", aot.get("rssMbWhenSettled"), "");
        }
        row(t, "RSS after warm-up, MB", results.get("rssMbAfterWarmup"), "≤ 300");
        row(t, "RSS after the run, MB", results.get("rssMbAfterRun"), "");
        row(t, "audit log verification, events/s", results.get("auditVerificationEventsPerSecond"), "≥ 50,000");
        row(t, "books", results.get("books"), "balanced");
        return t.toString();
    }

    /**
     * The phase's CPU profiles: intake's, for JWT's share of its CPU, and those {@code -Dbench.cpuProfiles=sharing,audit}
     * names, for finding their hot paths (no figure of the table comes from them). A service that cannot be profiled is
     * left out and the results say why: the run goes on.
     */
    private Map<String, CpuProfile> startProfiles(Path dir) {
        Set<String> names = new LinkedHashSet<>(List.of("intake"));
        for (String name : System.getProperty("bench.cpuProfiles", "").split(",")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        Map<String, CpuProfile> profiles = new LinkedHashMap<>();
        Path library;
        try {
            library = CpuProfile.extractLibrary(dir);
        } catch (Exception e) {
            names.forEach(name -> notProfiled(name, e));
            return profiles;
        }
        for (String name : names) {
            try {
                Proc proc = procs.get(name);
                if (proc == null) {
                    throw new IllegalArgumentException("no such process (audit, sharing or demo-partner)");
                }
                profiles.put(name, CpuProfile.start(proc.pid(), library));
            } catch (Exception e) {
                notProfiled(name, e);
            }
        }
        return profiles;
    }

    /** Stops each profile into {@code <name>-<phase>.collapsed}; intake's gives JWT's share of its CPU. */
    private void stopProfiles(Map<String, CpuProfile> profiles, String phaseName, Path dir) {
        profiles.forEach((name, profile) -> {
            Path collapsed = dir.resolve(name + "-" + phaseName + ".collapsed");
            try {
                profile.stop(collapsed);
                if (name.equals("intake")) {
                    Map<String, Object> share = CpuProfile.authenticationShare(collapsed);
                    share.put("profile", collapsed.toString());
                    results.put("jwtShareOfIntakeCpu", share);
                } else {
                    otherProfiles().put(name, collapsed.toString());
                }
            } catch (Exception e) {
                notProfiled(name, e);
            }
        });
    }

    private void notProfiled(String name, Exception e) {
        System.out.println("bench: no CPU profile of " + name + ": " + e);
        if (name.equals("intake")) {
            results.put("jwtShareOfIntakeCpu", "not measured: " + e);
        } else {
            otherProfiles().put(name, "not profiled: " + e);
        }
    }

    /** The other services' profiles in the results ({@code cpuProfiles}): each a file, or why there is none. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> otherProfiles() {
        return (Map<String, Object>) results.computeIfAbsent("cpuProfiles", key -> new LinkedHashMap<String, Object>());
    }

    private static String triple(Object percentiles) {
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) percentiles;
        return p.get("p50") + " / " + p.get("p99") + " / " + p.get("max");
    }

    private static String percent(Object share) {
        return share instanceof Number n ? Math.round(n.doubleValue() * 100) + " %" : String.valueOf(share);
    }

    private static void row(StringBuilder t, String measure, Object value, String target) {
        t.append("| ").append(measure).append(" | ").append(value).append(" | ").append(target).append(" |\n");
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
