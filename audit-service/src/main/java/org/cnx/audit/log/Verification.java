package org.cnx.audit.log;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Result of {@code GET /api/v1/log/verification}: {@code size} events were read and recomputed, giving {@code root};
 * {@code valid} when every event agrees with its leaf hash and every signed head up to the latest ({@code checkpoint})
 * matches the recomputed tree. Otherwise {@code firstInvalidSeq} is the first event found changed or missing (null
 * when the fault is not in an event, e.g. a head whose signature fails) and {@code reason} says what was found.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Verification(boolean valid, long size, String root, Long firstInvalidSeq, String reason,
        Checkpoint checkpoint) {
}
