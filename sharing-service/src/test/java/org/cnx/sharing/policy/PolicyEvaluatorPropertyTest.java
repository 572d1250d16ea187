package org.cnx.sharing.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cnx.sharing.report.IncomingReport;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** The evaluator's guarantees under random reports and random policies. */
class PolicyEvaluatorPropertyTest {

    private static final List<String> TLPS = List.of("CLEAR", "GREEN", "AMBER", "AMBER+STRICT");
    private static final List<String> HITS = List.of("ANPP", "NPP", "4-AP", "fentanyl");
    private static final List<String> KINDS = List.of("PERSON", "COMPANY", "VESSEL", "WALLET");

    /** A report from a random agency, with random handling, hits and subjects. */
    private static Arbitrary<IncomingReport> reports(Arbitrary<String> tlps) {
        Arbitrary<List<String>> cap = Arbitraries.of(Facts.PARTNERS).set().ofMaxSize(6).map(s -> (List<String>) new ArrayList<>(s))
                .injectNull(0.4);
        return Combinators.combine(Arbitraries.of(Facts.PARTNERS), Arbitraries.of(Facts.TYPES), tlps, cap,
                Arbitraries.of(true, false), Arbitraries.of(HITS).list().ofMaxSize(2), Arbitraries.of(KINDS).list().ofMaxSize(3))
                .as(Facts::report);
    }

    @Provide
    Arbitrary<IncomingReport> anyReport() {
        return reports(Arbitraries.of(TLPS));
    }

    @Provide
    Arbitrary<IncomingReport> redReport() {
        return reports(Arbitraries.just("RED"));
    }

    @Provide
    Arbitrary<String> partner() {
        return Arbitraries.of(Facts.PARTNERS);
    }

    /** Any rule at all, including ones that match everything and release without approval. */
    @Provide
    Arbitrary<PolicyDocument> anyPolicy() {
        Arbitrary<PolicyDocument.Match> match = Combinators.combine(
                Arbitraries.of(Facts.TYPES).list().ofMinSize(1).ofMaxSize(3).injectNull(0.6),
                Arbitraries.of("US", "CN").list().ofMinSize(1).ofMaxSize(2).injectNull(0.6),
                Arbitraries.of(Facts.PARTNERS).list().ofMinSize(1).ofMaxSize(3).injectNull(0.6),
                Arbitraries.of(true, false).injectNull(0.6),
                Arbitraries.of("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED").injectNull(0.5),
                Arbitraries.of(true, false).injectNull(0.6),
                Arbitraries.of(true, false).injectNull(0.6))
                .as((types, countries, partners, cross, maxTlp, hit, personal) -> new PolicyDocument.Match(types, null,
                        countries, partners, null, cross, maxTlp, hit, null, null, personal))
                .injectNull(0.3);
        return rules(match).map(rules -> new PolicyDocument(null, rules, Map.of()));
    }

    private static Arbitrary<List<PolicyDocument.Rule>> rules(Arbitrary<PolicyDocument.Match> matches) {
        return Combinators.combine(matches, Arbitraries.of("RELEASE", "APPROVE", "DENY"), Arbitraries.of(1, 2))
                .as((m, action, approvers) -> Tuple.of(m, action, approvers))
                .list().ofMaxSize(8)
                .map(list -> {
                    List<PolicyDocument.Rule> rules = new ArrayList<>();
                    for (int i = 0; i < list.size(); i++) {
                        var t = list.get(i);
                        rules.add(new PolicyDocument.Rule("r" + i, null, t.get1(), t.get2(),
                                "APPROVE".equals(t.get2()) ? t.get3() : null, null));
                    }
                    return rules;
                });
    }

    @Property(tries = 1000)
    void tlpRedIsNeverReleasedUnderAnyPolicy(@ForAll("redReport") IncomingReport report, @ForAll("partner") String partner,
            @ForAll("anyPolicy") PolicyDocument policy) {
        // even a partner whose registry entry would take TLP:RED
        Decision decision = PolicyEvaluator.decide(report, Facts.partner(partner, Tlp.RED), policy);
        assertEquals(Decision.Action.DENY, decision.action());
        assertEquals("tlp-red", decision.rule());
    }

    @Property(tries = 1000)
    void releasableToIsACapNeverAWidening(@ForAll("anyReport") IncomingReport report, @ForAll("partner") String partner,
            @ForAll("anyPolicy") PolicyDocument policy) {
        List<String> cap = report.releasableTo();
        Decision decision = PolicyEvaluator.decide(report, Facts.partner(partner), policy);
        if (cap != null && !cap.contains(partner)) {
            assertEquals(Decision.Action.DENY, decision.action());
        }
    }

    /**
     * Reports that no rule matches are denied: each rule below is built to miss the report on at least
     * one condition (chosen at random), however the rest of it reads.
     */
    @Property(tries = 1000)
    void aReportNoRuleMatchesIsDenied(@ForAll("anyReport") IncomingReport report, @ForAll("partner") String partner,
            @ForAll("anyPolicy") PolicyDocument noise, @ForAll @IntRange(min = 0, max = 6) int seed) {
        Recipient recipient = Facts.partner(partner);
        List<PolicyDocument.Rule> missing = new ArrayList<>();
        for (int i = 0; i < noise.rules().size(); i++) {
            PolicyDocument.Rule r = noise.rules().get(i);
            missing.add(new PolicyDocument.Rule(r.id(), null, miss(r.match(), report, recipient, (seed + i) % 7),
                    r.action(), r.approvers(), null));
        }
        Decision decision = PolicyEvaluator.decide(report, recipient, new PolicyDocument(null, missing, Map.of()));
        assertEquals(Decision.Action.DENY, decision.action(), decision.toString());
    }

    /** {@code base} with one condition set so that it cannot hold for this report and partner. */
    private static PolicyDocument.Match miss(PolicyDocument.Match base, IncomingReport report, Recipient partner, int which) {
        PolicyDocument.Match m = base != null ? base
                : new PolicyDocument.Match(null, null, null, null, null, null, null, null, null, null, null);
        String otherCountry = report.country().equals("US") ? "CN" : "US";
        return switch (which) {
            case 0 -> new PolicyDocument.Match(Facts.TYPES.stream().filter(t -> !t.equals(report.type())).toList(),
                    m.originAgencies(), m.originCountries(), m.partners(), m.partnerCountries(), m.crossBorder(),
                    m.maxTlp(), m.watchlistHit(), m.watchlist(), m.hasSubjects(), m.hasPersonalData());
            case 1 -> new PolicyDocument.Match(m.reportTypes(), m.originAgencies(), List.of(otherCountry), m.partners(),
                    m.partnerCountries(), m.crossBorder(), m.maxTlp(), m.watchlistHit(), m.watchlist(), m.hasSubjects(),
                    m.hasPersonalData());
            case 2 -> new PolicyDocument.Match(m.reportTypes(), m.originAgencies(), m.originCountries(),
                    Facts.PARTNERS.stream().filter(p -> !p.equals(partner.code())).toList(), m.partnerCountries(),
                    m.crossBorder(), m.maxTlp(), m.watchlistHit(), m.watchlist(), m.hasSubjects(), m.hasPersonalData());
            case 3 -> new PolicyDocument.Match(m.reportTypes(), m.originAgencies(), m.originCountries(), m.partners(),
                    m.partnerCountries(), partner.country().equals(report.country()), m.maxTlp(), m.watchlistHit(),
                    m.watchlist(), m.hasSubjects(), m.hasPersonalData());
            case 4 -> new PolicyDocument.Match(m.reportTypes(), m.originAgencies(), m.originCountries(), m.partners(),
                    m.partnerCountries(), m.crossBorder(), m.maxTlp(), report.watchlist().isEmpty(), m.watchlist(),
                    m.hasSubjects(), m.hasPersonalData());
            case 5 -> new PolicyDocument.Match(m.reportTypes(), m.originAgencies(), m.originCountries(), m.partners(),
                    m.partnerCountries(), m.crossBorder(), m.maxTlp(), m.watchlistHit(), m.watchlist(), m.hasSubjects(),
                    !report.hasPersonalData());
            default -> new PolicyDocument.Match(m.reportTypes(), List.of(report.agency().startsWith("US") ? "CN-MPS" : "US-DEA"),
                    m.originCountries(), m.partners(), m.partnerCountries(), m.crossBorder(), m.maxTlp(),
                    m.watchlistHit(), m.watchlist(), m.hasSubjects(), m.hasPersonalData());
        };
    }
}
