package org.cnx.sharing.security;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

/** A verified token is reused only for its exact text, never past its exp, and at most for the configured time. */
class VerifiedTokensTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final VerifiedTokens tokens = new VerifiedTokens(60_000, 3, now::get);
    private final JsonWebToken principal = new DefaultJWTCallerPrincipal("a.b.c", "JWT", new JwtClaims());

    @Test
    void servedForItsExactTextUntilItsExpiry() {
        tokens.put("a.b.c", principal, now.get() + 10_000);
        assertSame(principal, tokens.get("a.b.c"));
        assertNull(tokens.get("a.b.d"), "another text is another token");
        now.addAndGet(9_999);
        assertSame(principal, tokens.get("a.b.c"));
        now.addAndGet(1);
        assertNull(tokens.get("a.b.c"), "not at or after exp, whatever skew verification allows");
    }

    @Test
    void servedAtMostTheConfiguredTimeAfterTheVerification() {
        tokens.put("a.b.c", principal, now.get() + 3_600_000);
        now.addAndGet(59_999);
        assertSame(principal, tokens.get("a.b.c"));
        now.addAndGet(1);
        assertNull(tokens.get("a.b.c"), "verified again after the time-to-live, so a withdrawn key stops counting");
    }

    @Test
    void boundedAndOffWithAZeroTimeToLive() {
        for (int i = 0; i < 4; i++) {
            tokens.put("t" + i, principal, now.get() + 10_000);
        }
        assertNull(tokens.get("t0"), "a full cache starts again empty");
        assertSame(principal, tokens.get("t3"));

        VerifiedTokens off = new VerifiedTokens(0, 3, now::get);
        off.put("a.b.c", principal, now.get() + 10_000);
        assertNull(off.get("a.b.c"));
    }
}
