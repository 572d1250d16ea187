package org.cnx.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * What an auditor's or a partner's client generated from the document reads: an event's details and a receipt's event
 * are objects (Jackson's JsonNode class was described, its getters as the value's fields, and the details were lost),
 * and the key set is an object, not a string.
 */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class OpenApiTest {

    @Test
    void whatAClientReadsIsDescribedAsItIsSent() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        assertFalse(api.getMap("components.schemas").containsKey("JsonNode"));
        assertEquals("object", api.get("components.schemas.JsonObject.type"));
        assertEquals("#/components/schemas/JsonObject", api.get("components.schemas.EventView.properties.details.$ref"));
        assertEquals("#/components/schemas/JsonObject", api.get("components.schemas.Receipt.properties.event.$ref"));
        assertEquals("object", api.get("paths.'/.well-known/jwks.json'.get.responses.'200'.content.'application/json'"
                + ".schema.type"));
        // the export is CSV or NDJSON text: described as JSON too, a generated client parsed it as JSON
        Map<String, Object> export = api.getMap("paths.'/api/v1/events/export'.get.responses.'200'.content");
        assertEquals(Set.of("text/csv", "application/x-ndjson"), export.keySet());
    }
}
