package org.cnx.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rotating sharing-service's signing key by {@code kid} as the README describes it, while the demo partner
 * verifies every delivery against sharing's JWKS (fetched, cached, re-fetched on an unknown kid, as a
 * partner does): publish the next key, switch to it keeping the previous one published for the overlap,
 * then retire the previous one. audit-service trusts both keys of sharing during the rotation.
 */
class KeyRotationIT {

    private static final Path WORK = Cnx.ROOT.resolve("deploy/e2e/target/e2e-rotation");

    private static Keys keys;
    private static Service audit;
    private static Service sharing;
    private static Service partner;
    private static String auditor;

    @BeforeAll
    static void startSystem() {
        keys = new Keys(WORK.resolve("keys")).add("sharing-next");
        auditor = new Tokens(keys.privateKey("idp")).person("auditor", "US-DEA", "US", "auditor-rotation");
        Path logs = WORK.resolve("logs");
        audit = Cnx.audit(logs)
                // step 0 of a rotation: the services that verify sharing's own tokens trust the next key too
                .env("CNX_JWT_SERVICES_CNX_SHARING", keys.publicKey("sharing") + "," + keys.publicKey("sharing-next"));
        sharing = Cnx.service("sharing", "sharing-service", "sharing", logs)
                .env("CNX_PARTNERS_ALLOW_LOCAL_ENDPOINTS", "true"); // seeds the demo partners on localhost
        partner = new Service("demo-partner", Cnx.ROOT.resolve("deploy/demo-partner/target/quarkus-app/quarkus-run.jar"),
                logs);
        for (Service s : List.of(audit, sharing)) {
            s.env("CNX_KEYS_DIR", keys.dir.toString()).env("CNX_AUDIT_URL", audit.url())
                    .env("CNX_DEMO_PARTNER_URL", partner.url());
        }
        partner.env("CNX_DEMO_JWKS_URL", sharing.url() + "/.well-known/jwks.json");
        audit.start(Cnx.CLEAN);
        partner.start(Map.of());
    }

    @AfterAll
    static void stopSystem() throws InterruptedException {
        for (Service s : new Service[] {sharing, partner, audit}) {
            if (s != null) {
                s.stop();
            }
        }
    }

    private static List<String> publishedKids() throws Exception {
        return new JsonWebKeySet(given().baseUri(sharing.url()).get("/.well-known/jwks.json").then().statusCode(200)
                .extract().asString()).getJsonWebKeys().stream().map(JsonWebKey::getKeyId).toList();
    }

    /**
     * Hands a report over, waits until the demo partner has accepted (verified) its delivery, and says which key
     * signed it: the partner's cached key set verifies under either key, so that alone did not show the switch.
     */
    private static String deliveredAndVerified() {
        UUID report = UUID.randomUUID();
        Cnx.handOver(sharing, keys.privateKey("intake"), List.of(Cnx.handover(report, List.of("CN-NNCC"))));
        return await().atMost(Duration.ofSeconds(30)).until(() -> given().baseUri(partner.url())
                .get("/partners/CN-NNCC/deliveries").then().statusCode(200).extract().jsonPath()
                .getString("items.find { it.body.reportId == '" + report + "' }.kid"), kid -> kid != null);
    }

    /** A delivery signed with the old key, as a replica not yet switched (or an attempt already in flight) sends it. */
    private static int postSignedWithOldKey() throws Exception {
        String deliveryId = UUID.randomUUID().toString();
        String body = "{\"type\":\"RECORD\",\"reportId\":\"" + UUID.randomUUID() + "\"}";
        String token = Tokens.delivery("CN-NNCC", deliveryId, sha256(body), keys.privateKey("sharing"), keys.kid("sharing"));
        return given().baseUri(partner.url()).header("Authorization", "Bearer " + token)
                .header("X-Cnx-Delivery-Id", deliveryId).contentType("application/json").body(body)
                .post("/partners/CN-NNCC/deliveries").then().extract().statusCode();
    }

    /** The token's audience, as a partner that fetches sharing's JWKS right now verifies it. */
    private static List<String> verifiedByFreshJwks(String token) throws Exception {
        JsonWebKeySet jwks = new JsonWebKeySet(given().baseUri(sharing.url()).get("/.well-known/jwks.json").then()
                .statusCode(200).extract().asString());
        return new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                .setExpectedIssuer("cnx-sharing").setExpectedAudience("CN-NNCC").setRequireExpirationTime().build()
                .processToClaims(token).getAudience();
    }

    private static String sha256(String body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static void restartSharing(Map<String, String> env) throws InterruptedException {
        sharing.stop();
        sharing.start(env);
    }

    @Test
    void theSigningKeyRotatesByKidWithTheOldAndNewKeysOverlapping() throws Exception {
        String current = keys.kid("sharing");
        String next = keys.kid("sharing-next");

        // 1. publish the next key ahead of the switch; sign with the current one
        Map<String, String> publishNext = new HashMap<>(Cnx.CLEAN);
        publishNext.put("CNX_JWT_SELF_NEXT_PUBLIC_KEY_LOCATIONS", keys.publicKey("sharing-next").toString());
        sharing.start(publishNext);
        assertEquals(List.of(current, next), publishedKids());
        assertEquals(current, deliveredAndVerified(), "signed with the current key while the next is only published");

        // 2. switch: sign with the next key, keep the previous one published during the overlap
        restartSharing(Map.of("CNX_JWT_SELF_PRIVATE_KEY_LOCATION", keys.privateKeyFile("sharing-next").toString(),
                "CNX_JWT_SELF_PREVIOUS_PUBLIC_KEY_LOCATIONS", keys.publicKey("sharing").toString()));
        assertEquals(List.of(next, current), publishedKids());
        assertEquals(next, deliveredAndVerified(), "signed with the next key once switched");
        String signedBeforeTheSwitch = Tokens.delivery("CN-NNCC", UUID.randomUUID().toString(), sha256("{}"),
                keys.privateKey("sharing"), current);
        assertEquals(List.of("CN-NNCC"), verifiedByFreshJwks(signedBeforeTheSwitch),
                "during the overlap the old key verifies, also for a partner that fetches the JWKS only now");
        assertEquals(200, postSignedWithOldKey(), "...and the demo partner accepts such a delivery");

        // 3. retire the previous key once the overlap is over
        restartSharing(Map.of("CNX_JWT_SELF_PRIVATE_KEY_LOCATION", keys.privateKeyFile("sharing-next").toString()));
        assertEquals(List.of(next), publishedKids());
        assertEquals(next, deliveredAndVerified());
        assertThrows(InvalidJwtException.class, () -> verifiedByFreshJwks(signedBeforeTheSwitch),
                "after the retirement the old key no longer verifies for a partner that fetches the JWKS");

        // audit-service accepted sharing's own tokens under both keys: every delivery was audited
        await().atMost(Duration.ofSeconds(30)).until(() -> Cnx.events(audit, auditor,
                Map.of("action", "DELIVERY_SUCCEEDED")).size() == 3);
    }
}
