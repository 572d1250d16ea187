package org.cnx.sharing;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.restassured.response.ValidatableResponse;

/** Builds intake's hand-over messages and posts them as intake-service would. */
public final class Reports {

    private Reports() {
    }

    public static String intakeToken() {
        return TestTokens.sign(TestTokens.claims("cnx-intake", "cnx-sharing", "service", Duration.ofMinutes(5)),
                "intake");
    }

    /** One hand-over message; {@code handling} is a JSON object or null. */
    public static String message(UUID id, String agency, String country, String tlp, String handling) {
        return """
                {"id":"%s","agency":"%s","country":"%s","receivedAt":"%s","watchlistHits":["ANPP"],
                 "report":{"externalRef":"REF-%s","type":"PRECURSOR_SHIPMENT","title":"25 kg ANPP declared as industrial chemical",
                           "tlp":"%s",%s"substances":[{"name":"ANPP","casNumber":"21409-26-7","quantity":25,"unit":"kg"}]}}"""
                .formatted(id, agency, country, Instant.now(), id, tlp,
                        handling == null ? "" : "\"handling\":" + handling + ",");
    }

    public static ValidatableResponse handOver(String... messages) {
        return given().header("Authorization", "Bearer " + intakeToken()).contentType("application/json")
                .body("[" + String.join(",", messages) + "]")
                .post("/internal/v1/reports").then();
    }

    public static String officer(String agency, String country, String sub) {
        return TestTokens.person("liaison-officer", agency, country, sub);
    }
}
