package org.cnx.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/** Fresh key pairs for one run, laid out as deploy/local/keys.sh lays them out. */
final class Keys {

    final Path dir;
    private final Map<String, PrivateKey> privateKeys = new HashMap<>();
    private final Map<String, PublicKey> publicKeys = new HashMap<>();

    Keys(Path dir) {
        this.dir = dir;
        for (String name : new String[] {"idp", "intake", "sharing", "audit"}) {
            add(name);
        }
    }

    /** Generates one more pair, {@code <name>-public.pem} and {@code <name>-private.pem} (e.g. a next key). */
    Keys add(String name) {
        try {
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.writeString(publicKey(name), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            Files.writeString(privateKeyFile(name), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            privateKeys.put(name, pair.getPrivate());
            publicKeys.put(name, pair.getPublic());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    PrivateKey privateKey(String name) {
        return privateKeys.get(name);
    }

    Path publicKey(String name) {
        return dir.resolve(name + "-public.pem");
    }

    Path privateKeyFile(String name) {
        return dir.resolve(name + "-private.pem");
    }

    /** The key id sharing-service gives the key: its RFC 7638 thumbprint. */
    String kid(String name) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(publicKeys.get(name)).calculateBase64urlEncodedThumbprint("SHA-256");
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
