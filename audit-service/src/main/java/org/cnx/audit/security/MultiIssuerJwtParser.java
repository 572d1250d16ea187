package org.cnx.audit.security;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;

import io.quarkus.runtime.Startup;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Verifies bearer tokens from several issuers, each only with its own keys (DESIGN §3).
 *
 * <p>smallrye-jwt verifies against one issuer and one key set; its maintainers suggest one parser per
 * issuer (smallrye-jwt#855). This bean replaces the default {@link JWTParser} used by the Quarkus
 * extension, so {@code @RolesAllowed}, {@code JsonWebToken} injection and the 401 challenge stay
 * standard. A service key can never vouch for a person: a token signed by {@code cnx-intake}'s key
 * is checked only against {@code cnx-intake}'s keys, and such tokens may only carry the
 * {@code service} group.
 */
@Alternative
@Priority(1)
@ApplicationScoped
// its keys are read, and its key set URLs checked, as the service starts (not at the first token), before its jobs
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
public class MultiIssuerJwtParser implements JWTParser {

    static final String SERVICE_GROUP = "service";
    /** The longest {@code sub}, {@code agency} and role the services and the audit log store of a caller. */
    static final int MAX_SUB = 255;
    static final int MAX_AGENCY = 32;
    static final int MAX_ROLE = 64;
    /** The most roles an audit event's actor holds. */
    static final int MAX_ROLES = 20;
    private static final Logger LOG = Logger.getLogger(MultiIssuerJwtParser.class);

    private final Map<String, Issuer> issuers = new HashMap<>();
    private final VerifiedTokens verified;
    private final JwtConsumer unverified = new JwtConsumerBuilder()
            .setSkipAllValidators()
            .setDisableRequireSignature()
            .setSkipSignatureVerification()
            .build();

    private record Issuer(JwtConsumer consumer, long maxLifetimeSeconds, boolean service) {
    }

    MultiIssuerJwtParser(TrustConfig config) {
        this.verified = new VerifiedTokens(config.verifiedTokenTtl().toMillis(), config.verifiedTokenCacheSize(),
                System::currentTimeMillis);
        int skew = (int) config.clockSkew().toSeconds();
        TrustConfig.Idp idp = config.idp();
        issuers.put(idp.issuer(), new Issuer(
                consumer(idp.issuer(), idp.audience(), idp.keyLocations(), skew),
                idp.maxLifetime().toSeconds(), false));
        String self = config.self().issuer();
        config.services().forEach((issuer, keys) -> issuers.put(issuer, new Issuer(
                consumer(issuer, self, keys, skew), config.serviceMaxLifetime().toSeconds(), true)));
    }

    private static JwtConsumer consumer(String issuer, String audience, List<String> keyLocations, int skew) {
        return new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new IssuerKeyResolver(
                        KeyFiles.staticKeys(keyLocations), KeyFiles.remoteKeySets(keyLocations)))
                .setExpectedIssuer(issuer)
                .setExpectedAudience(audience)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                // jose4j adds the clock skew to the future an iat may be in: 0 here, so that it is the skew alone
                .setIssuedAtRestrictions(0, Integer.MAX_VALUE)
                .setAllowedClockSkewInSeconds(skew)
                .build();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken known = verified.get(token);
        if (known != null) {
            return known;
        }
        try {
            JwtContext context = unverified.process(token);
            String iss = context.getJwtClaims().getIssuer();
            Issuer issuer = iss == null ? null : issuers.get(iss);
            if (issuer == null) {
                throw new ParseException("untrusted issuer");
            }
            issuer.consumer().processContext(context);
            JwtClaims claims = context.getJwtClaims();
            checkLifetime(claims, issuer.maxLifetimeSeconds());
            checkGroups(claims, issuer.service());
            checkIdentity(claims);
            JsonWebToken principal = new TokenPrincipal(token, claims);
            verified.put(token, principal, claims.getExpirationTime().getValueInMillis());
            return principal;
        } catch (InvalidJwtException | MalformedClaimException e) {
            LOG.debugf("token rejected: %s", e.getMessage());
            throw new ParseException("token rejected", e);
        }
    }

    private static void checkLifetime(JwtClaims claims, long maxSeconds) throws MalformedClaimException, ParseException {
        long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
        if (lifetime > maxSeconds) {
            throw new ParseException("token lifetime " + lifetime + " s exceeds " + maxSeconds + " s");
        }
    }

    private static void checkGroups(JwtClaims claims, boolean serviceIssuer) throws MalformedClaimException, ParseException {
        List<String> groups = claims.hasClaim("groups") ? claims.getStringListClaimValue("groups") : List.of();
        if (serviceIssuer && !groups.equals(List.of(SERVICE_GROUP))) {
            throw new ParseException("a service issuer may only assert the service group");
        }
        if (!serviceIssuer && groups.contains(SERVICE_GROUP)) {
            throw new ParseException("the identity provider may not assert the service group");
        }
    }

    /**
     * The caller's identity is stored wherever the caller acts (a report's submitter and agency, an approval's officer,
     * every audit event's actor), and read as text: a token whose {@code sub}, {@code agency} or roles could not be
     * stored, or whose {@code agency} or {@code country} is not text, is refused here, whatever it calls, rather than
     * failing the request that stores it (a 500) or holding up the audit trail with an event audit-service refuses.
     */
    private static void checkIdentity(JwtClaims claims) throws MalformedClaimException, ParseException {
        if (!storable(claims.getSubject(), MAX_SUB)) {
            throw new ParseException("sub must be 1 to " + MAX_SUB + " characters, not all spaces, no control ones");
        }
        if (claims.hasClaim("agency") && !(claims.getClaimValue("agency") instanceof String agency
                && storable(agency, MAX_AGENCY))) {
            throw new ParseException("agency must be text of 1 to " + MAX_AGENCY + " characters, not all spaces, "
                    + "no control ones");
        }
        if (claims.hasClaim("country") && !(claims.getClaimValue("country") instanceof String)) {
            throw new ParseException("country must be text");
        }
        List<String> groups = claims.hasClaim("groups") ? claims.getStringListClaimValue("groups") : List.of();
        if (groups.size() > MAX_ROLES || !groups.stream().allMatch(group -> storable(group, MAX_ROLE))) {
            throw new ParseException("groups must be at most " + MAX_ROLES + " roles of 1 to " + MAX_ROLE
                    + " characters");
        }
    }

    private static boolean storable(String text, int max) {
        return text != null && !text.isBlank() && text.length() <= max
                && text.codePoints().noneMatch(Character::isISOControl);
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return parse(token);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        throw unsupported();
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        throw unsupported();
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        throw unsupported();
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        throw unsupported();
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        throw unsupported();
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        throw unsupported();
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        throw unsupported();
    }

    private static ParseException unsupported() {
        return new ParseException("only issuer-bound RS256 verification is supported");
    }
}
