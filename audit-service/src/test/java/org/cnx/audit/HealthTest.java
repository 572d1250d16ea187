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
    void openApiDocumentsBothEndpoints() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/internal/v1/events"))
                .body(containsString("/api/v1/events"))
                .body(containsString("Append a batch of events"));
    }
}
