package org.cnx.sharing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/** Mints test tokens, good and bad, with the keys of {@link TestKeys}. */
public final class TestTokens {

    public static final String IDP = "https://idp.cnx.local";

    private TestTokens() {
    }

    /** A valid IdP token for a person or partner system. */
    public static String person(String role, String agency, String country) {
        return person(role, agency, country, "user-" + agency.toLowerCase() + "-" + role);
    }

    public static String person(String role, String agency, String country, String sub) {
        return sign(claims(IDP, "cnx", role, Duration.ofMinutes(10)).subject(sub)
                .claim("agency", agency).claim("country", country), "idp");
    }

    public static JwtClaimsBuilder claims(String issuer, String audience, String group, Duration lifetime) {
        Instant now = Instant.now();
        return Jwt.issuer(issuer).audience(audience).subject("test-subject").groups(group)
                .claim("jti", UUID.randomUUID().toString())
                .issuedAt(now).expiresAt(now.plus(lifetime));
    }

    public static String sign(JwtClaimsBuilder claims, String keyName) {
        TestKeys.ensure();
        return claims.jws().sign(privateKey(TestKeys.privateKey(keyName)));
    }

    /** A token with {@code alg=none} and no signature. */
    public static String unsigned(String claimsJson) {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claimsJson) + ".";
    }

    /** HS256 "signed" with the IdP's public key as the HMAC secret (the classic key-confusion attack). */
    public static String hs256WithPublicKey(String claimsJson) throws Exception {
        TestKeys.ensure();
        String input = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(claimsJson);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(Files.readAllBytes(TestKeys.publicKey("idp")), "HmacSHA256"));
        return input + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** RS256 over hand-written claims, for tokens the builder would refuse to make. */
    public static String rs256(String claimsJson, String keyName) throws Exception {
        TestKeys.ensure();
        String input = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claimsJson);
        java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
        rsa.initSign(privateKey(TestKeys.privateKey(keyName)));
        rsa.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    }

    public static String partnerClaimsJson(String agency) {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"" + IDP + "\",\"aud\":\"cnx\",\"sub\":\"attacker\",\"groups\":[\"partner\"],"
                + "\"agency\":\"" + agency + "\",\"country\":\"US\",\"iat\":" + now + ",\"exp\":" + (now + 600)
                + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
    }

    /** IdP claims with {@code sub}, {@code agency}, {@code country} and {@code groups} as the JSON values given. */
    public static String idpClaimsJson(String subJson, String agencyJson, String countryJson, String groupsJson) {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"" + IDP + "\",\"aud\":\"cnx\",\"sub\":" + subJson + ",\"groups\":" + groupsJson
                + ",\"agency\":" + agencyJson + ",\"country\":" + countryJson + ",\"iat\":" + now
                + ",\"exp\":" + (now + 600) + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
    }

    /**
     * Identities no service could store (DESIGN §3's claims as the services keep them): each token is good but for
     * the one claim its label names.
     */
    public static Map<String, String> unstorableIdentities(String role) {
        String groups = "[\"" + role + "\"]";
        String twentyOne = IntStream.range(0, 21).mapToObj(i -> "\"" + role + (i == 0 ? "" : i) + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        return Map.of(
                "sub of 256 characters", idpClaimsJson("\"" + "s".repeat(256) + "\"", "\"US-CBP\"", "\"US\"", groups),
                "sub with a NUL", idpClaimsJson("\"a\\u0000b\"", "\"US-CBP\"", "\"US\"", groups),
                "blank sub", idpClaimsJson("\"   \"", "\"US-CBP\"", "\"US\"", groups),
                "agency of 33 characters",
                idpClaimsJson("\"someone\"", "\"US-" + "X".repeat(30) + "\"", "\"US\"", groups),
                "agency a number", idpClaimsJson("\"someone\"", "42", "\"US\"", groups),
                "agency with a tab", idpClaimsJson("\"someone\"", "\"US\\tCBP\"", "\"US\"", groups),
                "country a number", idpClaimsJson("\"someone\"", "\"US-CBP\"", "1", groups),
                "21 roles", idpClaimsJson("\"someone\"", "\"US-CBP\"", "\"US\"", twentyOne),
                "a role of 65 characters", idpClaimsJson("\"someone\"", "\"US-CBP\"", "\"US\"",
                        "[\"" + role + "\",\"" + "r".repeat(65) + "\"]"));
    }

    /** A token at every limit of {@link #unstorableIdentities}: 255-character sub, 32-character agency, 20 roles. */
    public static String identityAtTheLimits(String role) throws Exception {
        String groups = IntStream.range(0, 20)
                .mapToObj(i -> "\"" + (i == 0 ? role : i == 1 ? "r".repeat(64) : "r" + i) + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        return rs256(idpClaimsJson("\"" + "s".repeat(255) + "\"", "\"US-" + "X".repeat(29) + "\"", "\"US\"", groups),
                "idp");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    public static PrivateKey privateKey(Path pem) {
        try {
            String text = Files.readString(pem);
            String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
