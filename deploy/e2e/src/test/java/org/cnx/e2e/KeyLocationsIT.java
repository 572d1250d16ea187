package org.cnx.e2e;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A service told to fetch its identity provider's keys over plain http refuses to start, naming the URL: it started,
 * reported ready, and failed every request with a token instead (the parser that checks the URL was made at the
 * first token), so a rollout went through.
 */
class KeyLocationsIT {

    @Test
    void eachServiceRefusesToStartWithAKeySetOverPlainHttp() throws Exception {
        Keys keys = new Keys(Cnx.ROOT.resolve("deploy/e2e/target/key-locations-keys"));
        Path logs = Cnx.ROOT.resolve("deploy/e2e/target/key-locations-logs");
        for (Service service : List.of(Cnx.service("intake", "intake-service", "intake", logs),
                Cnx.service("sharing", "sharing-service", "sharing", logs), Cnx.audit(logs))) {
            service.env("CNX_KEYS_DIR", keys.dir.toString());
            try {
                IllegalStateException exited = assertThrows(IllegalStateException.class, () -> service.start(
                        Map.of("CNX_JWT_IDP_KEY_LOCATIONS", "http://idp.example/realms/cnx/certs")));
                assertTrue(exited.getMessage().contains("exited with"), exited.getMessage());
                assertTrue(service.logSinceStart().contains("a key set is fetched over plain http from idp.example"),
                        service.name + " names the URL it refuses");
            } finally {
                service.stop();
            }
        }
    }
}
