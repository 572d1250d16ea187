package org.cnx.audit.security;

import java.security.Key;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
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

    private static final Logger LOG = Logger.getLogger(IssuerKeyResolver.class);

    /** How long a key set that could not be fetched, and has no keys to go on with, is not asked again. */
    static final long PAUSE_AFTER_FAILED_FETCH_SECONDS = 30;

    private final List<JsonWebKey> keys;
    private final List<JsonWebKey> unnamed;
    private final List<RemoteKeySet> remote;

    IssuerKeyResolver(KeyFiles.StaticKeys keys, List<HttpsJwks> remote) {
        this.keys = keys.all();
        this.unnamed = keys.fromPem();
        this.remote = remote.stream().map(RemoteKeySet::new).toList();
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
        for (RemoteKeySet set : remote) {
            try {
                return set.resolveKey(jws, nesting);
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

    /**
     * An identity provider's key set, fetched where tokens are checked, on an event loop: one that cannot be fetched
     * and never gave a key (the IdP unreachable since the service started) is not asked again for
     * {@link #PAUSE_AFTER_FAILED_FETCH_SECONDS}, and the failure is logged. jose4j fetched again for
     * every token, each holding an event loop up to its 2 s time-out: a few requests a second held them all, the
     * liveness probe failed and Kubernetes restarted the pod, which started without keys again; and each 401 said
     * nothing in the log.
     */
    private static final class RemoteKeySet {

        private final HttpsJwks jwks;
        private final HttpsJwksVerificationKeyResolver resolver;
        private volatile long failedAt;
        private volatile boolean failed;
        /** Whether the set ever gave a key: then jose4j keeps its keys through a failed refresh, and no pause. */
        private volatile boolean loaded;

        RemoteKeySet(HttpsJwks jwks) {
            this.jwks = jwks;
            this.resolver = new HttpsJwksVerificationKeyResolver(jwks);
        }

        Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nesting) throws UnresolvableKeyException {
            long since = System.nanoTime() - failedAt;
            if (failed && since < TimeUnit.SECONDS.toNanos(PAUSE_AFTER_FAILED_FETCH_SECONDS)) {
                throw new UnresolvableKeyException("the key set at " + jwks.getLocation() + " could not be fetched "
                        + TimeUnit.NANOSECONDS.toSeconds(since) + " s ago");
            }
            try {
                Key key = resolver.resolveKey(jws, nesting);
                loaded = true;
                failed = false;
                return key;
            } catch (UnresolvableKeyException e) {
                // the fetch failed (without a cause, the set lacks the token's key); with keys cached, a token naming
                // an unknown kid, which anyone can send, would shut out everyone whose key is cached
                if (e.getCause() != null && !loaded) {
                    failedAt = System.nanoTime();
                    failed = true;
                    LOG.warnf("the key set at %s could not be fetched (%s): its issuer's tokens are refused, and it "
                            + "is asked again in %d s", jwks.getLocation(), e.getCause(),
                            PAUSE_AFTER_FAILED_FETCH_SECONDS);
                }
                throw e;
            }
        }
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
