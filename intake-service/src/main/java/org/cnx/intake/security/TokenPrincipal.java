package org.cnx.intake.security;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.eclipse.microprofile.jwt.Claims;
import org.jose4j.jwt.JwtClaims;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

/**
 * A verified token, as smallrye-jwt's own principal, except that reading a claim outside the MicroProfile JWT set
 * ({@code agency}, {@code country}) no longer throws and catches an exception. smallrye-jwt 4.6 finds a claim's type
 * with {@code Claims.valueOf(name)} and falls back to {@code UNKNOWN} in its catch: every request that reads its
 * caller's agency filled in a stack trace of a hundred frames per claim, 4 % of intake's CPU under load (the bench's
 * profile, deploy/bench/RUNS.md, fourteenth session). Here the lookup is a map of the enum's names, with the same
 * answer for every name.
 */
final class TokenPrincipal extends DefaultJWTCallerPrincipal {

    private static final Map<String, Claims> STANDARD = Arrays.stream(Claims.values())
            .collect(Collectors.toUnmodifiableMap(Claims::name, Function.identity()));

    TokenPrincipal(String rawToken, JwtClaims claims) {
        super(rawToken, "JWT", claims);
    }

    @Override
    protected Claims getClaimType(String claimName) {
        return STANDARD.getOrDefault(claimName, Claims.UNKNOWN);
    }
}
