package org.cnx.intake.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private key the service cannot sign with is refused as it is read (at start, its signing beans being
 * {@code @Startup}), naming the file: jose4j signs with no RSA key under 2048 bits, and the service reported ready.
 */
class KeyFilesTest {

    @TempDir
    Path dir;

    private Path pem(String name, String body) throws Exception {
        return pem(name, "PRIVATE KEY", body);
    }

    private Path pem(String name, String label, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n");
        return file;
    }

    /** Nor does it verify with one: an IdP's short key passed, and every token was refused (401). */
    @Test
    void aKeyShorterThan2048BitsIsRefusedNamingTheFile() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair pair = generator.generateKeyPair();
        Path file = pem("short.pem", Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> KeyFiles.privateKey(file.toString()));
        assertEquals("a 1024-bit RSA key is refused (2048 bits at least): " + file, refused.getMessage());
        Path idp = pem("short-public.pem", "PUBLIC KEY", Base64.getMimeEncoder().encodeToString(
                pair.getPublic().getEncoded()));
        refused = assertThrows(IllegalStateException.class, () -> KeyFiles.publicKey(idp.toString()));
        assertEquals("a 1024-bit RSA key is refused (2048 bits at least): " + idp, refused.getMessage());
    }

    @Test
    void aBodyThatIsNoBase64IsRefusedNamingTheFile() throws Exception {
        Path file = pem("garbled.pem", "AAAAA"); // five characters: a last unit of base64 too short
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> KeyFiles.privateKey(file.toString()));
        assertEquals("not a PKCS#8 RSA private key: " + file, refused.getMessage());
    }
}
