package org.cnx.sharing.policy;

import java.util.List;

/** The outcome of the policy for one report and one receiving partner, with why. */
public record Decision(Action action, int requiredApprovals, String rule, List<String> reasons) {

    public enum Action { RELEASE, APPROVE, DENY }

    static Decision deny(String rule, String reason) {
        return new Decision(Action.DENY, 0, rule, List.of(reason));
    }
}
