package org.cnx.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The trust model of DESIGN §3, attack by attack, on audit's auditor and service endpoints. */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class TokenSecurityTest {

    private static final String EVENTS = TestEvents.EVENTS;
    private static final String APPEND = TestEvents.APPEND;
    private static final String CHECKPOINTS = "/api/v1/log/checkpoints";

    private static void expect(int expected, String bearer, String path) {
        var request = given();
        if (bearer != null) {
            request = request.header("Authorization", "Bearer " + bearer);
        }
        check(expected, request.get(path), path);
    }

    private static void expectAppend(int expected, String bearer) {
        var request = given().contentType(ContentType.JSON).body(List.of(TestEvents.event("intake", "REPORT_RECEIVED")));
        if (bearer != null) {
            request = request.header("Authorization", "Bearer " + bearer);
        }
        check(expected, request.post(APPEND), APPEND);
    }

    /** The status; a refusal (401, 403) also as problem+json, and a 401 with its Bearer challenge. */
    private static void check(int expected, Response response, String path) {
        if (response.statusCode() != expected) {
            throw new AssertionError("expected " + expected + " but got " + response.statusCode() + " for " + path);
        }
        if (expected == 401 || expected == 403) {
            response.then().contentType("application/problem+json").body("status", equalTo(expected))
                    .body("title", equalTo(expected == 401 ? "Unauthorized" : "Forbidden"))
                    .body("instance", equalTo(path.replaceAll("\\?.*", "")));
            assertEquals(expected == 401 ? "Bearer" : null, response.header("WWW-Authenticate"));
        }
    }

    private static String auditorClaimsJson() {
        return TestTokens.partnerClaimsJson("US-DEA").replace("[\"partner\"]", "[\"auditor\"]");
    }

    @Test
    void validAuditorTokenIsAuthenticated() {
        expect(200, TestTokens.person("auditor", "US-DEA", "US"), EVENTS);
    }

    /**
     * What audit stores of a caller (every event's actor, its own AUDIT_QUERIED events included) must fit, and the
     * agency and country must be text: a token that breaks that is refused as any bad token is. At the limits the
     * token is good.
     */
    @Test
    void aTokenWhoseIdentityCannotBeStoredIs401() throws Exception {
        for (var bad : TestTokens.unstorableIdentities("auditor").entrySet()) {
            try {
                expect(401, TestTokens.rs256(bad.getValue(), "idp"), EVENTS);
            } catch (AssertionError e) {
                throw new AssertionError(bad.getKey() + ": " + e.getMessage(), e);
            }
        }
        expect(200, TestTokens.identityAtTheLimits("auditor"), EVENTS);
    }

    @Test
    void noTokenIs401() {
        expect(401, null, EVENTS);
        expectAppend(401, null);
    }

    @Test
    void algNoneIs401() {
        expect(401, TestTokens.unsigned(auditorClaimsJson()), EVENTS);
    }

    @Test
    void hs256SignedWithThePublicKeyIs401() throws Exception {
        expect(401, TestTokens.hs256WithPublicKey(auditorClaimsJson()), EVENTS);
    }

    @Test
    void expiredTokenIs401() {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "auditor", Duration.ofMinutes(5))
                .issuedAt(past).expiresAt(past.plus(Duration.ofMinutes(5)))
                .claim("agency", "US-DEA").claim("country", "US"), "idp"), EVENTS);
    }

    @Test
    void tokenWithoutExpiryIs401() throws Exception {
        expect(401, TestTokens.rs256(auditorClaimsJson().replaceAll(",\"exp\":\\d+", ""), "idp"), EVENTS);
        // the same hand-made token with exp is accepted, so the refusal above is about exp alone
        expect(200, TestTokens.rs256(auditorClaimsJson(), "idp"), EVENTS);
    }

    @Test
    void tokenLivingLongerThanTheMaximumIs401() {
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "auditor", Duration.ofDays(365))
                .claim("agency", "US-DEA").claim("country", "US"), "idp"), EVENTS);
    }

    @Test
    void wrongAudienceIs401() {
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "someone-else", "auditor",
                Duration.ofMinutes(5)).claim("agency", "US-DEA").claim("country", "US"), "idp"), EVENTS);
    }

    @Test
    void wrongIssuerIs401() {
        expect(401, TestTokens.sign(TestTokens.claims("https://evil.example", "cnx", "auditor",
                Duration.ofMinutes(5)).claim("agency", "US-DEA").claim("country", "US"), "idp"), EVENTS);
    }

    @Test
    void untrustedKeyIs401() {
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "auditor",
                Duration.ofMinutes(5)).claim("agency", "US-DEA").claim("country", "US"), "rogue"), EVENTS);
    }

    @Test
    void serviceKeyClaimingToBeTheIdpIs401() {
        // a service's key cannot vouch for a person, whatever issuer the token names
        expect(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "auditor",
                Duration.ofMinutes(5)).claim("agency", "US-DEA").claim("country", "US"), "intake"), EVENTS);
    }

    @Test
    void serviceTokenClaimingLiaisonOfficerIs401() {
        expect(401, TestTokens.sign(TestTokens.claims("cnx-sharing", "cnx-audit", "liaison-officer",
                Duration.ofMinutes(5)), "sharing"), EVENTS);
    }

    @Test
    void serviceTokenClaimingAuditorIs401() {
        expect(401, TestTokens.sign(TestTokens.claims("cnx-intake", "cnx-audit", "auditor",
                Duration.ofMinutes(5)), "intake"), EVENTS);
    }

    @Test
    void serviceTokenSignedWithAnotherServicesKeyIs401() {
        expectAppend(401, TestTokens.sign(TestTokens.claims("cnx-intake", "cnx-audit", "service",
                Duration.ofMinutes(5)), "sharing"));
    }

    @Test
    void serviceTokenForAnotherAudienceIs401() {
        expectAppend(401, TestTokens.sign(TestTokens.claims("cnx-intake", "cnx-sharing", "service",
                Duration.ofMinutes(5)), "intake"));
    }

    @Test
    void serviceTokenLivingLongerThanFiveMinutesIs401() {
        expectAppend(401, TestTokens.sign(TestTokens.claims("cnx-intake", "cnx-audit", "service",
                Duration.ofMinutes(30)), "intake"));
    }

    @Test
    void idpTokenClaimingServiceIs401() {
        expectAppend(401, TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "service",
                Duration.ofMinutes(5)), "idp"));
    }

    @Test
    void validServiceTokenMayAppend() {
        expectAppend(200, TestEvents.intakeToken());
    }

    /** Auditors see a token used where its roles do not reach, by the path policy or by a method's roles alike. */
    @Test
    void aRefusalByRoleIsInTheLogWithWhoTriedWhat() {
        String partnerSub = "cbp-system-" + UUID.randomUUID();
        String officerSub = "nncc-officer-" + UUID.randomUUID();
        expect(403, TestTokens.person("partner", "US-CBP", "US", partnerSub), EVENTS);
        expectAppend(403, TestTokens.person("liaison-officer", "CN-NNCC", "CN", officerSub));
        check(403, given().header("Authorization", "Bearer " + TestTokens.person("partner", "US-CBP", "US", partnerSub))
                .post(CHECKPOINTS), CHECKPOINTS);

        String auditor = TestEvents.auditorToken("auditor-" + UUID.randomUUID());
        for (List<String> expected : List.of(List.of(partnerSub, "GET", EVENTS), List.of(officerSub, "POST", APPEND),
                List.of(partnerSub, "POST", CHECKPOINTS))) {
            // no waiting: the 403 left once its event was in the log
            List<Map<String, Object>> denied = given().header("Authorization", "Bearer " + auditor)
                    .queryParam("action", "ACCESS_DENIED").queryParam("actor", expected.get(0)).get(EVENTS)
                    .then().statusCode(200).extract().jsonPath().<Map<String, Object>>getList("items").stream()
                    .filter(e -> e.get("details") instanceof Map<?, ?> d && expected.get(2).equals(d.get("path")))
                    .toList();
            assertEquals(1, denied.size(), "one event for the refusal: " + denied);
            assertEquals(Map.of("method", expected.get(1), "path", expected.get(2), "problem", "role"),
                    denied.get(0).get("details"));
            assertEquals("DENIED", denied.get(0).get("outcome"));
            assertEquals("audit", denied.get(0).get("service"));
        }
    }

    @Test
    void partnerTokenOnEventsIs403() {
        expect(403, TestTokens.person("partner", "US-CBP", "US"), EVENTS);
    }

    @Test
    void liaisonOfficerTokenOnEventsIs403() {
        expect(403, TestTokens.person("liaison-officer", "CN-NNCC", "CN"), EVENTS);
    }

    @Test
    void partnerTokenOnInternalAppendIs403() {
        expectAppend(403, TestTokens.person("partner", "US-CBP", "US"));
    }

    @Test
    void auditorTokenOnInternalAppendIs403() {
        expectAppend(403, TestTokens.person("auditor", "US-DEA", "US"));
    }

    @Test
    void serviceTokenOnAuditorApiIs403() {
        expect(403, TestEvents.intakeToken(), EVENTS);
    }

    @Test
    void unknownPathsAreDenied() {
        expect(403, TestTokens.person("auditor", "US-DEA", "US"), "/somewhere-else");
    }
}
