package org.cnx.audit.security;

import java.security.Key;
import java.util.List;

import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Chooses the verification key among one issuer's keys only: by {@code kid}, or the single key when
 * the token names none. Remote JWKS endpoints are consulted when no static key matches.
 */
final class IssuerKeyResolver implements VerificationKeyResolver {

    private final List<JsonWebKey> keys;
    private final List<HttpsJwksVerificationKeyResolver> remote;

    IssuerKeyResolver(List<JsonWebKey> keys, List<HttpsJwks> remote) {
        this.keys = List.copyOf(keys);
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
        for (HttpsJwksVerificationKeyResolver resolver : remote) {
            try {
                return resolver.resolveKey(jws, nesting);
            } catch (UnresolvableKeyException e) {
                // try the next key set
            }
        }
        throw new UnresolvableKeyException("no key of this issuer matches kid " + kid);
    }
}
