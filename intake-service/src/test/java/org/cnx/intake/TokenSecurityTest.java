package org.cnx.intake;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The trust model of DESIGN §3, attack by attack, on intake's partner endpoint. */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class TokenSecurityTest {

    private static final String REPORTS = "/api/v1/reports/00000000-0000-0000-0000-000000000001";

    private static Response call(String bearer, String path) {
        var request = given();
        if (bearer != null) {
            request = request.header("Authorization", "Bearer " + bearer);
        }
        return request.get(path);
    }

    /** The status; a refusal (401, 403) also as problem+json, and a 401 with its Bearer challenge. */
    private static void expect(int expected, String bearer, String path) {
        Response response = call(bearer, path);
        int actual = response.statusCode();
        if (actual != expected) {
            throw new AssertionError("expected " + expected + " but got " + actual + " for " + path);
        }
        if (expected == 401 || expected == 403) {
            response.then().contentType("application/problem+json").body("status", equalTo(expected))
                    .body("title", equalTo(expected == 401 ? "Unauthorized" : "Forbidden"))
                    .body("instance", equalTo(path.replaceAll("\\?.*", "")));
            assertEquals(expected == 401 ? "Bearer" : null, response.header("WWW-Authenticate"));
        }
    }

    @Test
    void validPartnerTokenIsAuthenticated() {
        // authenticated and authorised: the report does not exist, so 404 (not 401/403)
        expect(404, TestTokens.person("partner", "US-CBP", "US"), REPORTS);
    }

    @Test
    void meShowsWhoTheTokenSaysTheCallerIs() {
        given().auth().oauth2(TestTokens.person("liaison-officer", "CN-NNCC", "CN", "officer-7")).get("/api/v1/me")
                .then().statusCode(200).body("sub", org.hamcrest.Matchers.equalTo("officer-7"))
                .body("agency", org.hamcrest.Matchers.equalTo("CN-NNCC")).body("country", org.hamcrest.Matchers.equalTo("CN"))
                .body("roles", org.hamcrest.Matchers.equalTo(java.util.List.of("liaison-officer")));
        expect(401, null, "/api/v1/me");
        expect(403, TestTokens.sign(TestTokens.claims("cnx-sharing", "cnx-intake", "service",
                Duration.ofMinutes(5)), "sharing"), "/api/v1/me");
    }

    @Test
    void aReusedTokenIsServedFromItsVerificationButNoOtherTextIs() throws Exception {
        String token = TestTokens.person("partner", "US-CBP", "US");
        expect(404, token, REPORTS);
        expect(404, token, REPORTS); // the second time from the verified-token cache
        // the same header and claims with one character of the signature changed: another text, verified, refused
        int last = token.length() - 2;
        String forged = token.substring(0, last) + (token.charAt(last) == 'A' ? 'B' : 'A') + token.substring(last + 1);
        expect(401, forged, REPORTS);
        // the same claims signed by another issuer's key: refused although the claims were accepted a moment ago
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        expect(401, TestTokens.rs256(claims, "sharing"), REPORTS);
    }

    @Test
    void noTokenIs401() {
        expect(401, null, REPORTS);
    }

    @Test
    void algNoneIs401() {
        expect(401, TestTokens.unsigned(TestTokens.partnerClaimsJson("US-CBP")), REPORTS);
    }

    @Test
    void hs256SignedWithThePublicKeyIs401() throws Exception {
        expect(401, TestTokens.hs256WithPublicKey(TestTokens.partnerClaimsJson("US-CBP")), REPORTS);
    }

    /** Issued in the future by more than the clock skew (60 s): jose4j counted the skew twice, 120 s passed. */
    @Test
    void aTokenIssuedFurtherAheadThanTheClockSkewIs401() {
        for (int ahead : new int[] {30, 90}) {
            Instant issued = Instant.now().plusSeconds(ahead);
            expect(ahead < 60 ? 404 : 401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "partner",
                    Duration.ofMinutes(5)).issuedAt(issued).expiresAt(issued.plus(Duration.ofMinutes(5)))
                    .claim("agency", "US-CBP").claim("country", "US"), "idp"), REPORTS);
        }
    }

    @Test
    void expiredTokenIs401() {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "partner", Duration.ofMinutes(5))
                .issuedAt(past).expiresAt(past.plus(Duration.ofMinutes(5)))
                .claim("agency", "US-CBP").claim("country", "US"), "idp"), REPORTS);
    }

    @Test
    void tokenWithoutExpiryIs401() throws Exception {
        String claims = TestTokens.partnerClaimsJson("US-CBP").replaceAll(",\"exp\":\\d+", "");
        expect(401, TestTokens.rs256(claims, "idp"), REPORTS);
        // the same hand-made token with exp is accepted, so the refusal above is about exp alone
        expect(404, TestTokens.rs256(TestTokens.partnerClaimsJson("US-CBP"), "idp"), REPORTS);
    }

    @Test
    void tokenLivingLongerThanTheMaximumIs401() {
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "partner", Duration.ofDays(365))
                .claim("agency", "US-CBP").claim("country", "US"), "idp"), REPORTS);
    }

    @Test
    void wrongAudienceIs401() {
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "someone-else", "partner",
                Duration.ofMinutes(5)).claim("agency", "US-CBP").claim("country", "US"), "idp"), REPORTS);
    }

    @Test
    void wrongIssuerIs401() {
        expect(401, TestTokens.sign(TestTokens.claims("https://evil.example", "cnx", "partner",
                Duration.ofMinutes(5)).claim("agency", "US-CBP").claim("country", "US"), "idp"), REPORTS);
    }

    /** An identity provider names its keys its own way; every real IdP's tokens were refused with a PEM key. */
    @Test
    void anIdpTokenNamingItsKeyByTheIdpsOwnKidIsAuthenticated() {
        TestKeys.ensure();
        String token = TestTokens.claims(TestTokens.IDP, "cnx", "partner", Duration.ofMinutes(5))
                .claim("agency", "US-CBP").claim("country", "US").jws().keyId("idp-rsa-2026-11")
                .sign(TestTokens.privateKey(TestKeys.privateKey("idp")));
        expect(404, token, REPORTS);
        expect(401, TestTokens.claims(TestTokens.IDP, "cnx", "partner", Duration.ofMinutes(5))
                .claim("agency", "US-CBP").claim("country", "US").jws().keyId("idp-rsa-2026-11")
                .sign(TestTokens.privateKey(TestKeys.privateKey("rogue"))), REPORTS);
    }

    @Test
    void untrustedKeyIs401() {
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "partner",
                Duration.ofMinutes(5)).claim("agency", "US-CBP").claim("country", "US"), "rogue"), REPORTS);
    }

    @Test
    void serviceKeyClaimingToBeTheIdpIs401() {
        // a service's key cannot vouch for a person, whatever issuer the token names
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "liaison-officer",
                Duration.ofMinutes(5)).claim("agency", "CN-NNCC").claim("country", "CN"), "sharing"), REPORTS);
    }

    @Test
    void serviceTokenClaimingLiaisonOfficerIs401() {
        expect(401, TestTokens.sign(TestTokens.claims("cnx-sharing", "cnx-intake", "liaison-officer",
                Duration.ofMinutes(5)), "sharing"), REPORTS);
    }

    @Test
    void idpTokenClaimingServiceIs401() {
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "service",
                Duration.ofMinutes(5)), "idp"), "/internal/v1/anything");
    }

    /**
     * What intake stores of a caller (a report's submitter and agency, the audit events' actor) must fit, and the
     * agency and country must be text: a token that breaks that is refused as any bad token is, not a 500 when the
     * report is stored. At the limits the token is good.
     */
    @Test
    void aTokenWhoseIdentityCannotBeStoredIs401() throws Exception {
        for (var bad : TestTokens.unstorableIdentities("partner").entrySet()) {
            Response response = call(TestTokens.rs256(bad.getValue(), "idp"), "/api/v1/me");
            assertEquals(401, response.statusCode(), bad.getKey() + ": " + response.asString());
        }
        given().auth().oauth2(TestTokens.identityAtTheLimits("partner")).get("/api/v1/me").then().statusCode(200)
                .body("sub", equalTo("s".repeat(255))).body("agency", equalTo("US-" + "X".repeat(29)));

        String agencyTooLong = TestTokens.person("partner", "US-" + "X".repeat(30), "US");
        String ref = "LONG-AGENCY-" + java.util.UUID.randomUUID();
        given().auth().oauth2(agencyTooLong).contentType("application/json").body(Bodies.founding(ref))
                .post("/api/v1/reports").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void partnerTokenOnInternalPathIs403() {
        expect(403, TestTokens.person("partner", "US-CBP", "US"), "/internal/v1/anything");
    }

    @Test
    void serviceTokenOnPartnerApiIs403() {
        expect(403, TestTokens.sign(TestTokens.claims("cnx-sharing", "cnx-intake", "service",
                Duration.ofMinutes(5)), "sharing"), REPORTS);
    }

    @Test
    void auditorTokenOnPartnerApiIs403() {
        expect(403, TestTokens.person("auditor", "US-DEA", "US"), REPORTS);
    }
}
