package org.cnx.audit.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cnx.audit.TestKeys;
import org.junit.jupiter.api.Test;

/** After a key rotation, the former public keys still verify (and are published), the current one signs. */
class SigningKeyTest {

    private static TrustConfig config(String privateKey, List<String> previous) {
        return config(privateKey, List.of(), previous);
    }

    private static TrustConfig config(String privateKey, List<String> next, List<String> previous) {
        TrustConfig.Self self = new TrustConfig.Self() {
            @Override
            public String issuer() {
                return "cnx-audit";
            }

            @Override
            public String privateKeyLocation() {
                return privateKey;
            }

            @Override
            public Optional<List<String>> previousPublicKeyLocations() {
                return previous.isEmpty() ? Optional.empty() : Optional.of(previous);
            }

            @Override
            public Optional<List<String>> nextPublicKeyLocations() {
                return next.isEmpty() ? Optional.empty() : Optional.of(next);
            }

            @Override
            public Duration tokenLifetime() {
                return Duration.ofMinutes(5);
            }

            @Override
            public Duration renewBefore() {
                return Duration.ofSeconds(30);
            }
        };
        return new TrustConfig() {
            @Override
            public Idp idp() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Map<String, List<String>> services() {
                return Map.of();
            }

            @Override
            public Duration clockSkew() {
                return Duration.ofSeconds(60);
            }

            @Override
            public Duration serviceMaxLifetime() {
                return Duration.ofMinutes(5);
            }

            @Override
            public Duration verifiedTokenTtl() {
                return Duration.ofSeconds(60);
            }

            @Override
            public int verifiedTokenCacheSize() {
                return 1000;
            }

            @Override
            public Self self() {
                return self;
            }
        };
    }

    @Test
    void theCurrentKeySignsAndFormerKeysStillVerify() {
        TestKeys.ensure();
        String current = TestKeys.privateKey("audit").toString();
        String former = TestKeys.publicKey("rogue").toString();
        SigningKey key = new SigningKey(config(current, List.of(former, TestKeys.publicKey("audit").toString())));

        String currentKid = KeyFiles.keyId(KeyFiles.publicKey(TestKeys.publicKey("audit").toString()));
        String formerKid = KeyFiles.keyId(KeyFiles.publicKey(former));
        assertEquals(currentKid, key.keyId());
        assertEquals(List.of(currentKid, formerKid), List.copyOf(key.verificationKeys().keySet()),
                "current first, each key once");
        assertEquals(KeyFiles.publicKey(former), key.verificationKeys().get(formerKid));

        assertEquals(List.of(currentKid), List.copyOf(new SigningKey(config(current, List.of()))
                .verificationKeys().keySet()));
    }

    /**
     * A rotation on two replicas: the one rolled over first signs heads with the new key. The other, still on the old
     * one, reported those heads as forged ("not signed by audit-service") and left their kid out of its JWKS.
     */
    @Test
    void theNextKeyIsTrustedAndPublishedBeforeItSigns() {
        TestKeys.ensure();
        String current = TestKeys.privateKey("audit").toString();
        String next = TestKeys.publicKey("rogue").toString();
        SigningKey key = new SigningKey(config(current, List.of(next), List.of()));

        String currentKid = KeyFiles.keyId(KeyFiles.publicKey(TestKeys.publicKey("audit").toString()));
        String nextKid = KeyFiles.keyId(KeyFiles.publicKey(next));
        assertEquals(currentKid, key.keyId(), "the current key still signs");
        assertEquals(List.of(currentKid, nextKid), List.copyOf(key.verificationKeys().keySet()));
    }
}
