package org.cnx.intake.report;

import org.cnx.intake.problem.UnusableClaims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The submitting agency and its country, taken from the token and never from the body. */
record Caller(String agency, String country, JsonWebToken token) {

    /**
     * What an agency is known by: its partner code, as the registry, the policy and {@code releasableTo} name it. A
     * report is kept under its agency for good, so a token naming it otherwise ({@code us-cbp} for {@code US-CBP})
     * would file reports no rule or officer finds under the partner's code.
     */
    static final String AGENCY = "[A-Z]{2}-[A-Z0-9]{2,10}";
    static final String AGENCY_IN_WORDS = "two capital letters, a dash and 2 to 10 capital letters or digits, "
            + "e.g. US-CBP";

    static Caller of(JsonWebToken token) {
        String agency = token.getClaim("agency");
        String country = token.getClaim("country");
        if (agency == null || !agency.matches(AGENCY)) {
            throw new UnusableClaims("A partner system's token must carry its agency as a partner code ("
                    + AGENCY_IN_WORDS + "); this one's agency claim is " + (agency == null ? "missing." : "not."));
        }
        if (country == null || !country.matches("[A-Z]{2}")) {
            throw new UnusableClaims("A partner system's token must carry its country (ISO 3166-1 alpha-2, e.g. US); "
                    + "this one's country claim is " + (country == null ? "missing." : "not."));
        }
        return new Caller(agency, country, token);
    }
}
