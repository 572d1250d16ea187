package org.cnx.audit.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Tokens that passed every check, by their exact text, so that a partner system sending the same token with each
 * request (identity-provider tokens live up to an hour) pays for one RS256 verification and parse, not one per
 * request. An entry serves only until the token's own {@code exp} (the skew that verification tolerates is not
 * extended to it) and at most {@code ttl} after the verification. A token that differs by one character is another
 * key; a refused token is never kept.
 */
final class VerifiedTokens {

    private record Entry(JsonWebToken token, long usableUntilMillis) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlMillis;
    private final int maxEntries;
    private final LongSupplier clock;

    VerifiedTokens(long ttlMillis, int maxEntries, LongSupplier clock) {
        this.ttlMillis = ttlMillis;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** The verified token for exactly this text, or null. */
    JsonWebToken get(String raw) {
        Entry entry = entries.get(raw);
        if (entry == null) {
            return null;
        }
        if (clock.getAsLong() >= entry.usableUntilMillis()) {
            entries.remove(raw, entry);
            return null;
        }
        return entry.token();
    }

    /** Keeps a token that was just verified; {@code expiresAtMillis} is its {@code exp}. */
    void put(String raw, JsonWebToken token, long expiresAtMillis) {
        if (ttlMillis <= 0 || maxEntries <= 0) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(raw, new Entry(token, Math.min(expiresAtMillis, clock.getAsLong() + ttlMillis)));
    }
}
