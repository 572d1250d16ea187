package org.cnx.sharing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The OpenAPI document describes every endpoint, each with a summary. */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class OpenApiTest {

    @Test
    void everyEndpointIsDocumented() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = api.getMap("paths");
        for (String path : List.of("/api/v1/partners", "/api/v1/partners/{code}", "/api/v1/policy",
                "/api/v1/policy/versions/{version}", "/api/v1/policy/evaluation", "/api/v1/releases",
                "/api/v1/releases/{id}", "/api/v1/releases/{id}/approvals", "/api/v1/releases/{id}/rejection",
                "/internal/v1/reports", "/internal/v1/recalls", "/api/v1/deliveries", "/api/v1/deliveries/health",
                "/api/v1/deliveries/{id}", "/api/v1/deliveries/{id}/redelivery", "/.well-known/jwks.json")) {
            assertTrue(paths.containsKey(path), path + " is missing from " + paths.keySet());
        }
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            Object summary = operation.get("summary");
            assertFalse(summary == null || summary.toString().isBlank(), method + " " + path + " has no summary");
        }));
        assertTrue(api.getMap("components.schemas").containsKey("EvaluationRequest"));
        assertTrue(api.getMap("components.schemas").containsKey("PolicyDocument"));
        // an approval may be a POST of nothing: a client generated from the document insisted on a body
        assertEquals(false, api.get("paths.'/api/v1/releases/{id}/approvals'.post.requestBody.required"));
    }

    /** The raw JSON an officer reads (the payload that will leave, why, what was withheld) is described as sent. */
    @Test
    void aReleasesPayloadAndReasonsAreDescribedAsTheJsonTheyAre() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        // described as strings, they failed every typed client generated from the document
        String detail = "components.schemas.ReleaseDetail.properties.";
        assertEquals("object", api.get(detail + "payload.type"));
        assertEquals("array", api.get(detail + "reasons.type"));
        assertEquals("string", api.get(detail + "reasons.items.type"));
        assertEquals("array", api.get(detail + "withheld.type"));
        assertEquals("#/components/schemas/Withheld", api.get(detail + "withheld.items.$ref"));
        assertEquals("object", api.get("components.schemas.EvaluationDecision.properties.payload.type"));
    }

    /**
     * What a client generated from the document sends and reads: a report body and the key set are objects (Jackson's
     * JsonNode class was described, its getters as the value's fields; the key set as a string), what the service
     * refuses without is required, and a pattern is one any validator compiles, anchored as the service reads it.
     */
    /**
     * The document says first what it is: one beginning "components:" (as the packaged services served it with a
     * schema mapped in the configuration) was taken for none by a tool reading its first line.
     */
    @Test
    void theDocumentBeginsWithItsVersion() {
        String yaml = given().get("/q/openapi").then().statusCode(200).extract().asString();
        assertTrue(yaml.startsWith("---\nopenapi: 3."), yaml.substring(0, Math.min(80, yaml.length())));
    }

    @Test
    void whatAClientSendsAndReadsIsDescribedAsItIs() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        assertFalse(api.getMap("components.schemas").containsKey("JsonNode"));
        assertEquals("object", api.get("components.schemas.EvaluationRequest.properties.report.type"));
        assertEquals("object", api.get("paths.'/.well-known/jwks.json'.get.responses.'200'.content.'application/json'"
                + ".schema.type"));
        assertTrue(api.getList("components.schemas.RejectionRequest.required").contains("reason"));
        assertTrue(api.getList("components.schemas.PartnerRequest.required").contains("name"));
        assertEquals("^(/([^/~]|~[01])*)+$", api.get("components.schemas.RedactionOp.properties.path.pattern"));
        // the answers of endpoints that set their own status and headers: a partner's DELETE answers 204 without a
        // body (documented as a 200 JSON, a generated client failed on the deletion it made), a redelivery 202
        String partner = "paths.'/api/v1/partners/{code}'.";
        assertEquals("#/components/schemas/Partner",
                api.get(partner + "put.responses.'201'.content.'application/json'.schema.$ref"));
        assertTrue(api.getMap(partner + "put.responses.'201'.headers").containsKey("Location"));
        assertTrue(api.getMap(partner + "put.responses.'200'.headers").containsKey("ETag"));
        assertNull(api.get(partner + "delete.responses.'204'.content"));
        assertFalse(api.getMap(partner + "delete.responses").containsKey("200"));
        assertTrue(api.getMap("paths.'/api/v1/policy'.get.responses.'200'.headers").containsKey("ETag"));
        assertTrue(api.getString("paths.'/api/v1/policy'.put.responses.'200'.content.'application/json'.schema.$ref")
                .startsWith("#/components/schemas/"));
        assertTrue(api.getMap("paths.'/api/v1/deliveries/{id}/redelivery'.post.responses").containsKey("202"));
    }

    /**
     * A pattern is read as the service reads it, the whole value: a JSON Schema pattern matches anywhere, and a
     * client validating with an unanchored one took values the service refuses (US-CBP,US-DEA as a partner code).
     */
    @Test
    void everyPatternIsAnchored() {
        Map<String, Object> api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().jsonPath().getMap("$");
        List<String> patterns = patterns(api);
        assertFalse(patterns.isEmpty());
        for (String pattern : patterns) {
            assertTrue(pattern.startsWith("^") && pattern.endsWith("$"), pattern);
        }
    }

    /** Every {@code pattern} of the document, wherever it is. */
    private static List<String> patterns(Object node) {
        List<String> found = new ArrayList<>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("pattern".equals(key) && value instanceof String pattern) {
                    found.add(pattern);
                } else {
                    found.addAll(patterns(value));
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> found.addAll(patterns(item)));
        }
        return found;
    }
}
