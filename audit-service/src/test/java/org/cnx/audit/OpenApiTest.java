package org.cnx.audit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void whatAClientReadsIsDescribedAsItIsSent() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        assertFalse(api.getMap("components.schemas").containsKey("JsonNode"));
        assertEquals("object", api.get("components.schemas.EventView.properties.details.type"),
                api.getString("components.schemas.EventView.properties.details"));
        assertEquals("object", api.get("components.schemas.Receipt.properties.event.type"),
                api.getString("components.schemas.Receipt.properties.event"));
        assertEquals("object", api.get("paths.'/.well-known/jwks.json'.get.responses.'200'.content.'application/json'"
                + ".schema.type"));
        // the export is CSV or NDJSON text: described as JSON too, a generated client parsed it as JSON
        Map<String, Object> export = api.getMap("paths.'/api/v1/events/export'.get.responses.'200'.content");
        assertEquals(Set.of("text/csv", "application/x-ndjson"), export.keySet());
    }
}
