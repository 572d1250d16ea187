package org.cnx.sharing.policy;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.partner.Partners.Partner;
import org.cnx.sharing.report.IncomingReport;

/**
 * Decides, per receiving partner, in the order of DESIGN §4: TLP:RED never leaves; releasableTo caps
 * the recipients; AMBER+STRICT goes only to named partners and always needs approval;
 * originatorControl needs approval; then the configured TLP sets; anything else is denied.
 */
@ApplicationScoped
public class ReleasePolicy {

    private final PolicyConfig config;

    ReleasePolicy(PolicyConfig config) {
        this.config = config;
    }

    public Decision decide(IncomingReport report, Partner partner) {
        String tlp = report.tlp();
        List<String> cap = report.releasableTo();
        if ("RED".equals(tlp)) {
            return Decision.deny("tlp-red", "TLP:RED is never released by the exchange");
        }
        if (cap != null && !cap.contains(partner.code())) {
            return Decision.deny("releasable-to", partner.code() + " is not in the originator's releasableTo");
        }
        if ("AMBER+STRICT".equals(tlp)) {
            if (cap == null) {
                return Decision.deny("amber-strict", "TLP:AMBER+STRICT goes only to partners named in releasableTo");
            }
            return approve("amber-strict", "TLP:AMBER+STRICT always needs approval");
        }
        if (report.originatorControl()) {
            return approve("originator-control", "the originator requires approval by its own officers");
        }
        if (config.autoRelease().contains(tlp)) {
            return new Decision(Decision.Action.RELEASE, 0, "auto-release",
                    List.of("TLP:" + tlp + " is released without approval"));
        }
        if (config.approval().contains(tlp)) {
            return approve("approval-required", "TLP:" + tlp + " needs approval");
        }
        return Decision.deny("default-deny", "no rule releases TLP:" + tlp);
    }

    private Decision approve(String rule, String reason) {
        return new Decision(Decision.Action.APPROVE, Math.max(1, config.approvers()), rule,
                List.of(reason, "approval by " + config.approvers() + " officer(s) of the originating country"));
    }
}
