package org.cnx.intake;

/** Report bodies for tests. */
public final class Bodies {

    private Bodies() {
    }

    /** The founding case: CN-GACC, 25 kg ANPP declared as "industrial chemical", container CN → MX through US. */
    public static String founding(String externalRef) {
        return """
                {"externalRef":"%s","type":"PRECURSOR_SHIPMENT","title":"25 kg ANPP declared as industrial chemical",
                 "summary":"Container bound from CN to MX through US.","occurredAt":"2026-11-20T08:00:00Z","tlp":"AMBER",
                 "handling":{"releasableTo":["US-CBP","US-DEA"],"originatorControl":true,"useRestriction":"NO_JUDICIAL_USE"},
                 "grading":{"sourceReliability":"B","informationCredibility":2},
                 "substances":[{"name":"industrial chemical","casNumber":"21409-26-7","quantity":25,"unit":"kg"}],
                 "shipment":{"originCountry":"CN","destinationCountry":"MX","transitCountries":["US"],"carrier":"COSCO Shipping",
                             "trackingNumber":"COSU6293015840","containerNumber":"CSQU3054383","hsCode":"2933.39",
                             "declaredAs":"industrial chemical"},
                 "subjects":[{"kind":"PERSON","name":"WANG Li","country":"CN","role":"consignor",
                              "identifiers":[{"scheme":"PASSPORT","value":"E12345678"}]},
                             {"kind":"COMPANY","name":"Hubei Example Chemical Co.","country":"CN","role":"shipper"}]}"""
                .formatted(externalRef);
    }

    /** A small valid report. */
    public static String minimal(String externalRef, String type) {
        return """
                {"externalRef":"%s","type":"%s","title":"Report %s","tlp":"GREEN",
                 "substances":[{"name":"acetone","quantity":1,"unit":"L"}]}""".formatted(externalRef, type, externalRef);
    }
}
