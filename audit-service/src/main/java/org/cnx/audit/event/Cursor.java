package org.cnx.audit.event;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.cnx.audit.problem.ProblemException;

/** Opaque page cursor: the last {@code seq} of a page, base64url-encoded. Clients must not parse it. */
final class Cursor {

    private Cursor() {
    }

    static String encode(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
    }

    /** The seq after which to continue; 0 (start of the log) when there is no cursor. */
    static long decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            String digits = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (digits.matches("\\d{1,18}")) {
                return Long.parseLong(digits);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ProblemException(400, "invalid-cursor", "Bad Request",
                "The 'after' cursor is not one this service issued.");
    }
}
