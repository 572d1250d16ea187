package org.cnx.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class HealthTest {

    @Test
    void readinessIncludesTheDatabaseAndNeedsNoToken() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")));
    }

    @Test
    void openApiDocumentsEveryEndpoint() {
        var openapi = given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("Append a batch of events"));
        for (String path : new String[] {"/internal/v1/events", "/api/v1/events", "/api/v1/events/export",
                "/api/v1/log/verification", "/api/v1/log/checkpoints/latest", "/api/v1/log/checkpoints",
                "/api/v1/log/proofs/inclusion", "/api/v1/log/proofs/consistency", "/api/v1/receipts/{deliveryId}",
                "/.well-known/jwks.json"}) {
            openapi.body(containsString("\"" + path + "\""));
        }
    }
}
