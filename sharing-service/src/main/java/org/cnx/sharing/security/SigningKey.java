package org.cnx.sharing.security;

import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * sharing-service's own RSA key: it signs service tokens and partner deliveries, and its public half
 * is published at {@code /.well-known/jwks.json} under its thumbprint {@code kid}.
 */
@ApplicationScoped
public class SigningKey {

    private final PrivateKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;

    SigningKey(TrustConfig config) {
        this.privateKey = KeyFiles.privateKey(config.self().privateKeyLocation());
        this.publicKey = KeyFiles.publicKeyOf(privateKey);
        this.keyId = KeyFiles.keyId(publicKey);
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
}
