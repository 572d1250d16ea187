package org.cnx.sharing.security;

import java.security.Key;
import java.util.List;

import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Chooses the verification key among one issuer's keys only: by {@code kid}, or the single key when the token names
 * none; remote JWKS endpoints when no static key matches. A key read from a PEM file names itself by nothing the
 * issuer chose (its {@code kid} here is its thumbprint, which only cnx's own services put in their tokens): an
 * identity provider's tokens name their keys their own way, and every one was refused. Such a key is taken whatever
 * the token's {@code kid}: the only one, or, during a rotation, the one its signature verifies with.
 */
final class IssuerKeyResolver implements VerificationKeyResolver {

    private final List<JsonWebKey> keys;
    private final List<JsonWebKey> unnamed;
    private final List<HttpsJwksVerificationKeyResolver> remote;

    IssuerKeyResolver(KeyFiles.StaticKeys keys, List<HttpsJwks> remote) {
        this.keys = keys.all();
        this.unnamed = keys.fromPem();
        this.remote = remote.stream().map(HttpsJwksVerificationKeyResolver::new).toList();
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nesting) throws UnresolvableKeyException {
        String kid = jws.getKeyIdHeaderValue();
        if (kid == null && keys.size() == 1 && remote.isEmpty()) {
            return keys.get(0).getKey();
        }
        if (kid != null) {
            for (JsonWebKey key : keys) {
                if (kid.equals(key.getKeyId())) {
                    return key.getKey();
                }
            }
        }
        // a token without kid too: jose4j takes the key set's only RSA key for it
        for (HttpsJwksVerificationKeyResolver resolver : remote) {
            try {
                return resolver.resolveKey(jws, nesting);
            } catch (UnresolvableKeyException e) {
                // try the next key set
            }
        }
        if (unnamed.size() == 1) {
            return unnamed.get(0).getKey();
        }
        for (JsonWebKey key : unnamed) {
            if (verifiesWith(jws, key.getKey())) {
                return key.getKey();
            }
        }
        throw new UnresolvableKeyException("no key of this issuer matches kid " + kid);
    }

    private static boolean verifiesWith(JsonWebSignature jws, Key key) {
        try {
            jws.setKey(key);
            return jws.verifySignature();
        } catch (JoseException e) {
            return false;
        } finally {
            jws.setKey(null);
        }
    }
}
