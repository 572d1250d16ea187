package org.cnx.intake.report;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import org.cnx.intake.problem.ProblemException;

/** An opaque position in a newest-first list: the (receivedAt, id) of the last item seen. */
record ReportCursor(Instant receivedAt, UUID id) {

    /**
     * The instants a list takes, the years 1 to 9999 that ISO-8601 writes with four digits. PostgreSQL's timestamps
     * end in 294276 and begin in 4713 BC: a filter past either answered a 500.
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    static boolean listable(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }

    String encode() {
        String plain = receivedAt + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position {@code cursor} holds, or null for the first page; a 400 for any text {@link #encode} does not write
     * (parsing alone took "+1-0-0-0-0" or other scripts' digits for an id, a lower-case or offset instant, a part
     * past the second, and spaces for the first page).
     */
    static ReportCursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
            Instant receivedAt = Instant.parse(parts[0]);
            if (!listable(receivedAt)) {
                throw new IllegalArgumentException("out of range: " + receivedAt);
            }
            ReportCursor position = new ReportCursor(receivedAt, UUID.fromString(parts[1]));
            if (!position.encode().equals(cursor)) {
                throw new IllegalArgumentException("not as issued");
            }
            return position;
        } catch (RuntimeException e) {
            throw new ProblemException(400, "bad-cursor", "Bad Request", "The cursor is not one this API issued.");
        }
    }
}
