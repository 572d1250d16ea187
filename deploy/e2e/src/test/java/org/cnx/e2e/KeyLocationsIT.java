package org.cnx.e2e;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * A service told to fetch its identity provider's keys over plain http refuses to start, naming the URL: it started,
 * reported ready, and failed every request with a token instead (the parser that checks the URL was made at the
 * first token), so a rollout went through. So does one whose own signing key cannot sign.
 */
class KeyLocationsIT {

    private final Keys keys = new Keys(Cnx.ROOT.resolve("deploy/e2e/target/key-locations-keys"));

    @Test
    void eachServiceRefusesToStartWithAKeySetOverPlainHttp() throws Exception {
        eachRefusesToStart("CNX_JWT_IDP_KEY_LOCATIONS", service -> "http://idp.example/realms/cnx/certs",
                service -> "a key set is fetched over plain http from idp.example");
    }

    /**
     * A signing key that cannot sign (here its public half, as a PKCS#1 {@code BEGIN RSA PRIVATE KEY} or a
     * mismatched file is) stops the service at start, naming the file: it was read at the first token, so the service
     * reported ready while intake's relay sent nothing, sharing spent every delivery's attempts and audit signed no
     * tree head.
     */
    @Test
    void eachServiceRefusesToStartWithASigningKeyThatCannotSign() throws Exception {
        Function<Service, String> notPrivate = service -> keys.publicKey(service.name).toString();
        eachRefusesToStart("CNX_JWT_SELF_PRIVATE_KEY_LOCATION", notPrivate,
                service -> "expected a PEM block -----BEGIN PRIVATE KEY----- in " + notPrivate.apply(service));
    }

    /** Each service, started with {@code setting} at its {@code value}, exits, its log saying {@code why}. */
    private void eachRefusesToStart(String setting, Function<Service, String> value, Function<Service, String> why)
            throws Exception {
        Path logs = Cnx.ROOT.resolve("deploy/e2e/target/key-locations-logs");
        for (Service service : List.of(Cnx.service("intake", "intake-service", "intake", logs),
                Cnx.service("sharing", "sharing-service", "sharing", logs), Cnx.audit(logs))) {
            service.env("CNX_KEYS_DIR", keys.dir.toString());
            try {
                IllegalStateException exited = assertThrows(IllegalStateException.class,
                        () -> service.start(Map.of(setting, value.apply(service))));
                assertTrue(exited.getMessage().contains("exited with"), exited.getMessage());
                assertTrue(service.logSinceStart().contains(why.apply(service)),
                        service.name + " says why it does not start: " + why.apply(service));
            } finally {
                service.stop();
            }
        }
    }
}
