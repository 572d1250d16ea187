package org.cnx.sharing.paging;

import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Collectors;

import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.report.IncomingReport;

/**
 * The list endpoints' query parameters, read from their text: a value that is not one answers 400 naming the
 * parameter and what it accepts. Taken as typed parameters, JAX-RS answers a failed conversion of a query parameter
 * with an empty 404, as if the list did not exist.
 */
public final class QueryParams {

    public static final int MAX_LIMIT = 100;
    private static final int DEFAULT_LIMIT = 50;

    private QueryParams() {
    }

    /** The page size: 50 when absent, otherwise 1 to {@link #MAX_LIMIT}. */
    public static int limit(String text) {
        if (blank(text)) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw invalid("limit", "must be a whole number between 1 and " + MAX_LIMIT + ": " + text);
        }
        return limit;
    }

    /** One of {@code type}'s constants, by name; null when absent. */
    public static <E extends Enum<E>> E constant(String name, String text, Class<E> type) {
        if (blank(text)) {
            return null;
        }
        try {
            return Enum.valueOf(type, text.strip());
        } catch (IllegalArgumentException e) {
            String accepted = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
            throw invalid(name, "must be one of " + accepted + ": " + text);
        }
    }

    /** A UUID; null when absent. */
    public static UUID uuid(String name, String text) {
        if (blank(text)) {
            return null;
        }
        try {
            return UUID.fromString(text.strip());
        } catch (IllegalArgumentException e) {
            throw invalid(name, "is not a UUID: " + text);
        }
    }

    /** A partner code; null when absent. Nothing else can match, and PostgreSQL cannot compare with U+0000. */
    public static String partner(String text) {
        if (blank(text)) {
            return null;
        }
        if (!text.strip().matches(IncomingReport.AGENCY)) {
            throw invalid("partner", "is not a partner code (" + IncomingReport.AGENCY_IN_WORDS + "): " + text);
        }
        return text.strip();
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static ProblemException invalid(String name, String message) {
        return new ProblemException(400, "invalid-parameter", "Bad Request",
                "Query parameter '" + name + "' " + message + ".");
    }
}
