package org.cnx.sharing.paging;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.cnx.sharing.problem.ProblemException;

/** Opaque list cursors: the position after which the next page starts, base64url-encoded. */
public final class Cursor {

    private Cursor() {
    }

    public static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    public static String encode(long seq) {
        return encode(Long.toString(seq));
    }

    /**
     * The position in {@code cursor}, which must be of the shape this API writes there ({@code issued}, a regular
     * expression), or "" for the first page. Any text is base64url of something: a partner code given as the cursor
     * itself ({@code after=US-CBP}) decoded to bytes that listed from somewhere else, unsaid.
     */
    public static String decode(String cursor, String issued) {
        String position = decode(cursor);
        if (!position.isEmpty() && !position.matches(issued)) {
            throw badCursor();
        }
        return position;
    }

    /** The position in {@code cursor}, or "" for the first page. */
    private static String decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return "";
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    /** The sequence number in {@code cursor}, or 0 for the first page. */
    public static long decodeSeq(String cursor) {
        // the digits Long.toString writes: Long.parseLong also took a sign and other scripts' digits, so that "-1"
        // listed from the start and "+5" or Arabic-Indic digits from 5
        String position = decode(cursor, "0|[1-9][0-9]{0,18}");
        if (position.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw badCursor();
        }
    }

    private static ProblemException badCursor() {
        return new ProblemException(400, "bad-cursor", "Bad Request", "The cursor is not one this API issued.");
    }
}
