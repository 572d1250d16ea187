package org.cnx.intake.report;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import org.cnx.intake.problem.ProblemException;

/** An opaque position in a newest-first list: the (receivedAt, id) of the last item seen. */
record ReportCursor(Instant receivedAt, UUID id) {

    String encode() {
        String plain = receivedAt + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    static ReportCursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
            return new ReportCursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw new ProblemException(400, "bad-cursor", "Bad Request", "The cursor is not one this API issued.");
        }
    }
}
