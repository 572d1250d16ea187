package org.cnx.intake.report;

import org.cnx.intake.problem.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The submitting agency and its country, taken from the token and never from the body. */
record Caller(String agency, String country, JsonWebToken token) {

    static Caller of(JsonWebToken token) {
        String agency = token.getClaim("agency");
        String country = token.getClaim("country");
        if (agency == null || agency.isBlank() || country == null || !country.matches("[A-Z]{2}")) {
            throw new ProblemException(403, "missing-agency", "Forbidden",
                    "The token must carry the agency and country (ISO 3166-1 alpha-2) claims.");
        }
        return new Caller(agency, country, token);
    }
}
