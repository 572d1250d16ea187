package org.cnx.sharing.policy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cnx.sharing.problem.ProblemException;

/**
 * A publish's {@code If-Match} (RFC 9110 §13.1.1): {@code *}, or a list of entity tags compared strongly with the
 * version in force's ETag ({@code "3"}). A weak tag ({@code W/"3"}) never matches, and {@code *} needs a version in
 * force. It was read as one tag, weak or not: {@code W/"3"} matched and {@code "2", "3"} was refused.
 */
public record IfMatch(boolean any, Set<Integer> versions) {

    /** One list element: an entity tag, then a comma (empty elements are allowed, RFC 9110 §5.6.1.2) or the end. */
    private static final Pattern TAG = Pattern.compile("[\\s,]*(W/)?\"([^\"]*)\"\\s*(?:,[\\s,]*|$)");

    /** The header as sent; null when there is none (publish after whatever is in force). */
    public static IfMatch parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (header.trim().equals("*")) {
            return new IfMatch(true, Set.of());
        }
        Set<Integer> versions = new LinkedHashSet<>();
        Matcher tag = TAG.matcher(header);
        int at = 0;
        while (at < header.length()) {
            if (!tag.find(at) || tag.start() != at) {
                throw malformed();
            }
            // compared strongly, character by character with the ETag "3": "03" is another tag
            if (tag.group(1) == null && tag.group(2).matches("0|[1-9]\\d{0,8}")) {
                versions.add(Integer.parseInt(tag.group(2)));
            }
            at = tag.end();
        }
        return new IfMatch(false, Set.copyOf(versions));
    }

    /** Whether the version in force ({@code 0}: none) is one the publisher means. */
    public boolean matches(int current) {
        return any ? current > 0 : versions.contains(current);
    }

    @Override
    public String toString() {
        return any ? "*" : versions.isEmpty() ? "no version (a weak tag never matches)" : "version(s) " + versions;
    }

    private static ProblemException malformed() {
        return new ProblemException(412, "version-changed", "Precondition Failed",
                "If-Match must be the ETag of GET /api/v1/policy, e.g. \"3\", a list of them, or *.");
    }
}
