package org.cnx.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One packaged Quarkus application running as its own process on a free port. */
final class Service {

    /** Every process started: what a failed test left running ends with the test JVM, not after it. */
    private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
    }

    final String name;
    final int port;
    private final Path jar;
    private final Path log;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final Map<String, String> env = new HashMap<>();
    private Image image;
    private Path imageDir;
    private Process process;
    private long logOffset; // where the current process's output begins: the log file keeps every start's

    Service(String name, Path jar, Path logDir) {
        this.name = name;
        this.jar = jar;
        this.log = logDir.resolve(name + ".log");
        this.port = freePort();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    }

    Service env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /**
     * Runs as a container of {@code image} would: its entrypoint, in {@code dir} holding the files it copies, with its
     * environment under this Service's.
     */
    Service image(Image image, Path dir) {
        image.install(dir);
        this.image = image;
        this.imageDir = dir;
        return this;
    }

    String url() {
        return "http://localhost:" + port;
    }

    /** A copy of this service's environment (for a replica of it). */
    Map<String, String> environment() {
        Map<String, String> copy = new HashMap<>(env);
        copy.remove("QUARKUS_HTTP_PORT");
        return copy;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    void start(Map<String, String> extraEnv) {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (mvn package)");
        }
        if (portTaken()) {
            // its readiness checks would reach the other process, and the test would talk to the wrong one
            throw new IllegalStateException(name + "'s port " + port + " is taken by another process");
        }
        ProcessBuilder builder = image == null ? javaCommand()
                : new ProcessBuilder(image.entrypoint()).directory(imageDir.toFile());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (image != null) {
            builder.environment().putAll(image.env());
            // the JRE the base image would have: this JDK's
            builder.environment().merge("PATH", Path.of(System.getProperty("java.home"), "bin").toString(),
                    (path, jdk) -> jdk + ":" + path);
        }
        builder.environment().putAll(env);
        builder.environment().putAll(extraEnv);
        try {
            Files.createDirectories(log.getParent());
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            process = builder.start();
            STARTED.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady(Duration.ofSeconds(90));
    }

    /** The process's id: the JVM's, where an entrypoint's shell replaced itself with java. */
    long pid() {
        return process.pid();
    }

    /** The packaged jar as deploy/local/run.sh starts it: deploy/jvm.options, and its AppCDS archive if it has one. */
    private ProcessBuilder javaCommand() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Cnx.ROOT.resolve("deploy/jvm.options")));
        // an AppCDS archive matches only the class path it was made with: quarkus-run.jar, from inside quarkus-app/;
        // the one a start by deploy/local/run.sh or the benchmark wrote as it exited, while it is newer than the build
        Path trained = jar.resolveSibling("app-cds-trained.jsa");
        try {
            if (Files.exists(trained) && Files.getLastModifiedTime(trained).compareTo(Files.getLastModifiedTime(jar)) > 0) {
                command.add("-XX:SharedArchiveFile=" + trained.getFileName());
            } else if (Files.exists(jar.resolveSibling("app-cds.jsa"))) {
                command.add("-XX:SharedArchiveFile=app-cds.jsa");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        command.addAll(List.of("-jar", jar.getFileName().toString()));
        return new ProcessBuilder(command).directory(jar.getParent().toFile());
    }

    /** What the current process has logged so far. */
    String logSinceStart() {
        try {
            byte[] all = Files.readAllBytes(log);
            return new String(all, (int) logOffset, all.length - (int) logOffset, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the process gets no chance to flush or finish anything. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS); // its port free for the next start
            }
        }
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/q/health/ready").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // one left running would go on claiming from the test database, and the next start would find its port taken
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException(name + " not ready after " + timeout + "; see " + log);
    }

    /**
     * A port nothing listens on now and no other caller in this JVM was given: the system may offer a port again once
     * its probe socket is closed, before the Service that got it first has started (which happened: a demo partner
     * then answered readiness checks with another service's voice).
     */
    static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Whether something already accepts connections on this Service's port (then it is not this process). */
    private boolean portTaken() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("localhost", port), 200);
            return true;
        } catch (IOException free) {
            return false;
        }
    }
}
