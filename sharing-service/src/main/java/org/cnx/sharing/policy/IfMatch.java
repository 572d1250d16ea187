package org.cnx.sharing.policy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cnx.sharing.problem.ProblemException;

/**
 * An {@code If-Match} (RFC 9110 §13.1.1): {@code *}, or a list of entity tags compared strongly with the current
 * one: the policy in force's ({@code "3"}), a partner entry's. A weak tag ({@code W/"3"}) never matches, and
 * {@code *} needs something current. It was read as one tag, weak or not: {@code W/"3"} matched and
 * {@code "2", "3"} was refused.
 * <p>
 * Or an {@code If-None-Match} ({@code none}, §13.1.2), which holds where the If-Match would not: {@code *} to create
 * only what does not exist yet. It was ignored, and a PUT of a partner "if none" replaced the entry registered.
 */
public record IfMatch(boolean any, Set<String> tags, boolean none) {

    /** One list element: an entity tag, then a comma (empty elements are allowed, RFC 9110 §5.6.1.2) or the end. */
    private static final Pattern TAG = Pattern.compile("[\\s,]*(W/)?\"([^\"]*)\"\\s*(?:,[\\s,]*|$)");

    /** The header as sent; null when there is none (change whatever is current). */
    public static IfMatch parse(String header) {
        return parse(header, false);
    }

    /** The If-Match or the If-None-Match sent (both at once is a 400); null when neither. */
    public static IfMatch parse(String ifMatch, String ifNoneMatch) {
        boolean none = ifNoneMatch != null && !ifNoneMatch.isBlank();
        if (none && ifMatch != null && !ifMatch.isBlank()) {
            throw new ProblemException(400, "validation", "Bad Request",
                    "Send If-Match or If-None-Match, not both.");
        }
        return none ? parse(ifNoneMatch, true) : parse(ifMatch, false);
    }

    private static IfMatch parse(String header, boolean none) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (header.trim().equals("*")) {
            return new IfMatch(true, Set.of(), none);
        }
        Set<String> tags = new LinkedHashSet<>();
        Matcher tag = TAG.matcher(header);
        int at = 0;
        while (at < header.length()) {
            if (!tag.find(at) || tag.start() != at) {
                throw malformed(none);
            }
            // compared strongly, character by character with the ETag "3": "03" is another tag; an If-None-Match
            // weakly (RFC 9110 §13.1.2): W/"3" names "3" too
            if (tag.group(1) == null || none) {
                tags.add(tag.group(2));
            }
            at = tag.end();
        }
        return new IfMatch(false, Set.copyOf(tags), none);
    }

    /** Whether the version in force ({@code 0}: none) is one the publisher means. */
    public boolean matches(int current) {
        return matches(current > 0 ? Integer.toString(current) : null);
    }

    /**
     * Whether the precondition holds for the current entity tag's value ({@code null}: nothing current): it is one
     * an If-Match names, or none an If-None-Match names.
     */
    public boolean matches(String current) {
        boolean named = current != null && (any || tags.contains(current)); // Set.copyOf's contains(null) throws
        return named != none;
    }

    /** The header and what it names, as a refusal says it. */
    @Override
    public String toString() {
        return (none ? "If-None-Match" : "If-Match") + " names "
                + (any ? "*" : tags.isEmpty() ? "no tag (a weak tag never matches)" : "tag(s) " + tags);
    }

    /**
     * A 400: a 412 said the policy or the entry had changed since it was read (the policy's type, for a partner's
     * entry too), and a client re-read and sent the same unquoted tag again.
     */
    private static ProblemException malformed(boolean none) {
        return new ProblemException(400, "invalid-header", "Bad Request", (none ? "If-None-Match" : "If-Match")
                + " must be an ETag as GET returns it, quotes included, e.g. \"3\", a list of them, or *.");
    }
}
