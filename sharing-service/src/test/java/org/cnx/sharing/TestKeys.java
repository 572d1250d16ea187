package org.cnx.sharing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Test-only RSA keys, generated on first use under {@code target/test-keys} (never committed):
 * the dev IdP, each service, sharing's previous key (for key rotation) and a "rogue" key that no one trusts.
 */
public class TestKeys implements QuarkusTestResourceLifecycleManager {

    public static final Path DIR = Path.of("target", "test-keys").toAbsolutePath();
    private static final String[] NAMES = {"idp", "intake", "sharing", "sharing-previous", "audit", "rogue"};

    public static synchronized void ensure() {
        try {
            Files.createDirectories(DIR);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            for (String name : NAMES) {
                if (Files.exists(privateKey(name))) {
                    continue;
                }
                KeyPair pair = generator.generateKeyPair();
                Files.writeString(publicKey(name), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                Files.writeString(privateKey(name), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path privateKey(String name) {
        return DIR.resolve(name + "-private.pem");
    }

    public static Path publicKey(String name) {
        return DIR.resolve(name + "-public.pem");
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    @Override
    public Map<String, String> start() {
        ensure();
        return Map.of(
                "cnx.jwt.idp.key-locations", publicKey("idp").toString(),
                "cnx.jwt.services.cnx-intake", publicKey("intake").toString(),
                "cnx.jwt.self.private-key-location", privateKey("sharing").toString());
    }

    @Override
    public void stop() {
    }
}
