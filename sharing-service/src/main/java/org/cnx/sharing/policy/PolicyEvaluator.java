package org.cnx.sharing.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.cnx.sharing.report.IncomingReport;

/**
 * Decides for one report and one receiving partner, in the order of DESIGN §4:
 * <ol>
 * <li>TLP:RED (or no known TLP) is never released;</li>
 * <li>{@code releasableTo} caps the recipients, and so does the partner's registry entry (accepted
 * report types, maximum TLP);</li>
 * <li>AMBER+STRICT goes only to partners named in {@code releasableTo} and always needs approval;</li>
 * <li>{@code originatorControl} needs approval by an officer of the originating country;</li>
 * <li>then the policy's rules, first match wins; no match → deny.</li>
 * </ol>
 * Steps 3 and 4 set a floor of one approval under whatever the matching rule says; they never release
 * what no rule releases. Pure: no I/O, no clock.
 */
public final class PolicyEvaluator {

    private PolicyEvaluator() {
    }

    public static Decision decide(IncomingReport report, Recipient partner, PolicyDocument policy) {
        Optional<Tlp> label = Tlp.parse(report.tlp());
        if (label.isEmpty()) {
            return Decision.deny("tlp-unknown", List.of("the report carries no known TLP label"));
        }
        Tlp tlp = label.get();
        if (tlp == Tlp.RED) {
            return Decision.deny("tlp-red", List.of("TLP:RED is never released by the exchange"));
        }
        List<String> cap = report.releasableTo();
        if (cap != null && !cap.contains(partner.code())) {
            return Decision.deny("releasable-to",
                    List.of(partner.code() + " is not in the originator's releasableTo " + cap));
        }
        if (!partner.acceptedTypes().contains(report.type())) {
            return Decision.deny("partner-types",
                    List.of(partner.code() + " does not accept reports of type " + report.type()));
        }
        if (!tlp.atMost(partner.maxTlp())) {
            return Decision.deny("partner-max-tlp",
                    List.of(partner.code() + " accepts at most TLP:" + partner.maxTlp() + ", the report is TLP:" + tlp));
        }
        int floor = 0;
        List<String> conditions = new ArrayList<>();
        if (tlp == Tlp.AMBER_STRICT) {
            if (cap == null) {
                return Decision.deny("amber-strict",
                        List.of("TLP:AMBER+STRICT goes only to partners named in releasableTo, and it names none"));
            }
            floor = 1;
            conditions.add("TLP:AMBER+STRICT always needs approval");
        }
        if (report.originatorControl()) {
            floor = 1;
            conditions.add("originator control: an officer of " + report.country() + " must approve");
        }
        if (report.originatorPermissionRequired()) {
            // the exchange cannot give the originator's permission for it: an officer of the originator's country does
            floor = 1;
            conditions.add("use restricted to the originator's permission: an officer of " + report.country()
                    + " must approve");
        }
        List<PolicyDocument.Rule> rules = policy.rules() == null ? List.of() : policy.rules();
        for (PolicyDocument.Rule rule : rules) {
            Optional<List<String>> why = matches(rule.match(), report, tlp, partner);
            if (why.isEmpty()) {
                continue;
            }
            List<String> reasons = new ArrayList<>(why.get());
            Decision.Action action = Decision.Action.valueOf(rule.action());
            if (action == Decision.Action.DENY) {
                reasons.add("rule " + rule.id() + " denies");
                return Decision.deny(rule.id(), reasons);
            }
            int approvers = action != Decision.Action.APPROVE ? 0
                    : rule.approvers() == null ? 1 : Math.max(1, rule.approvers());
            int required = Math.max(approvers, floor);
            if (action == Decision.Action.RELEASE && required == 0) {
                reasons.add("rule " + rule.id() + " releases without approval");
                return new Decision(Decision.Action.RELEASE, 0, rule.id(), List.copyOf(reasons), rule.redaction());
            }
            reasons.add("rule " + rule.id() + (action == Decision.Action.RELEASE ? " releases" : " needs approval")
                    + "; approval by " + required + " distinct officer(s) of " + report.country());
            reasons.addAll(conditions);
            return new Decision(Decision.Action.APPROVE, required, rule.id(), List.copyOf(reasons), rule.redaction());
        }
        return Decision.deny("default-deny", List.of("no rule of the policy matches: denied by default"));
    }

    /** Why the rule's conditions hold, one reason per condition; empty when one does not. */
    static Optional<List<String>> matches(PolicyDocument.Match m, IncomingReport report, Tlp tlp, Recipient partner) {
        List<String> why = new ArrayList<>();
        if (m == null) {
            why.add("the rule matches every report");
            return Optional.of(why);
        }
        if (m.reportTypes() != null) {
            if (!m.reportTypes().contains(report.type())) {
                return Optional.empty();
            }
            why.add("report type " + report.type());
        }
        if (m.originAgencies() != null) {
            if (!m.originAgencies().contains(report.agency())) {
                return Optional.empty();
            }
            why.add("originating agency " + report.agency());
        }
        if (m.originCountries() != null) {
            if (!m.originCountries().contains(report.country())) {
                return Optional.empty();
            }
            why.add("originating country " + report.country());
        }
        if (m.partners() != null) {
            if (!m.partners().contains(partner.code())) {
                return Optional.empty();
            }
            why.add("receiving partner " + partner.code());
        }
        if (m.partnerCountries() != null) {
            if (!m.partnerCountries().contains(partner.country())) {
                return Optional.empty();
            }
            why.add("receiving country " + partner.country());
        }
        if (m.crossBorder() != null) {
            boolean cross = !partner.country().equals(report.country());
            if (m.crossBorder() != cross) {
                return Optional.empty();
            }
            why.add(cross ? "the receiving partner is in another country (" + partner.country() + ")"
                    : "the receiving partner is in the originating country");
        }
        if (m.maxTlp() != null) {
            Tlp ceiling = Tlp.parse(m.maxTlp()).orElseThrow();
            if (!tlp.atMost(ceiling)) {
                return Optional.empty();
            }
            why.add("TLP:" + tlp + " is within the ceiling TLP:" + ceiling);
        }
        List<String> hits = report.watchlist();
        if (m.watchlistHit() != null) {
            if (m.watchlistHit() == hits.isEmpty()) {
                return Optional.empty();
            }
            why.add(hits.isEmpty() ? "no watch-list hit" : "watch-list hit: " + String.join(", ", hits));
        }
        if (m.watchlist() != null) {
            Set<String> wanted = m.watchlist().stream().map(w -> w.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            List<String> found = hits.stream().filter(h -> wanted.contains(h.toLowerCase(Locale.ROOT))).toList();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            why.add("watch-list hit on " + String.join(", ", found));
        }
        if (m.hasSubjects() != null) {
            if (m.hasSubjects() != report.hasSubjects()) {
                return Optional.empty();
            }
            why.add(report.hasSubjects() ? "subjects are named" : "no subject is named");
        }
        if (m.hasPersonalData() != null) {
            if (m.hasPersonalData() != report.hasPersonalData()) {
                return Optional.empty();
            }
            why.add(report.hasPersonalData() ? "personal data (a PERSON subject) is present" : "no personal data");
        }
        return Optional.of(why);
    }
}
