package org.cnx.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.tools.attach.VirtualMachine;

/**
 * A CPU profile of one running service over one phase: async-profiler (Maven Central's
 * {@code tools.profiler:async-profiler}, a dependency of the bench) loaded into the service's JVM through the JDK's
 * attach API, sampling every 10 ms of CPU time in all of its threads, Java and native (the JIT's compiler threads and
 * the collector included), and written as collapsed stacks. Unlike JFR it needs no option at the service's start, so
 * the service starts as in every other run, with its trained AppCDS archive.
 */
final class CpuProfile {

    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";

    /** Quarkus's HTTP authentication, smallrye-jwt's mechanism and validator, the service's own parser and its cache. */
    private static final List<String> AUTHENTICATION = List.of("io/quarkus/vertx/http/runtime/security/HttpAuthenticator",
            "io/quarkus/smallrye/jwt/runtime/auth/", "org/cnx/intake/security/MultiIssuerJwtParser");

    /** A request's own handling: what it reads of its token there (its claims, the principal) is not authentication. */
    private static final String REQUEST = "org/jboss/resteasy/reactive/";

    /**
     * Once the identity is ready Quarkus goes on with the request inside the same stack (a Mutiny emitter completes,
     * then the authorizer, the route's next handler, RESTEasy Reactive): those frames are the request's, not the token's.
     */
    private static final List<String> AFTER_AUTHENTICATION = List.of(
            "io/quarkus/vertx/http/runtime/security/AbstractHttpAuthorizer", "io/vertx/ext/web/impl/RoutingContextImpl.next",
            REQUEST);

    private final String pid;
    private final Path library;

    private CpuProfile(long pid, Path library) {
        this.pid = String.valueOf(pid);
        this.library = library;
    }

    /** Copies the profiler's native library out of the bench's class path into {@code dir}, for the JVMs to load. */
    static Path extractLibrary(Path dir) throws IOException {
        if (!System.getProperty("os.name").equals("Linux") || !System.getProperty("os.arch").equals("amd64")) {
            throw new IllegalStateException("the bench carries async-profiler for Linux x64 only, not "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        Path library = dir.resolve("libasyncProfiler.so");
        try (InputStream in = CpuProfile.class.getClassLoader().getResourceAsStream(LIBRARY)) {
            if (in == null) {
                throw new IllegalStateException(LIBRARY + " is not on the class path (deploy/bench/target/lib)");
            }
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
        }
        return library;
    }

    /** Starts sampling the JVM {@code pid} with the {@code library} that {@link #extractLibrary} wrote. */
    static CpuProfile start(long pid, Path library) throws Exception {
        CpuProfile profile = new CpuProfile(pid, library);
        profile.command("start,event=cpu,interval=10ms");
        return profile;
    }

    /** Stops sampling and writes the collapsed stacks (one line per distinct stack: frames from the root, a count). */
    Path stop(Path collapsed) throws Exception {
        command("stop,file=" + collapsed + ",collapsed");
        return collapsed;
    }

    private void command(String arguments) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
            vm.loadAgentPath(library.toString(), arguments);
        } finally {
            vm.detach();
        }
    }

    /**
     * The share of all samples spent authenticating requests: stacks through {@link #AUTHENTICATION}, not inside a
     * request's handling ({@link #REQUEST} below the first such frame) and not going on with the request
     * ({@link #AFTER_AUTHENTICATION} above it).
     */
    static Map<String, Object> authenticationShare(Path collapsed) throws IOException {
        long all = 0;
        long authentication = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1).trim());
            all += samples;
            if (authenticating(line.substring(0, space).split(";"))) {
                authentication += samples;
            }
        }
        Map<String, Object> share = new LinkedHashMap<>();
        share.put("samples", all);
        share.put("authenticationSamples", authentication);
        share.put("share", all == 0 ? Double.NaN : Math.round(authentication * 1000.0 / all) / 1000.0);
        return share;
    }

    static boolean authenticating(String[] frames) {
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].startsWith(REQUEST)) {
                return false;
            }
            if (startsWithAny(frames[i], AUTHENTICATION)) {
                for (int j = i + 1; j < frames.length; j++) {
                    if (startsWithAny(frames[j], AFTER_AUTHENTICATION)) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithAny(String frame, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (frame.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
