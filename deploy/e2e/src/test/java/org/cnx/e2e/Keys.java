package org.cnx.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Fresh key pairs for one run, laid out as deploy/local/keys.sh lays them out. */
final class Keys {

    final Path dir;
    private final Map<String, PrivateKey> privateKeys = new HashMap<>();

    Keys(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            for (String name : new String[] {"idp", "intake", "sharing", "audit"}) {
                KeyPair pair = generator.generateKeyPair();
                Files.writeString(dir.resolve(name + "-public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                Files.writeString(dir.resolve(name + "-private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                privateKeys.put(name, pair.getPrivate());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    PrivateKey privateKey(String name) {
        return privateKeys.get(name);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
