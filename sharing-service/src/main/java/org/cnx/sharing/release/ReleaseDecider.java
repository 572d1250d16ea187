package org.cnx.sharing.release;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.policy.Decision;
import org.cnx.sharing.policy.PolicyEvaluator;
import org.cnx.sharing.policy.PolicyService;
import org.cnx.sharing.policy.Recipient;
import org.cnx.sharing.report.IncomingReport;

/**
 * The decision and, unless denied, the redacted record for one report and one partner: the single
 * code path behind stored releases and dry runs.
 */
@ApplicationScoped
public class ReleaseDecider {

    /** {@code record} is null when the decision is DENY. */
    public record Assessment(Decision decision, int policyVersion, ReleaseRecords.Prepared record) {
    }

    private final ReleaseRecords records;

    ReleaseDecider(ReleaseRecords records) {
        this.records = records;
    }

    public Assessment assess(IncomingReport report, Recipient partner, PolicyService.Active policy) {
        Decision decision = PolicyEvaluator.decide(report, partner, policy.document());
        if (decision.action() == Decision.Action.DENY) {
            return new Assessment(decision, policy.version(), null);
        }
        return new Assessment(decision, policy.version(),
                records.prepare(report, partner.code(), policy.document().profile(decision.redaction())));
    }
}
