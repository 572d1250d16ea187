package org.cnx.sharing.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.cnx.sharing.partner.Partners.Partner;
import org.cnx.sharing.report.IncomingReport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class ReleasePolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Partner CBP = new Partner("US-CBP", "CBP", "US", "https://cbp.example/in", true);

    private final ReleasePolicy policy = new ReleasePolicy(new PolicyConfig() {
        @Override
        public Set<String> autoRelease() {
            return Set.of("CLEAR", "GREEN");
        }

        @Override
        public Set<String> approval() {
            return Set.of("AMBER", "AMBER+STRICT");
        }

        @Override
        public int approvers() {
            return 1;
        }
    });

    private static IncomingReport report(String tlp, String handling) throws Exception {
        String body = "{\"tlp\":\"" + tlp + "\"" + (handling.isEmpty() ? "" : ",\"handling\":" + handling) + "}";
        return new IncomingReport(UUID.randomUUID(), "CN-GACC", "CN", Instant.now(), List.of(), JSON.readTree(body));
    }

    @ParameterizedTest(name = "{0} {1} -> {2} by {3}")
    @CsvSource(delimiter = '|', value = {
        "CLEAR        | ''                                                     | RELEASE | auto-release",
        "GREEN        | ''                                                     | RELEASE | auto-release",
        "AMBER        | ''                                                     | APPROVE | approval-required",
        "RED          | ''                                                     | DENY    | tlp-red",
        "RED          | {\"releasableTo\":[\"US-CBP\"]}                        | DENY    | tlp-red",
        "GREEN        | {\"releasableTo\":[\"US-DEA\"]}                        | DENY    | releasable-to",
        "GREEN        | {\"releasableTo\":[]}                                  | DENY    | releasable-to",
        "AMBER+STRICT | ''                                                     | DENY    | amber-strict",
        "AMBER+STRICT | {\"releasableTo\":[\"US-CBP\"]}                        | APPROVE | amber-strict",
        "GREEN        | {\"originatorControl\":true}                           | APPROVE | originator-control",
        "CLEAR        | {\"originatorControl\":true,\"releasableTo\":[\"US-CBP\"]} | APPROVE | originator-control",
        "PURPLE       | ''                                                     | DENY    | default-deny",
    })
    void decidesInTheDesignOrder(String tlp, String handling, Decision.Action action, String rule) throws Exception {
        Decision decision = policy.decide(report(tlp, handling), CBP);
        assertEquals(action, decision.action());
        assertEquals(rule, decision.rule());
        assertEquals(action == Decision.Action.APPROVE ? 1 : 0, decision.requiredApprovals());
    }
}
