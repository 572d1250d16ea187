package org.cnx.sharing.release;

import org.cnx.sharing.problem.UnusableClaims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** A liaison officer as the token describes them; the country decides which releases they govern. */
public record Officer(String sub, String agency, String country, JsonWebToken token) {

    public static Officer of(JsonWebToken token) {
        String agency = token.getClaim("agency");
        String country = token.getClaim("country");
        if (agency == null) {
            throw new UnusableClaims("An officer's token must carry their agency; this one's agency claim is missing.");
        }
        if (country == null || !country.matches("[A-Z]{2}")) {
            throw new UnusableClaims("An officer's token must carry their country (ISO 3166-1 alpha-2, e.g. CN); "
                    + "this one's country claim is " + (country == null ? "missing." : "not."));
        }
        return new Officer(token.getSubject(), agency, country, token);
    }
}
