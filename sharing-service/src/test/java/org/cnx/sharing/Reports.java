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

    /**
     * The founding case's report body: CN-GACC, 25 kg ANPP bound CN → MX through the US, TLP:AMBER
     * under originator control, releasable to US-CBP and US-DEA, naming a person and a company.
     */
    public static final String FOUNDING_CASE = """
            {"externalRef":"GACC-2026-0001","type":"PRECURSOR_SHIPMENT","title":"25 kg ANPP declared as industrial chemical",
             "summary":"Container bound from CN to MX through US.","occurredAt":"2026-11-20T08:13:27Z","tlp":"AMBER",
             "handling":{"releasableTo":["US-CBP","US-DEA"],"originatorControl":true,"useRestriction":null},
             "grading":{"sourceReliability":"B","informationCredibility":2},
             "substances":[{"name":"ANPP","casNumber":"21409-26-7","quantity":25,"unit":"kg"}],
             "shipment":{"originCountry":"CN","destinationCountry":"MX","transitCountries":["US"],"carrier":"COSCO Shipping",
                         "trackingNumber":"COSU6293015840","containerNumber":"CSQU3054383","hsCode":"2933.39",
                         "declaredAs":"industrial chemical"},
             "subjects":[{"kind":"PERSON","name":"WANG Li","country":"CN","role":"consignor",
                          "identifiers":[{"scheme":"PASSPORT","value":"E12345678"}]},
                         {"kind":"COMPANY","name":"Hebei Example Chemical Co.","country":"CN","role":"shipper",
                          "identifiers":[{"scheme":"USCC","value":"91130100MA0ABCDE12"}]}]}""";

    /** A hand-over message with any report body. */
    public static String message(UUID id, String agency, String country, Instant receivedAt, String watchlistHits,
            String report) {
        return """
                {"id":"%s","agency":"%s","country":"%s","receivedAt":"%s","watchlistHits":%s,"report":%s}"""
                .formatted(id, agency, country, receivedAt, watchlistHits, report);
    }

    public static ValidatableResponse handOver(String... messages) {
        return given().header("Authorization", "Bearer " + intakeToken()).contentType("application/json")
                .body("[" + String.join(",", messages) + "]")
                .post("/internal/v1/reports").then();
    }

    public static String officer(String agency, String country, String sub) {
        return TestTokens.person("liaison-officer", agency, country, sub);
    }

    public static String admin(String sub) {
        return TestTokens.person("exchange-admin", "US-DHS", "US", sub);
    }
}
