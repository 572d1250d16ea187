package org.cnx.sharing.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

/** The principal answers every claim as smallrye-jwt's own does, custom claims included. */
class TokenPrincipalTest {

    private static JwtClaims claims() {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://idp.cnx.local");
        claims.setSubject("officer-1");
        claims.setAudience("cnx");
        claims.setIssuedAt(NumericDate.fromSeconds(1_700_000_000));
        claims.setExpirationTime(NumericDate.fromSeconds(1_700_000_300));
        claims.setJwtId("jti-1");
        claims.setStringListClaim("groups", "partner", "auditor");
        claims.setClaim("agency", "US-CBP");
        claims.setClaim("country", "US");
        return claims;
    }

    @Test
    void readsEveryClaimAsSmallryeJwtDoes() {
        JsonWebToken ours = new TokenPrincipal("a.b.c", claims());
        JsonWebToken theirs = new DefaultJWTCallerPrincipal("a.b.c", "JWT", claims());
        for (String name : List.of("iss", "sub", "aud", "iat", "exp", "jti", "groups", "agency", "country", "raw_token")) {
            assertEquals(String.valueOf((Object) theirs.getClaim(name)), String.valueOf((Object) ours.getClaim(name)), name);
        }
        assertEquals("US-CBP", ours.getClaim("agency"));
        assertEquals("US", ours.getClaim("country"));
        assertNull(ours.getClaim("nickname"), "an absent claim stays absent");
        assertEquals(theirs.getClaimNames(), ours.getClaimNames());
        assertEquals(theirs.getGroups(), ours.getGroups());
        assertEquals(theirs.getName(), ours.getName());
        assertEquals(1_700_000_300L, ours.getExpirationTime());
    }

    @Test
    void findsEachClaimTypeWithoutAnException() {
        TokenPrincipal principal = new TokenPrincipal("a.b.c", claims());
        for (Claims claim : Claims.values()) {
            assertEquals(claim, principal.getClaimType(claim.name()));
        }
        assertEquals(Claims.UNKNOWN, principal.getClaimType("agency"));
        assertEquals(Claims.UNKNOWN, principal.getClaimType("ISS"), "names are case-sensitive, as Claims.valueOf");
    }
}
