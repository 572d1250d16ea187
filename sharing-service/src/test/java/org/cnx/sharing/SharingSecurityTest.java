package org.cnx.sharing;

import static io.restassured.RestAssured.given;
import static java.util.stream.Collectors.toSet;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.builder.ResponseSpecBuilder;
import io.restassured.specification.ResponseSpecification;

/** Who may call what on sharing-service (DESIGN §3). */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class SharingSecurityTest {

    private static final String APPROVALS = "/api/v1/releases/" + UUID.randomUUID() + "/approvals";

    @InjectWireMock
    WireMockServer partners;

    /** A refusal (401 or 403) as problem+json; a 401 with its Bearer challenge, a 403 without one. */
    private static ResponseSpecification refused(int status) {
        return new ResponseSpecBuilder().expectStatusCode(status).expectContentType("application/problem+json")
                .expectBody("status", equalTo(status))
                .expectBody("title", equalTo(status == 401 ? "Unauthorized" : "Forbidden"))
                .expectHeader("WWW-Authenticate", status == 401 ? equalTo("Bearer") : nullValue(String.class)).build();
    }

    @Test
    void partnerTokenOnInternalHandOverIs403() {
        given().auth().oauth2(TestTokens.person("partner", "US-CBP", "US")).contentType("application/json")
                .body(Reports.message(UUID.randomUUID(), "US-CBP", "US", "GREEN", null).replace("\n", ""))
                .post("/internal/v1/reports").then().spec(refused(403));
    }

    @Test
    void partnerTokenOnApprovalIs403() {
        given().auth().oauth2(TestTokens.person("partner", "CN-GACC", "CN")).contentType("application/json")
                .body("{}").post(APPROVALS).then().spec(refused(403));
    }

    @Test
    void auditorTokenOnReleasesIs403() {
        given().auth().oauth2(TestTokens.person("auditor", "US-DEA", "US")).get("/api/v1/releases")
                .then().spec(refused(403));
    }

    /** Auditors see a token used where its roles do not reach, by the path policy or by a method's roles alike. */
    @Test
    void everyRoleRefusalIsAuditedWithWhoTriedWhat() {
        String partnerSub = "cbp-system-" + UUID.randomUUID();
        String auditorSub = "dea-auditor-" + UUID.randomUUID();
        String partner = TestTokens.person("partner", "US-CBP", "US", partnerSub);
        String auditor = TestTokens.person("auditor", "US-DEA", "US", auditorSub);
        given().auth().oauth2(partner).contentType("application/json").body("[]").post("/internal/v1/reports")
                .then().spec(refused(403));
        given().auth().oauth2(partner).contentType("application/json").body("{}").post(APPROVALS)
                .then().spec(refused(403));
        given().auth().oauth2(auditor).get("/api/v1/policy").then().spec(refused(403));

        List<Map<String, Object>> denied = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.auditEvents(partners).stream()
                        .filter(e -> "ACCESS_DENIED".equals(e.get("action")))
                        .filter(e -> Set.of(partnerSub, auditorSub).contains(PartnerInbox.actorOf(e)))
                        .toList(), list -> list.size() >= 3);
        assertEquals(Set.of(
                List.of(partnerSub, Map.of("method", "POST", "path", "/internal/v1/reports", "problem", "role")),
                List.of(partnerSub, Map.of("method", "POST", "path", APPROVALS, "problem", "role")),
                List.of(auditorSub, Map.of("method", "GET", "path", "/api/v1/policy", "problem", "role"))),
                denied.stream().map(e -> List.of(PartnerInbox.actorOf(e), e.get("details"))).collect(toSet()),
                "one event per refusal: who tried which method on which path");
        assertEquals(3, denied.size());
        for (Map<String, Object> event : denied) {
            assertEquals("DENIED", event.get("outcome"));
            assertEquals("sharing", event.get("service"));
        }
    }

    /** An officer's token without their agency or country governs nothing, and auditors see who tried. */
    @Test
    void anOfficerTokenWithoutAgencyOrCountryIsRefusedAndAudited() {
        String sub = "officer-no-agency-" + UUID.randomUUID();
        String noAgency = TestTokens.sign(TestTokens.claims(TestTokens.IDP, "cnx", "liaison-officer",
                Duration.ofMinutes(5)).subject(sub).claim("country", "CN"), "idp");
        given().auth().oauth2(noAgency).contentType("application/json").body("{}").post(APPROVALS)
                .then().spec(refused(403)).body("type", endsWith("/missing-agency"))
                .body("detail", containsString("this one's agency claim is missing"));
        given().auth().oauth2(TestTokens.person("liaison-officer", "CN-NNCC", "china")).get("/api/v1/releases")
                .then().spec(refused(403)).body("detail", containsString("this one's country claim is not."));

        List<Map<String, Object>> denied = await().atMost(Duration.ofSeconds(15))
                .until(() -> PartnerInbox.auditEvents(partners).stream()
                        .filter(e -> sub.equals(PartnerInbox.actorOf(e))).toList(), list -> !list.isEmpty());
        assertEquals(1, denied.size(), "one event for the refusal: " + denied);
        assertEquals("ACCESS_DENIED", denied.get(0).get("action"));
        assertEquals(Map.of("method", "POST", "path", APPROVALS, "problem", "missing-agency"),
                denied.get(0).get("details"));
    }

    /**
     * What sharing stores of a caller (an approval's officer, a policy's author, the audit events' actor) must fit,
     * and the agency and country must be text: a token that breaks that is refused as any bad token is, not a 500
     * when the decision is stored. At the limits the token is good.
     */
    @Test
    void aTokenWhoseIdentityCannotBeStoredIs401() throws Exception {
        for (var bad : TestTokens.unstorableIdentities("liaison-officer").entrySet()) {
            given().auth().oauth2(TestTokens.rs256(bad.getValue(), "idp")).get("/api/v1/releases")
                    .then().spec(refused(401));
        }
        given().auth().oauth2(TestTokens.identityAtTheLimits("liaison-officer")).get("/api/v1/releases")
                .then().statusCode(200);
    }

    @Test
    void noTokenOnReleasesIs401() {
        given().get("/api/v1/releases").then().spec(refused(401));
    }

    @Test
    void serviceKeyClaimingLiaisonOfficerIs401() {
        given().auth().oauth2(TestTokens.sign(TestTokens.claims("cnx-intake", "cnx-sharing", "liaison-officer",
                Duration.ofMinutes(5)).claim("agency", "CN-NNCC").claim("country", "CN"), "intake"))
                .contentType("application/json").body("{}").post(APPROVALS).then().spec(refused(401));
    }

    @Test
    void intakeTokenForAnotherAudienceIs401() {
        given().auth().oauth2(TestTokens.sign(TestTokens.claims("cnx-intake", "cnx-audit", "service",
                Duration.ofMinutes(5)), "intake")).contentType("application/json").body("[]")
                .post("/internal/v1/reports").then().spec(refused(401));
    }

    @Test
    void serviceTokenLivingLongerThanFiveMinutesIs401() {
        given().auth().oauth2(TestTokens.sign(TestTokens.claims("cnx-intake", "cnx-sharing", "service",
                Duration.ofMinutes(30)), "intake")).contentType("application/json").body("[]")
                .post("/internal/v1/reports").then().spec(refused(401));
    }

    @Test
    void untrustedServiceIssuerIs401() {
        // audit-service is not a caller sharing trusts
        given().auth().oauth2(TestTokens.sign(TestTokens.claims("cnx-audit", "cnx-sharing", "service",
                Duration.ofMinutes(5)), "audit")).contentType("application/json").body("[]")
                .post("/internal/v1/reports").then().spec(refused(401));
    }

    @Test
    void invalidHandOverIs400ProblemWithPointers() {
        given().auth().oauth2(Reports.intakeToken()).contentType("application/json")
                .body("[{\"agency\":\"US-CBP\",\"country\":\"usa\",\"receivedAt\":\"2026-01-01T00:00:00Z\",\"report\":{}}]")
                .post("/internal/v1/reports").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.pointer", org.hamcrest.Matchers.containsInAnyOrder("/0/id", "/0/country"));
    }

    @Test
    void jwksIsPublic() {
        given().get("/.well-known/jwks.json").then().statusCode(200)
                .body("keys[0].kty", org.hamcrest.Matchers.equalTo("RSA"))
                .body("keys[0].kid", org.hamcrest.Matchers.notNullValue())
                .body("keys[0].d", org.hamcrest.Matchers.nullValue());
    }
}
