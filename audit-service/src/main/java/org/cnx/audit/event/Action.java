package org.cnx.audit.event;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;

/** What happened in the exchange (DESIGN §4); a new kind of step is a new constant here. */
public enum Action {
    REPORT_RECEIVED,
    REPORT_REJECTED,
    REPORT_WITHDRAWN,
    RELEASE_DECIDED,
    RELEASE_APPROVED,
    RELEASE_REJECTED,
    RELEASE_CANCELLED,
    DELIVERY_ATTEMPTED,
    DELIVERY_SUCCEEDED,
    DELIVERY_FAILED,
    DELIVERY_DEAD,
    DELIVERY_REQUEUED,
    RECALL_SENT,
    POLICY_CHANGED,
    PARTNER_CHANGED,
    ACCESS_DENIED,
    AUDIT_QUERIED;

    /** Exact names only: no ordinals, no other case. */
    @JsonCreator
    public static Action of(String name) {
        return Arrays.stream(values()).filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown action"));
    }
}
