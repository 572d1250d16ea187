package org.cnx.sharing.release;

import org.cnx.sharing.problem.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** A liaison officer as the token describes them; the country decides which releases they govern. */
public record Officer(String sub, String agency, String country, JsonWebToken token) {

    public static Officer of(JsonWebToken token) {
        String agency = token.getClaim("agency");
        String country = token.getClaim("country");
        if (agency == null || country == null || !country.matches("[A-Z]{2}")) {
            throw new ProblemException(403, "missing-agency", "Forbidden",
                    "The token must carry the agency and country (ISO 3166-1 alpha-2) claims.");
        }
        return new Officer(token.getSubject(), agency, country, token);
    }
}
