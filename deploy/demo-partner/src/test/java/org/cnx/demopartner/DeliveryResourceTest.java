package org.cnx.demopartner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(JwksServerResource.class)
class DeliveryResourceTest {

    private static final String ISSUER = "cnx-sharing";

    @Test
    void validDeliveryIsAcknowledgedAndListed() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);

        deliver(partner, id, body, signed(claims(partner, id, body)))
                .statusCode(200)
                .body("deliveryId", equalTo(id))
                .body("duplicate", equalTo(false));

        given().when().get("/partners/{code}/deliveries", partner)
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].deliveryId", equalTo(id))
                .body("items[0].receivedAt", notNullValue())
                .body("items[0].kid", equalTo(JwksServerResource.CURRENT_KID))
                .body("items[0].body.release.reportId", equalTo("r-" + id))
                .body("items[0].body.release.title", equalTo("Seizure of 4-AP in Long Beach / 长滩"))
                .body("duplicates", equalTo(0));
    }

    /**
     * A partner checks the audit receipt of a delivery against the body it received (VerifyReceipt.java), which must be
     * the bytes that came: the listing wrote the body again from its parsed form (spacing, escapes), whose SHA-256 is
     * not the receipt's, and kept no bytes to give.
     */
    @Test
    void theBodyIsKeptByteForByteWithItsSha256() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);
        deliver(partner, id, body, signed(claims(partner, id, body))).statusCode(200);

        byte[] kept = given().when().get("/partners/{code}/deliveries/{id}/body", partner, id).then().statusCode(200)
                .contentType(ContentType.JSON).extract().asByteArray();
        assertArrayEquals(body, kept);
        given().when().get("/partners/{code}/deliveries", partner).then().statusCode(200)
                .body("items[0].bodySha256", equalTo(DeliveryVerifier.sha256Hex(body)))
                .body("items[0].body.withheld", equalTo(List.of("/subjects")));
        given().when().get("/partners/{code}/deliveries/{id}/body", partner, UUID.randomUUID()).then()
                .statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://cnx.example/problems/delivery-not-held"));
    }

    @Test
    void changedBodyByteIsRejectedAndNotListed() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);
        String token = signed(claims(partner, id, body));
        byte[] tampered = body.clone();
        tampered[tampered.length - 3] = (byte) (tampered[tampered.length - 3] ^ 0x01);

        rejected(deliver(partner, id, tampered, token), "body_sha256");
        assertNothingListed(partner);
    }

    @Test
    void tokenForAnotherPartnerIsRejected() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);

        rejected(deliver(partner, id, body, signed(claims("CN-NNCC", id, body))), "aud");
        assertNothingListed(partner);
    }

    @Test
    void tokenSignedByAnotherKeyIsRejected() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);
        JwtClaims claims = claims(partner, id, body);

        // the attacker's key, claiming the published kid
        rejected(deliver(partner, id, body,
                signed(claims, key(JwksServerResource.ROGUE_KEY_PROPERTY), JwksServerResource.CURRENT_KID)),
                "signature");
        // the attacker's key under a kid that sharing-service never published
        rejected(deliver(partner, id, body, signed(claims, key(JwksServerResource.ROGUE_KEY_PROPERTY), "rogue")),
                "kid");
        assertNothingListed(partner);
    }

    @Test
    void jtiThatIsNotTheDeliveryIdIsRejected() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);
        String otherId = UUID.randomUUID().toString();

        rejected(deliver(partner, id, body, signed(claims(partner, otherId, body))), "jti");
        assertNothingListed(partner);
    }

    @Test
    void unsignedTokenIsRejected() throws Exception {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims(partner, id, body).toJson());
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        String unsigned = jws.getCompactSerialization();

        rejected(deliver(partner, id, body, unsigned), "alg none");
        assertNothingListed(partner);
    }

    /** A number where a header names the algorithm or the key was a 500, which sharing takes for "try again". */
    @Test
    void aTokenWhoseAlgOrKidIsNotTextIsRejected() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);
        String payload = base64Url(claims(partner, id, body).toJson());
        for (String header : List.of("{\"alg\":1,\"kid\":\"" + JwksServerResource.CURRENT_KID + "\"}",
                "{\"alg\":\"RS256\",\"kid\":1}")) {
            rejected(deliver(partner, id, body, base64Url(header) + "." + payload + ".AA"), "not text");
        }
        assertNothingListed(partner);
    }

    private static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void expiredTokenWrongIssuerAndMissingTokenAreRejected() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);

        JwtClaims expired = claims(partner, id, body);
        expired.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 120));
        rejected(deliver(partner, id, body, signed(expired)), "expired");

        JwtClaims noExp = claims(partner, id, body);
        noExp.unsetClaim("exp");
        rejected(deliver(partner, id, body, signed(noExp)), "exp");

        JwtClaims otherIssuer = claims(partner, id, body);
        otherIssuer.setIssuer("cnx-intake");
        rejected(deliver(partner, id, body, signed(otherIssuer)), "iss");

        JwtClaims noHash = claims(partner, id, body);
        noHash.unsetClaim(DeliveryVerifier.BODY_SHA256_CLAIM);
        rejected(deliver(partner, id, body, signed(noHash)), "body_sha256");

        rejected(given().contentType(ContentType.JSON).header(DeliveryResource.DELIVERY_ID_HEADER, id).body(body)
                .when().post("/partners/{code}/deliveries", partner).then(), "Bearer");
        rejected(given().contentType(ContentType.JSON).auth().oauth2(signed(claims(partner, id, body))).body(body)
                .when().post("/partners/{code}/deliveries", partner).then(), "X-Cnx-Delivery-Id");
        assertNothingListed(partner);
    }

    @Test
    void repeatedDeliveryIsAcknowledgedButKeptOnce() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);
        String token = signed(claims(partner, id, body));

        deliver(partner, id, body, token).statusCode(200).body("duplicate", equalTo(false));
        deliver(partner, id, body, token).statusCode(200).body("duplicate", equalTo(true));

        given().when().get("/partners/{code}/deliveries", partner)
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].deliveryId", equalTo(id))
                .body("duplicates", equalTo(1));
    }

    @Test
    void keyPublishedLaterIsFetchedWhenATokenNamesIt() throws Exception {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = body(id);
        String token = signed(claims(partner, id, body), key(JwksServerResource.NEXT_KEY_PROPERTY),
                JwksServerResource.NEXT_KID);

        rejected(deliver(partner, id, body, token), "kid");

        String base = ConfigProvider.getConfig().getValue(JwksServerResource.BASE_URL_PROPERTY, String.class);
        HttpResponse<String> published = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + "/publish-next")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (published.statusCode() != 200) {
            throw new AssertionError("could not publish the next key: " + published.statusCode());
        }
        // jose4j refreshes at most once per reprieve period (300 ms by default) for unknown kids
        Thread.sleep(500);

        deliver(partner, id, body, token).statusCode(200).body("deliveryId", equalTo(id));
    }

    @Test
    void authenticDeliveryThatIsNotJsonIsRefused() {
        String partner = partner();
        String id = UUID.randomUUID().toString();
        byte[] body = "not json".getBytes(StandardCharsets.UTF_8);

        deliver(partner, id, body, signed(claims(partner, id, body)))
                .statusCode(400)
                .contentType("application/problem+json");
        assertNothingListed(partner);
    }

    @Test
    void isReady() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static ValidatableResponse deliver(String partner, String id, byte[] body, String token) {
        return given()
                .contentType(ContentType.JSON)
                .auth().oauth2(token)
                .header(DeliveryResource.DELIVERY_ID_HEADER, id)
                .body(body)
                .when().post("/partners/{code}/deliveries", partner)
                .then();
    }

    private static void rejected(ValidatableResponse response, String reason) {
        response.statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401))
                .body("detail", containsString(reason));
    }

    private static void assertNothingListed(String partner) {
        given().when().get("/partners/{code}/deliveries", partner)
                .then().statusCode(200)
                .body("items", empty())
                .body("duplicates", equalTo(0));
    }

    /** A fresh partner code per test, so tests never see each other's deliveries. */
    private static String partner() {
        return "US-T" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }

    /** Compact but not canonical JSON, with non-ASCII text: the hash is over these exact bytes. */
    private static byte[] body(String id) {
        return ("{\"release\": {\"reportId\": \"r-" + id + "\", \"title\": \"Seizure of 4-AP in Long Beach / 长滩\"},"
                + " \"withheld\": [\"/subjects\"]}\n").getBytes(StandardCharsets.UTF_8);
    }

    private static JwtClaims claims(String audience, String jti, byte[] body) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(List.of(audience));
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setJwtId(jti);
        claims.setStringClaim(DeliveryVerifier.BODY_SHA256_CLAIM, DeliveryVerifier.sha256Hex(body));
        return claims;
    }

    private static String signed(JwtClaims claims) {
        return signed(claims, key(JwksServerResource.CURRENT_KEY_PROPERTY), JwksServerResource.CURRENT_KID);
    }

    private static String signed(JwtClaims claims, PrivateKey key, String kid) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key);
            jws.setKeyIdHeaderValue(kid);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey key(String property) {
        try {
            byte[] der = Base64.getDecoder().decode(ConfigProvider.getConfig().getValue(property, String.class));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
