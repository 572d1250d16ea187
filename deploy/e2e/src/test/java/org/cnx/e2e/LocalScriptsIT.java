package org.cnx.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README's two commands install on a fresh Debian machine: each package a missing command needs, in one
 * apt-get run, and nothing where all is there (apt-get and sudo are stand-ins that write down what they were asked).
 * test.sh lacked Maven and Java on a machine where run.sh would have installed them, and CI failed there.
 */
class LocalScriptsIT {

    private static final Path SCRIPTS = Cnx.ROOT.resolve("deploy/local");

    @TempDir
    Path dir;

    @Test
    void whatIsMissingIsInstalledOnceAndWhatIsThereIsNot() throws Exception {
        List<String> asked = installMissing("sh:dash cnx-no-such-tool:cnx-tools cnx-no-such-other:cnx-tools "
                + "cnx-no-such-third:cnx-more");
        assertEquals(List.of("update", "install -y cnx-tools cnx-more"), asked,
                "each missing command's package, once, and not dash: sh is there");
    }

    @Test
    void nothingIsInstalledWhenEveryCommandIsThere() throws Exception {
        assertEquals(List.of(), installMissing("sh:dash bash:bash"));
    }

    /**
     * Each of the README's two commands, on a machine with none of them: it asks apt-get for all at once, first
     * thing, and stops naming what is still missing (the stand-in installs nothing).
     */
    @Test
    void bothCommandsInstallJavaMavenAndOpensslWhereMissing() throws Exception {
        Path bin = fakeApt();
        for (String tool : List.of("bash", "dirname", "env", "sed")) { // what the scripts run up to there
            Files.createSymbolicLink(bin.resolve(tool), Cnx.onPath(tool).orElseThrow(() -> new AssertionError(tool)));
        }
        for (String script : List.of("run.sh", "test.sh")) {
            Files.deleteIfExists(dir.resolve("apt-get.log"));
            ProcessBuilder builder = new ProcessBuilder(bin.resolve("bash").toString(),
                    SCRIPTS.resolve(script).toString());
            builder.environment().put("PATH", bin.toString());
            Cnx.Ran run = Cnx.run(builder, 30);
            assertEquals(1, run.exit(), script + ": " + run.output());
            assertTrue(run.output().contains("Java 17 or newer is needed (found 'none')"),
                    script + ": " + run.output());
            List<String> asked = Files.readAllLines(dir.resolve("apt-get.log"));
            assertEquals("update", asked.get(0), script);
            assertEquals(List.of("default-jdk-headless", "maven", "openssl"),
                    Stream.of(asked.get(1).split(" ")).skip(2).filter(p -> !p.equals("curl")).sorted().toList(),
                    script + " (run.sh adds curl, for its readiness checks): " + asked);
        }
    }

    /** Runs as-root.sh's apt_install_missing on {@code pairs}; what apt-get was asked, one line per run. */
    private List<String> installMissing(String pairs) throws IOException, InterruptedException {
        Path bin = fakeApt();
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", "-c",
                "die() { echo \"$*\" >&2; exit 1; }; . \"$0\"; apt_install_missing " + pairs,
                SCRIPTS.resolve("as-root.sh").toString()));
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Cnx.Ran run = Cnx.run(builder, 30);
        assertEquals(0, run.exit(), run.output());
        Path log = dir.resolve("apt-get.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** A bin directory whose apt-get writes down its arguments, and whose sudo runs its command. */
    private Path fakeApt() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        stub(bin.resolve("apt-get"), "#!/bin/sh\necho \"$*\" >> '" + dir.resolve("apt-get.log") + "'\n");
        stub(bin.resolve("sudo"), "#!/bin/sh\nexec \"$@\"\n");
        return bin;
    }

    private static void stub(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }
}
