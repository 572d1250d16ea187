package org.cnx.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** One packaged application as its own process, with what /proc says about it. */
final class Proc {

    /**
     * The AppCDS archive a training start writes as it exits, next to quarkus-run.jar: every class the service loaded
     * while it started and ran. Quarkus's build-time {@code app-cds.jsa} holds only what its build-time start loads,
     * about half (not Hibernate's runtime, Flyway or the JDBC driver). Used while it is newer than quarkus-run.jar.
     */
    static final String TRAINED_ARCHIVE = "app-cds-trained.jsa";

    /**
     * Every process started and not yet seen to end: a bench killed (SIGTERM, Ctrl+C) runs no {@code finally}, and a
     * service left on its port answered the next run's readiness checks for the service it started.
     */
    private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly),
                "bench-processes"));
    }

    final String name;
    final int port;
    private final Path jar;
    private final Path log;
    private final List<String> jvmOptions;
    private final String java;
    private final Map<String, String> env = new HashMap<>();
    private Process process;
    Duration startup;

    Proc(String name, int port, Path jar, Path logDir, List<String> jvmOptions) {
        this(name, port, jar, logDir, jvmOptions, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private Proc(String name, int port, Path jar, Path logDir, List<String> jvmOptions, String java) {
        this.name = name;
        this.port = port;
        this.jar = jar;
        this.log = logDir.resolve(name + ".log");
        this.jvmOptions = jvmOptions;
        this.java = java;
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    }

    /** The same service (port, environment) from another build, on another JVM, with other options. */
    Proc variant(String variantName, Path variantJar, String variantJava, List<String> options) {
        Proc variant = new Proc(variantName, port, variantJar, log.getParent(), options, variantJava);
        variant.env.putAll(env);
        return variant;
    }

    Proc env(String key, String value) {
        env.put(key, value);
        return this;
    }

    String url() {
        return "http://localhost:" + port;
    }

    /**
     * A training start: no archive, and the JVM writes the classes it loaded to {@link #TRAINED_ARCHIVE} as it exits
     * (a few seconds more to stop). Timed as {@link #startup}; the next {@link #start()} uses the archive.
     */
    void train() throws IOException, InterruptedException {
        Files.deleteIfExists(jar.resolveSibling(TRAINED_ARCHIVE));
        // -Xlog:cds=off: the dump warns about every class it skips
        start(List.of("-Xlog:cds=off", "-XX:ArchiveClassesAtExit=" + TRAINED_ARCHIVE));
        awaitSettled(Duration.ofSeconds(15));
        stop();
        if (!Files.exists(jar.resolveSibling(TRAINED_ARCHIVE))) {
            throw new IllegalStateException(name + " wrote no " + TRAINED_ARCHIVE + "; see " + log);
        }
    }

    /**
     * The AppCDS archive to start with, from inside quarkus-app/ (an archive matches only its class path). A profiled
     * service ({@code -Dbench.profile}) takes Quarkus's build-time archive: JDK 17 crashes (SIGSEGV in
     * {@code check_shared_class_file_load_hook}) loading an application class from a dynamic archive while JFR records.
     */
    private List<String> archive() throws IOException {
        Path trained = jar.resolveSibling(TRAINED_ARCHIVE);
        boolean recording = jvmOptions.stream().anyMatch(option -> option.startsWith("-XX:StartFlightRecording"));
        if (!recording && Files.exists(trained)
                && Files.getLastModifiedTime(trained).compareTo(Files.getLastModifiedTime(jar)) > 0) {
            return List.of("-XX:SharedArchiveFile=" + TRAINED_ARCHIVE);
        }
        if (Files.exists(jar.resolveSibling("app-cds.jsa"))) {
            return List.of("-XX:SharedArchiveFile=app-cds.jsa");
        }
        return List.of();
    }

    void start() throws IOException, InterruptedException {
        start(archive());
    }

    private void start(List<String> archiveOptions) throws IOException, InterruptedException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build first");
        }
        List<String> command = new java.util.ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(archiveOptions);
        command.add("-jar");
        command.add(jar.getFileName().toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(jar.getParent().toFile()).redirectErrorStream(true)
                // a restart's log follows the first start's
                .redirectOutput(process == null ? ProcessBuilder.Redirect.to(log.toFile())
                        : ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        if (portTaken()) {
            throw new IllegalStateException(name + ": another process listens on port " + port + " (a bench run that "
                    + "did not end?); its readiness would be timed instead of " + name + "'s");
        }
        long t0 = System.nanoTime();
        Process started = builder.start();
        process = started;
        STARTED.add(started);
        started.onExit().thenRun(() -> STARTED.remove(started));
        long deadline = t0 + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log);
            }
            if (ready()) {
                startup = Duration.ofNanos(System.nanoTime() - t0);
                return;
            }
            Thread.sleep(20);
        }
        stop();
        throw new IllegalStateException(name + " not ready in 90 s; see " + log);
    }

    private boolean portTaken() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until this process uses less than a tenth of a core over half a second, at most {@code max}. */
    void awaitSettled(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        double before = cpuSeconds();
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            double now = cpuSeconds();
            if (now - before < 0.05) {
                return;
            }
            before = now;
        }
    }

    private boolean ready() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/q/health/ready").toURL().openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(1000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** User + system CPU time consumed so far (from /proc/PID/stat, in clock ticks of 10 ms). */
    double cpuSeconds() {
        try {
            return cpuSeconds(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * CPU seconds the JIT's compiler threads (C1 and C2) have used so far: work a service does while it warms up
     * rather than per report.
     */
    double jitSeconds() {
        return cpuSecondsUnder(Path.of("/proc", String.valueOf(process.pid()), "task"),
                command -> command.startsWith("C1 CompilerThre") || command.startsWith("C2 CompilerThre"));
    }

    /** The command (a thread's name, for a task) of one /proc/PID/stat line. */
    private static String command(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** utime + stime of one /proc/PID/stat line (fields 14 and 15, after the command in parentheses). */
    private static double cpuSeconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /**
     * CPU seconds of every process named {@code command} so far (PostgreSQL's backends come and go: those that ended
     * during a phase are missed, but connection pools keep theirs for the whole run).
     */
    static double cpuSecondsOf(String command) {
        return cpuSecondsUnder(Path.of("/proc"), command::equals);
    }

    /** The CPU seconds of every process (or, under /proc/PID/task, thread) in {@code dir} whose command matches. */
    private static double cpuSecondsUnder(Path dir, Predicate<String> command) {
        double total = 0;
        try (var entries = Files.list(dir)) {
            for (Path entry : entries.filter(e -> e.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(entry.resolve("stat"));
                    if (command.test(command(stat))) {
                        total += cpuSeconds(stat);
                    }
                } catch (IOException | RuntimeException gone) {
                    // it ended while being read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size in MB (VmRSS). */
    double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
            return Double.NaN;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGSTOP / SIGCONT: freezes the process (its peers see a silent endpoint) and lets it go on. */
    void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
