package org.cnx.intake;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    }
}
