package org.cnx.audit.log;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Result of {@code GET /api/v1/log/verification}: {@code size} events were read and recomputed, giving {@code root};
 * {@code valid} when every event agrees with its leaf hash and every signed head up to the latest ({@code checkpoint})
 * matches the recomputed tree. Otherwise {@code firstInvalidSeq} is the earliest event found changed or missing (for
 * a signed head that no longer matches, the first event after the last head that does, unless one there gave itself
 * away; null when no fault is in an event, e.g. a head whose signature fails), {@code reason} says what was found
 * there (or first, when no fault is in an event), and
 * {@code faults} lists every fault found (the first {@link #MAX_FAULTS}; {@code faultCount} counts them all): one
 * fault must not hide the others, such as a row of junk the application's role may insert ahead of a rewritten event.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Verification(boolean valid, long size, String root, Long firstInvalidSeq, String reason,
        List<String> faults, long faultCount, Checkpoint checkpoint) {

    public static final int MAX_FAULTS = 100;
}
