package org.cnx.audit.security;

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
 * audit-service's own RSA key, which signs the log's tree heads, and the public keys that verify them: the current
 * one, the next one ahead of a rotation and any former ones kept after it, each under its RFC 7638 thumbprint
 * {@code kid}.
 */
@ApplicationScoped
@Startup // a key that cannot sign stops the service at start: it reported ready and sent nothing
public class SigningKey {

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;
    private final Map<String, RSAPublicKey> verificationKeys;

    SigningKey(TrustConfig config) {
        this.privateKey = KeyFiles.privateKey(config.self().privateKeyLocation());
        this.publicKey = KeyFiles.publicKeyOf(privateKey);
        this.keyId = KeyFiles.keyId(publicKey);
        Map<String, RSAPublicKey> keys = new LinkedHashMap<>();
        keys.put(keyId, publicKey);
        List<String> others = new ArrayList<>(config.self().nextPublicKeyLocations().orElse(List.of()));
        others.addAll(config.self().previousPublicKeyLocations().orElse(List.of()));
        for (String location : others) {
            if (!location.isBlank()) {
                RSAPublicKey other = KeyFiles.publicKey(location.trim());
                keys.putIfAbsent(KeyFiles.keyId(other), other);
            }
        }
        this.verificationKeys = Collections.unmodifiableMap(keys);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String keyId() {
        return keyId;
    }

    /** kid → public key, the current key first. */
    public Map<String, RSAPublicKey> verificationKeys() {
        return verificationKeys;
    }
}
