package org.cnx.demopartner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.UUID;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/** Plain unit tests of the verifier where a running application adds nothing. */
class DeliveryVerifierTest {

    @Test
    void bodyHashIsLowerCaseHexOfTheExactBytes() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                DeliveryVerifier.sha256Hex(new byte[0]));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                DeliveryVerifier.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void unreachableKeySetIsATemporaryFailureNotARejection() throws Exception {
        DeliveryVerifier verifier = new DeliveryVerifier(TestConfig.of("http://localhost:" + closedPort() + "/jwks.json", 10, 10));
        String id = UUID.randomUUID().toString();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        DeliveryRejectedException e = assertThrows(DeliveryRejectedException.class,
                () -> verifier.verify("US-CBP", "Bearer " + token("US-CBP", id, body), id, body));
        assertEquals(503, e.status());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String token(String audience, String jti, byte[] body) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey key = generator.generateKeyPair().getPrivate();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("cnx-sharing");
        claims.setAudience(audience);
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setJwtId(jti);
        claims.setStringClaim(DeliveryVerifier.BODY_SHA256_CLAIM, DeliveryVerifier.sha256Hex(body));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setKeyIdHeaderValue("k1");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }
}
