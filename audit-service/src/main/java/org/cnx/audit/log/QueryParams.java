package org.cnx.audit.log;

import java.util.regex.Pattern;

/** Query parameters taken as text, so that a malformed one is a 400 problem rather than JAX-RS's 404. */
final class QueryParams {

    /** Digits only, as the proof URLs are written: no {@code +}, no spaces, no fractions. */
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

    private QueryParams() {
    }

    /**
     * {@code text} as a number. One too large for a long is taken as the largest (or smallest) long, so that the
     * caller's range check says what the range is rather than calling it malformed.
     */
    static long requiredLong(String name, String text) {
        if (text == null || text.isEmpty()) {
            throw ProofService.badParameter(name, "is required");
        }
        if (!INTEGER.matcher(text).matches()) {
            throw ProofService.badParameter(name, "is not a whole number written in digits: " + text);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException tooLarge) {
            return text.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
