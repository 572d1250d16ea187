package org.cnx.sharing.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cnx.sharing.report.IncomingReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

class PolicyEvaluatorTest {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final PolicyDocument INITIAL = PolicyService.initialDocument(JSON);
    private static final Recipient CBP = Facts.partner("US-CBP");

    /** Releases everything; only the fixed steps stand in its way. */
    private static final PolicyDocument RELEASE_ALL = new PolicyDocument(null,
            List.of(new PolicyDocument.Rule("all", null, null, "RELEASE", null, null)), Map.of());

    private static IncomingReport report(String tlp, String handling) throws Exception {
        String body = "{\"type\":\"SEIZURE\",\"tlp\":\"" + tlp + "\"" + (handling.isEmpty() ? "" : ",\"handling\":" + handling) + "}";
        return new IncomingReport(java.util.UUID.randomUUID(), "CN-GACC", "CN", java.time.Instant.now(), List.of(),
                JSON.readTree(body));
    }

    @ParameterizedTest(name = "{0} {1} -> {2} by {3}")
    @CsvSource(delimiter = '|', value = {
        "CLEAR        | ''                                                         | RELEASE | all",
        "AMBER        | ''                                                         | RELEASE | all",
        "RED          | ''                                                         | DENY    | tlp-red",
        "RED          | {\"releasableTo\":[\"US-CBP\"],\"originatorControl\":true} | DENY    | tlp-red",
        "PURPLE       | ''                                                         | DENY    | tlp-unknown",
        "GREEN        | {\"releasableTo\":[\"US-DEA\"]}                            | DENY    | releasable-to",
        "GREEN        | {\"releasableTo\":[]}                                      | DENY    | releasable-to",
        "AMBER+STRICT | ''                                                         | DENY    | amber-strict",
        "AMBER+STRICT | {\"releasableTo\":[\"US-CBP\"]}                            | APPROVE | all",
        "GREEN        | {\"originatorControl\":true}                               | APPROVE | all",
        "CLEAR        | {\"originatorControl\":true,\"releasableTo\":[\"US-CBP\"]} | APPROVE | all",
        // a use restricted to the originator's permission left at once, with the label inside the record only
        "GREEN        | {\"useRestriction\":\"ORIGINATOR_PERMISSION_REQUIRED\"}     | APPROVE | all",
        "GREEN        | {\"useRestriction\":\"NO_JUDICIAL_USE\"}                    | RELEASE | all",
    })
    void theFixedStepsComeFirstInTheDesignOrder(String tlp, String handling, Decision.Action action, String rule)
            throws Exception {
        Decision decision = PolicyEvaluator.decide(report(tlp, handling), CBP, RELEASE_ALL);
        assertEquals(action, decision.action(), decision.reasons().toString());
        assertEquals(rule, decision.rule());
        assertEquals(action == Decision.Action.APPROVE ? 1 : 0, decision.requiredApprovals());
    }

    @Test
    void thePartnersRegistryEntryCapsToo() throws Exception {
        Recipient seizuresOnlyUpToGreen = new Recipient("US-CBP", "US", Set.of("SEIZURE"), Tlp.GREEN);
        Decision tooHigh = PolicyEvaluator.decide(report("AMBER", ""), seizuresOnlyUpToGreen, RELEASE_ALL);
        assertEquals("partner-max-tlp", tooHigh.rule());
        assertEquals(Decision.Action.DENY, tooHigh.action());
        Recipient shipmentsOnly = new Recipient("US-CBP", "US", Set.of("PRECURSOR_SHIPMENT"), Tlp.AMBER_STRICT);
        Decision decision = PolicyEvaluator.decide(report("GREEN", ""), shipmentsOnly, RELEASE_ALL);
        assertEquals("partner-types", decision.rule());
        assertEquals(Decision.Action.DENY, decision.action());
        assertEquals(List.of("US-CBP does not accept reports of type SEIZURE"), decision.reasons());
    }

    @Test
    void aRuleAsksForAtLeastWhatTheHandlingAsksFor() throws Exception {
        PolicyDocument twoApprovers = new PolicyDocument(null,
                List.of(new PolicyDocument.Rule("two", null, null, "APPROVE", 2, null)), Map.of());
        Decision decision = PolicyEvaluator.decide(report("GREEN", "{\"originatorControl\":true}"), CBP, twoApprovers);
        assertEquals(Decision.Action.APPROVE, decision.action());
        assertEquals(2, decision.requiredApprovals());
        assertTrue(decision.reasons().contains("originator control: an officer of CN must approve"), decision.reasons().toString());
    }

    @Test
    void aDenyingRuleDeniesAndTheFirstMatchWins() throws Exception {
        PolicyDocument policy = new PolicyDocument(null, List.of(
                new PolicyDocument.Rule("no-seizures", null, new PolicyDocument.Match(List.of("SEIZURE"), null, null,
                        null, null, null, null, null, null, null, null), "DENY", null, null),
                new PolicyDocument.Rule("all", null, null, "RELEASE", null, null)), Map.of());
        Decision decision = PolicyEvaluator.decide(report("CLEAR", ""), CBP, policy);
        assertEquals(Decision.Action.DENY, decision.action());
        assertEquals("no-seizures", decision.rule());
        assertEquals(List.of("report type SEIZURE", "rule no-seizures denies"), decision.reasons());
    }

    // --- the initial policy (policy/initial-policy.json) ---

    private static IncomingReport foundingCase() {
        return Facts.report("CN-GACC", "PRECURSOR_SHIPMENT", "AMBER", List.of("US-CBP", "US-DEA"), true,
                List.of("ANPP"), List.of("PERSON", "COMPANY"));
    }

    @Test
    void foundingCaseReachesCbpAfterTwoCnApprovalsWithoutPersonalData() {
        Decision decision = PolicyEvaluator.decide(foundingCase(), Facts.partner("US-CBP"), INITIAL);
        assertEquals(Decision.Action.APPROVE, decision.action());
        assertEquals(2, decision.requiredApprovals());
        assertEquals("cn-watchlist-to-cbp", decision.rule());
        assertEquals("no-personal-data", decision.redaction());
        assertEquals(List.of("originating country CN", "receiving partner US-CBP",
                "TLP:AMBER is within the ceiling TLP:AMBER+STRICT", "watch-list hit: ANPP",
                "rule cn-watchlist-to-cbp needs approval; approval by 2 distinct officer(s) of CN",
                "originator control: an officer of CN must approve"), decision.reasons());
    }

    @Test
    void foundingCaseIsDeniedToDeaByDefault() {
        Decision decision = PolicyEvaluator.decide(foundingCase(), Facts.partner("US-DEA"), INITIAL);
        assertEquals(Decision.Action.DENY, decision.action());
        assertEquals("default-deny", decision.rule());
        assertNull(decision.redaction());
    }

    @ParameterizedTest(name = "{0} → {1}: {2} {3}")
    @CsvSource({
        // the end-to-end journey: an AMBER US report without personal data, to the other country, one approval
        "US-CBP, CN-NNCC, AMBER, APPROVE, 1, amber-cross-border",
        "US-DEA, CN-MPS, GREEN, RELEASE, 0, green-cross-border",
        "US-DEA, CN-MPS, CLEAR, RELEASE, 0, green-cross-border",
        "US-DEA, US-CBP, GREEN, DENY, 0, default-deny",
        "CN-GACC, CN-NNCC, CLEAR, DENY, 0, default-deny",
        "CN-GACC, US-CBP, GREEN, APPROVE, 2, cn-watchlist-to-cbp",
        "CN-GACC, US-HSI, AMBER, APPROVE, 1, amber-cross-border",
        "CN-GACC, US-HSI, AMBER+STRICT, DENY, 0, amber-strict",
    })
    void theInitialPolicyWithoutPersonalData(String origin, String partner, String tlp, Decision.Action action,
            int approvers, String rule) {
        Decision decision = PolicyEvaluator.decide(Facts.report(origin, tlp), Facts.partner(partner), INITIAL);
        assertEquals(action, decision.action(), decision.reasons().toString());
        assertEquals(approvers, decision.requiredApprovals());
        assertEquals(rule, decision.rule());
    }
}
