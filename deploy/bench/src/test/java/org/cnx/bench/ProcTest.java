package org.cnx.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcTest {

    /**
     * A service a killed bench left on its port answered the next run's readiness checks: that run timed a start of a
     * few milliseconds, then measured the old process's code on the schema its own start had just cleaned.
     */
    @Test
    void aPortAnotherProcessListensOnIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path jar = Files.createFile(dir.resolve("quarkus-run.jar"));
        try (ServerSocket leftOver = new ServerSocket(0)) {
            Proc proc = new Proc("intake", leftOver.getLocalPort(), jar, dir, List.of());
            IllegalStateException refused = assertThrows(IllegalStateException.class, proc::start);
            assertTrue(refused.getMessage().contains("another process listens on port " + leftOver.getLocalPort()),
                    refused.getMessage());
            assertFalse(Files.exists(dir.resolve("intake.log")), "nothing was started");
        }
    }
}
