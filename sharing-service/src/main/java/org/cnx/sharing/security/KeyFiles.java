package org.cnx.sharing.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jose4j.http.Get;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

/** Loads RSA keys from PEM files or JWKS documents; key ids are RFC 7638 thumbprints. */
final class KeyFiles {

    private static final int MIN_KEY_BITS = 2048;

    private KeyFiles() {
    }

    /**
     * A PKCS#8 RSA private key of at least 2048 bits: jose4j signs with no shorter one, and a service whose key it
     * refused reported ready and signed nothing.
     */
    static PrivateKey privateKey(String location) {
        RSAPrivateKey key;
        try {
            byte[] der = pemBody(Files.readString(Path.of(location)), "PRIVATE KEY", location);
            key = (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read private key " + location, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) { // IllegalArgumentException: not base64
            throw new IllegalStateException("not a PKCS#8 RSA private key: " + location, e);
        }
        return longEnough(key, location);
    }

    /** An X.509 RSA public key of at least 2048 bits: jose4j verifies with no shorter one (every token a 401). */
    static RSAPublicKey publicKey(String location) {
        RSAPublicKey key;
        try {
            byte[] der = pemBody(Files.readString(Path.of(location)), "PUBLIC KEY", location);
            key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read public key " + location, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) { // IllegalArgumentException: not base64
            throw new IllegalStateException("not an X.509 RSA public key: " + location, e);
        }
        return longEnough(key, location);
    }

    private static <K extends RSAKey> K longEnough(K key, String location) {
        int bits = key.getModulus().bitLength();
        if (bits < MIN_KEY_BITS) {
            throw new IllegalStateException("a " + bits + "-bit RSA key is refused (" + MIN_KEY_BITS
                    + " bits at least): " + location);
        }
        return key;
    }

    /** The public key of a PKCS#8 RSA private key, for publishing or deriving the key id. */
    static RSAPublicKey publicKeyOf(PrivateKey privateKey) {
        try {
            var crt = (java.security.interfaces.RSAPrivateCrtKey) privateKey;
            var spec = new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent());
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("cannot derive the public key", e);
        }
    }

    static String keyId(PublicKey key) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(key).calculateBase64urlEncodedThumbprint("SHA-256");
        } catch (JoseException e) {
            throw new IllegalStateException("cannot compute key thumbprint", e);
        }
    }

    /** An issuer's keys read from files: all of them, and those of PEM files, which name no {@code kid} themselves. */
    record StaticKeys(List<JsonWebKey> all, List<JsonWebKey> fromPem) {
    }

    /** Static keys from PEM or JWKS files; a PEM file's key is tagged with its thumbprint as its id. */
    static StaticKeys staticKeys(List<String> locations) {
        List<JsonWebKey> keys = new ArrayList<>();
        List<JsonWebKey> fromPem = new ArrayList<>();
        for (String location : locations) {
            if (isUrl(location)) {
                continue;
            }
            try {
                if (location.endsWith(".json")) {
                    keys.addAll(new JsonWebKeySet(Files.readString(Path.of(location))).getJsonWebKeys());
                } else {
                    RsaJsonWebKey jwk = new RsaJsonWebKey(publicKey(location));
                    jwk.setKeyId(keyId(jwk.getPublicKey()));
                    keys.add(jwk);
                    fromPem.add(jwk);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read key " + location, e);
            } catch (JoseException e) {
                throw new IllegalStateException("not a JWKS document: " + location, e);
            }
        }
        return new StaticKeys(List.copyOf(keys), List.copyOf(fromPem));
    }

    /** How long a key set that could not be fetched again is used as it was before the next try. */
    static final long RETAIN_ON_ERROR_SECONDS = 300;

    /**
     * Remote JWKS endpoints (production IdPs); jose4j caches and refreshes them on unknown kids. A fetch runs where the
     * token is checked, on an event loop: it gives up after 2 s without retrying (jose4j's defaults, 20 s twice and 3
     * retries, held the loop for minutes while the IdP was unreachable), and a kid the set lacks refetches it at most
     * every 30 s (every 300 ms by default: anyone could make it fetch, with tokens naming random kids). A set that
     * cannot be fetched again once its cache life is over (an IdP down, answering 5xx) is used as it was for 5 more
     * minutes before the next try: jose4j's default threw, and every person's valid token was refused meanwhile.
     */
    static List<HttpsJwks> remoteKeySets(List<String> locations) {
        return locations.stream().filter(KeyFiles::isUrl).map(url -> {
            refusePlainHttp(url);
            Get get = new Get();
            get.setConnectTimeout(2000);
            get.setReadTimeout(2000);
            get.setRetries(0);
            HttpsJwks jwks = new HttpsJwks(url);
            jwks.setSimpleHttpGet(get);
            jwks.setRefreshReprieveThreshold(30_000);
            jwks.setRetainCacheOnErrorDuration(RETAIN_ON_ERROR_SECONDS);
            return jwks;
        }).toList();
    }

    /**
     * Keys that decide who may publish a policy or approve a release come over TLS: fetched over plain http (an
     * in-cluster IdP's usual URL), anyone on the path could answer with a key of their own, and a token naming an
     * unknown kid made the service fetch again. Loopback alone may be plain (a dev IdP, a test's).
     */
    private static void refusePlainHttp(String url) {
        if (!url.startsWith("http://")) {
            return;
        }
        String host = URI.create(url).getHost();
        // a name, not a prefix: 127.0.0.1.evil.example resolves anywhere
        boolean loopback = host != null && (host.equalsIgnoreCase("localhost") || host.matches("127(\\.\\d{1,3}){3}")
                || host.equals("[::1]"));
        if (!loopback) {
            throw new IllegalStateException("a key set is fetched over plain http from " + host + " (" + url
                    + "): anyone on the way could answer with keys of their own; give its https URL");
        }
    }

    private static boolean isUrl(String location) {
        return location.startsWith("https://") || location.startsWith("http://");
    }

    private static byte[] pemBody(String pem, String label, String location) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < 0) {
            throw new IllegalStateException("expected a PEM block " + begin + " in " + location);
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }
}
