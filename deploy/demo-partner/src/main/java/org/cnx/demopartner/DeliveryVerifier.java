package org.cnx.demopartner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.http.Get;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Checks a delivery the way a partner must (DESIGN §3): an RS256 token from {@code cnx-sharing}, verified with
 * a key from sharing-service's JWKS, addressed to this partner ({@code aud}), not expired, whose {@code jti} is
 * the delivery id of the request and whose {@code body_sha256} is the SHA-256 of the exact bytes received.
 */
@ApplicationScoped
public class DeliveryVerifier {

    static final String BODY_SHA256_CLAIM = "body_sha256";
    private static final String BEARER = "Bearer ";
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final DemoPartnerConfig config;
    private final HttpsJwksVerificationKeyResolver keys;

    public DeliveryVerifier(DemoPartnerConfig config) {
        this.config = config;
        Get http = new Get();
        int timeoutMillis = Math.toIntExact(config.jwksTimeout().toMillis());
        http.setConnectTimeout(timeoutMillis);
        http.setReadTimeout(timeoutMillis);
        http.setRetries(1);
        HttpsJwks jwks = new HttpsJwks(config.jwksUrl());
        jwks.setSimpleHttpGet(http);
        // Accepts http:// too (the dev sharing-service); re-fetches the set when a token names an unknown kid.
        this.keys = new HttpsJwksVerificationKeyResolver(jwks);
    }

    /** A delivery whose token checked out: its id, the signing key's kid, the SHA-256 (hex) of its body's bytes. */
    public record Verified(String deliveryId, String kid, String bodySha256) {
    }

    /** Returns the verified delivery, or throws {@link DeliveryRejectedException} saying why not. */
    public Verified verify(String partnerCode, String authorization, String deliveryIdHeader, byte[] body) {
        String token = bearerToken(authorization);
        if (deliveryIdHeader == null || !UUID.matcher(deliveryIdHeader).matches()) {
            throw DeliveryRejectedException.unauthorized("X-Cnx-Delivery-Id header missing or not a UUID");
        }
        String kid = requireRs256(token);
        JwtClaims claims = verifiedClaims(partnerCode, token);
        String received = sha256Hex(body);
        try {
            if (!deliveryIdHeader.equals(claims.getJwtId())) {
                throw DeliveryRejectedException.unauthorized("jti " + Printable.of(claims.getJwtId())
                        + " does not match X-Cnx-Delivery-Id " + deliveryIdHeader);
            }
            String bodySha256 = claims.getStringClaimValue(BODY_SHA256_CLAIM);
            if (bodySha256 == null) {
                throw DeliveryRejectedException.unauthorized("claim " + BODY_SHA256_CLAIM + " missing");
            }
            if (!MessageDigest.isEqual(received.getBytes(StandardCharsets.US_ASCII),
                    bodySha256.getBytes(StandardCharsets.US_ASCII))) {
                throw DeliveryRejectedException.unauthorized(
                        "claim " + BODY_SHA256_CLAIM + " does not match the SHA-256 of the request body");
            }
        } catch (MalformedClaimException e) {
            throw DeliveryRejectedException.unauthorized("malformed claim: " + Printable.of(e.getMessage()));
        }
        return new Verified(deliveryIdHeader, kid, received);
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || authorization.length() == BEARER.length()) {
            throw DeliveryRejectedException.unauthorized("Authorization: Bearer token missing");
        }
        return authorization.substring(BEARER.length()).trim();
    }

    /**
     * Refuses anything but RS256 before any key lookup, so alg=none or HS256 never even reaches the JWKS; returns the
     * token's kid.
     */
    private static String requireRs256(String token) {
        JsonWebStructure jws;
        try {
            jws = JsonWebStructure.fromCompactSerialization(token);
        } catch (JoseException e) {
            throw DeliveryRejectedException.unauthorized("token is not a compact JWS");
        }
        if (!(jws.getObjectHeader("alg") instanceof String alg)) {
            throw DeliveryRejectedException.unauthorized("the token's alg header is missing or not text");
        }
        if (!AlgorithmIdentifiers.RSA_USING_SHA256.equals(alg)) {
            throw DeliveryRejectedException.unauthorized("alg " + Printable.of(alg) + " not allowed (RS256 only)");
        }
        Object kid = jws.getObjectHeader("kid");
        if (kid != null && !(kid instanceof String)) {
            throw DeliveryRejectedException.unauthorized("the token's kid header is not text");
        }
        return (String) kid;
    }

    private JwtClaims verifiedClaims(String partnerCode, String token) {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(keys)
                .setExpectedIssuer(config.issuer())
                .setExpectedAudience(partnerCode)
                .setRequireExpirationTime()
                .setRequireJwtId()
                .setAllowedClockSkewInSeconds(Math.toIntExact(config.clockSkew().toSeconds()))
                .setMaxFutureValidityInMinutes(Math.toIntExact(config.maxTokenLifetime().toMinutes()))
                .build();
        try {
            return consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            throw rejection(e, partnerCode);
        }
    }

    private DeliveryRejectedException rejection(InvalidJwtException e, String partnerCode) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return DeliveryRejectedException.keysUnavailable("cannot fetch " + config.jwksUrl());
            }
        }
        String reason;
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            reason = "signature does not verify";
        } else if (hasCause(e, UnresolvableKeyException.class)) {
            reason = "no key in " + config.jwksUrl() + " matches the token's kid";
        } else if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            reason = "exp missing";
        } else if (e.hasErrorCode(ErrorCodes.EXPIRED)) {
            reason = "token expired";
        } else if (e.hasErrorCode(ErrorCodes.EXPIRATION_TOO_FAR_IN_FUTURE)) {
            reason = "token lifetime exceeds " + config.maxTokenLifetime();
        } else if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID) || e.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
            reason = "token not yet valid";
        } else if (e.hasErrorCode(ErrorCodes.ISSUER_MISSING) || e.hasErrorCode(ErrorCodes.ISSUER_INVALID)) {
            reason = "iss is not " + config.issuer();
        } else if (e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING) || e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)) {
            reason = "aud is not " + Printable.of(partnerCode);
        } else if (e.hasErrorCode(ErrorCodes.JWT_ID_MISSING)) {
            reason = "jti missing";
        } else {
            reason = "invalid token";
        }
        return DeliveryRejectedException.unauthorized(reason);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
