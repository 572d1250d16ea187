package org.cnx.sharing.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cnx.sharing.security.SigningKey;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Deliveries are signed by the native provider once the first signature has made it load, and a partner cannot
 * tell: the signature is the one the JDK's RSA makes of the same bytes, and verifies with the published key.
 */
@QuarkusTest
class DeliverySignerTest {

    @Inject
    DeliverySigner signer;

    @Inject
    SigningKey key;

    @BeforeEach
    void nativeProviderLoaded() {
        signer.sign(UUID.randomUUID(), "US-DEA", "00".repeat(32));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> signer.signatureProvider().equals("AmazonCorrettoCryptoProvider"));
    }

    @Test
    void theNativeSignatureIsTheJdksSignatureOfTheSameBytes() throws Exception {
        String token = signer.sign(UUID.randomUUID(), "MX-SSPC", "ab".repeat(32));

        int lastDot = token.lastIndexOf('.');
        Signature jdk = Signature.getInstance("SHA256withRSA", "SunRsaSign");
        jdk.initSign(key.privateKey());
        jdk.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(jdk.sign());

        assertEquals(expected, token.substring(lastDot + 1));
    }

    @Test
    void aPartnerVerifiesTheTokenWithThePublishedKey() throws Exception {
        UUID deliveryId = UUID.randomUUID();
        String token = signer.sign(deliveryId, "MX-SSPC", "cd".repeat(32));

        JwtConsumer partner = new JwtConsumerBuilder()
                .setVerificationKey(key.publishedKeys().get(key.keyId()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setExpectedAudience("MX-SSPC")
                .setRequireJwtId()
                .setRequireExpirationTime()
                .build();
        JwtClaims claims = partner.processToClaims(token);

        assertEquals(deliveryId.toString(), claims.getJwtId());
        assertEquals("cd".repeat(32), claims.getClaimValueAsString(DeliverySigner.BODY_HASH_CLAIM));
    }
}
