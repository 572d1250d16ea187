package org.cnx.audit.event;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cnx.audit.problem.ProblemException;

/**
 * Opaque page cursor, base64url-encoded: the last {@code seq} of a page and the log's size when the walk began, so a
 * walk ends even though each page appends its own {@code AUDIT_QUERIED} event. Clients must not parse it.
 */
record Cursor(long after, long upTo) {

    /** Cursors of earlier versions carry no size: their walk is bounded by the log's size at the next page. */
    static final long UNBOUNDED = -1;

    private static final Pattern FORM = Pattern.compile("(\\d{1,18})(?:\\.(\\d{1,18}))?");

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((after + "." + upTo).getBytes(StandardCharsets.US_ASCII));
    }

    /** Where to continue; {@code after} 0 and no bound (the start of a walk) when there is no cursor. */
    static Cursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return new Cursor(0, UNBOUNDED);
        }
        try {
            Matcher m = FORM.matcher(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
            if (m.matches()) {
                long after = Long.parseLong(m.group(1));
                long upTo = m.group(2) == null ? UNBOUNDED : Long.parseLong(m.group(2));
                if (upTo == UNBOUNDED || after <= upTo) {
                    return new Cursor(after, upTo);
                }
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ProblemException(400, "invalid-cursor", "Bad Request",
                "The 'after' cursor is not one this service issued.");
    }
}
