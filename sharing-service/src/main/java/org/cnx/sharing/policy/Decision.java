package org.cnx.sharing.policy;

import java.util.List;

/**
 * The outcome of the policy for one report and one receiving partner, with why: the rule (or the
 * fixed step of DESIGN §4) that decided, the reasons, and the redaction profile of a release.
 */
public record Decision(Action action, int requiredApprovals, String rule, List<String> reasons, String redaction) {

    public enum Action { RELEASE, APPROVE, DENY }

    static Decision deny(String rule, List<String> reasons) {
        return new Decision(Action.DENY, 0, rule, List.copyOf(reasons), null);
    }
}
