package org.cnx.audit.event;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;

public enum Outcome {
    SUCCESS,
    FAILURE,
    DENIED;

    /** Exact names only: no ordinals, no other case. */
    @JsonCreator
    public static Outcome of(String name) {
        return Arrays.stream(values()).filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown outcome"));
    }
}
