package org.cnx.sharing.security;

import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

/**
 * sharing-service's own RSA keys. The current key signs service tokens and partner deliveries; the
 * JWKS ({@code /.well-known/jwks.json}) publishes its public half and, around a key rotation, the next
 * and the previous public keys, each under its RFC 7638 thumbprint {@code kid}.
 */
@ApplicationScoped
@Startup // a key that cannot sign stops the service at start: it reported ready and sent nothing
public class SigningKey {

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;
    private final Map<String, RSAPublicKey> published = new LinkedHashMap<>();

    SigningKey(TrustConfig config) {
        this.privateKey = KeyFiles.privateKey(config.self().privateKeyLocation());
        this.publicKey = KeyFiles.publicKeyOf(privateKey);
        this.keyId = KeyFiles.keyId(publicKey);
        published.put(keyId, publicKey);
        List<String> others = new ArrayList<>(config.self().nextPublicKeyLocations().orElse(List.of()));
        others.addAll(config.self().previousPublicKeyLocations().orElse(List.of()));
        for (String location : others) {
            if (!location.isBlank()) {
                RSAPublicKey key = KeyFiles.publicKey(location.trim());
                published.putIfAbsent(KeyFiles.keyId(key), key);
            }
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The keys partners may verify with, by kid: the current one first. */
    public Map<String, RSAPublicKey> publishedKeys() {
        return Collections.unmodifiableMap(published);
    }
}
