package org.cnx.intake;

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

/** The OpenAPI document describes every endpoint, each with a summary, and needs no token. */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class OpenApiTest {

    @Test
    void everyEndpointIsDocumentedWithoutAToken() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = api.getMap("paths");
        for (String path : List.of("/api/v1/reports", "/api/v1/reports/{id}", "/api/v1/reports/{id}/withdrawal",
                "/api/v1/me")) {
            assertTrue(paths.containsKey(path), path + " is missing from " + paths.keySet());
        }
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            Object summary = operation.get("summary");
            assertFalse(summary == null || summary.toString().isBlank(), method + " " + path + " has no summary");
        }));
        assertTrue(api.getMap("components.schemas").containsKey("ReportRequest"));
        // what a submission must carry is marked required, custom constraints and all: a client generated from the
        // document sent reports without a title, each a 400
        assertEquals(List.of("externalRef", "title", "tlp", "type"), api.getList("components.schemas.ReportRequest"
                + ".required").stream().sorted().toList(), "a report may name no substance, a substance no name "
                + "(its CAS number alone): nothing else is required");
        assertNull(api.getList("components.schemas.Substance.required"));
        // a withdrawal may be a POST of nothing: a client generated from the document insisted on a body
        assertEquals(false, api.get("paths.'/api/v1/reports/{id}/withdrawal'.post.requestBody.required"));
        assertTrue(api.getList("components.schemas.Identifier.required").containsAll(List.of("scheme", "value")));
        // no multipleOf 1e-06: a validator dividing in floating point refused 0.1 kg, which intake takes
        assertNull(api.get("components.schemas.Substance.properties.quantity.multipleOf"));
        assertEquals("number", api.get("components.schemas.Substance.properties.quantity.type"));
    }

    /** What a client generated from the document reads: each answer's body as it is sent. */
    @Test
    void everyAnswerIsDescribedAsItIsSent() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        // the report as accepted is an object: described as a string, a typed client failed on every detail view
        assertEquals("object", api.get("components.schemas.ReportView.properties.report.type"));
        assertTrue(api.getList("components.schemas.ReportView.properties.report.required").contains("title"));
        // a retry without a key, after a submission whose answer was lost, gets 200: undocumented, a generated client
        // dropped its body, and with it the report's id
        String submit = "paths.'/api/v1/reports'.post.responses.";
        assertEquals("#/components/schemas/ReportView", api.get(submit + "'200'.content.'application/json'.schema.$ref"));
        assertTrue(api.getMap(submit + "'201'.headers").keySet().containsAll(List.of("Location", "Idempotent-Replayed")));
        // every error is a problem document, which a client can read (a 409's existingReportId, a 400's pointers)
        Map<String, Map<String, Map<String, Map<String, Object>>>> paths = api.getMap("paths");
        int errors = 0;
        for (var path : paths.entrySet()) {
            for (var operation : path.getValue().entrySet()) {
                Map<String, Map<String, Object>> responses = api.getMap("paths.'" + path.getKey() + "'."
                        + operation.getKey() + ".responses");
                for (var response : responses.entrySet()) {
                    if (response.getKey().startsWith("4")) {
                        errors++;
                        assertEquals("#/components/schemas/Problem", api.get("paths.'" + path.getKey() + "'."
                                + operation.getKey() + ".responses.'" + response.getKey()
                                + "'.content.'application/problem+json'.schema.$ref"),
                                operation.getKey() + " " + path.getKey() + " " + response.getKey());
                    }
                }
            }
        }
        assertTrue(errors >= 15, "the error answers are listed: " + errors);
        assertEquals(List.of("pointer", "message"), List.copyOf(api.getMap("components.schemas.FieldError.properties")
                .keySet()));
    }

    /**
     * A pattern is read as the service reads it, the whole value: a JSON Schema pattern matches anywhere, and a
     * client validating with an unanchored one took values the service refuses (an HS code of 2933.39.1).
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
