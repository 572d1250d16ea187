package org.cnx.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.restassured.path.json.JsonPath;

/** What the (WireMock) partners and audit-service received, checked as a partner would check it. */
public final class PartnerInbox {

    private PartnerInbox() {
    }

    /** Every POST to a partner endpoint whose body names the report (records and recalls). */
    public static List<LoggedRequest> deliveriesOf(WireMockServer server, UUID reportId) {
        return server.findAll(postRequestedFor(urlPathMatching("/partners/.*"))
                .withRequestBody(containing(reportId.toString())));
    }

    public static String partnerOf(LoggedRequest request) {
        return request.getUrl().split("/")[2];
    }

    /** Checks the delivery exactly as a partner would, with the published JWKS. */
    public static JwtClaims verify(LoggedRequest request) throws Exception {
        String partner = partnerOf(request);
        JsonWebKeySet jwks = new JsonWebKeySet(given().get("/.well-known/jwks.json").then().statusCode(200)
                .extract().asString());
        JwtClaims claims = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                .setExpectedIssuer("cnx-sharing")
                .setExpectedAudience(partner)
                .setRequireExpirationTime()
                .build()
                .processToClaims(request.getHeader("Authorization").substring("Bearer ".length()));
        assertEquals(request.getHeader("X-Cnx-Delivery-Id"), claims.getJwtId());
        assertEquals(sha256(request.getBody()), claims.getStringClaimValue("body_sha256"));
        return claims;
    }

    public static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Every audit event sent to (WireMock) audit-service so far, in the order sent. */
    public static List<Map<String, Object>> auditEvents(WireMockServer server) {
        return auditEvents(server, "");
    }

    /**
     * The audit events of the requests whose body holds {@code text}: the journal grows through a module's tests, and
     * parsing every request of it at each poll of a wait took a growing share of the wait.
     */
    private static List<Map<String, Object>> auditEvents(WireMockServer server, String text) {
        return server.findAll(postRequestedFor(urlEqualTo("/internal/v1/events"))).stream()
                .filter(r -> r.getBodyAsString().contains(text))
                .flatMap(r -> JsonPath.from(r.getBodyAsString()).<Map<String, Object>>getList("$").stream())
                .toList();
    }

    /** The audit events about a report. */
    public static List<Map<String, Object>> auditEvents(WireMockServer server, UUID reportId) {
        return auditEvents(server, reportId.toString()).stream()
                .filter(e -> e.get("subject") instanceof Map<?, ?> s && reportId.toString().equals(s.get("reportId")))
                .toList();
    }

    /** The audit events about a report with this action, in the order audit-service received them. */
    public static List<Map<String, Object>> auditEvents(WireMockServer server, UUID reportId, String action) {
        return auditEvents(server, reportId).stream().filter(e -> action.equals(e.get("action"))).toList();
    }

    @SuppressWarnings("unchecked")
    public static String actorOf(Map<String, Object> event) {
        return (String) ((Map<String, Object>) event.get("actor")).get("sub");
    }
}
