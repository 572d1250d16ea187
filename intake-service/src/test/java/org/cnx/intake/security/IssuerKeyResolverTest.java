package org.cnx.intake.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Key;
import java.util.List;

import org.cnx.intake.TestKeys;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/**
 * An identity provider's public key given as a PEM file, as README and secrets.sh tell an operator to: the IdP's tokens
 * name their keys the IdP's way, which matched none of the thumbprints cnx gives PEM keys, and every person's token was
 * refused (401). With two PEM files during the IdP's key rotation, a token without a kid was refused too.
 */
class IssuerKeyResolverTest {

    private static String pem(String name) {
        TestKeys.ensure();
        return TestKeys.publicKey(name).toString();
    }

    /** A token as an identity provider signs it, with {@code kid} its own name for the key (or none). */
    private static JsonWebSignature signed(String keyName, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"sub\":\"someone\"}");
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(KeyFiles.privateKey(TestKeys.privateKey(keyName).toString()));
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        JsonWebSignature received = new JsonWebSignature();
        received.setCompactSerialization(jws.getCompactSerialization());
        return received;
    }

    /** The identity provider's key set: its key, under {@code kid}. */
    private static ResponseDefinitionBuilder keySet(String kid) throws JoseException {
        RsaJsonWebKey published = new RsaJsonWebKey(KeyFiles.publicKey(pem("idp")));
        published.setKeyId(kid);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(new JsonWebKeySet(published).toJson());
    }

    private static Key key(String name) {
        return KeyFiles.publicKey(pem(name));
    }

    @Test
    void anIdentityProvidersKidDoesNotKeepItsPemKeyFromVerifying() throws Exception {
        IssuerKeyResolver one = new IssuerKeyResolver(KeyFiles.staticKeys(List.of(pem("idp"))), List.of());
        assertEquals(key("idp"), one.resolveKey(signed("idp", "rsa-2026-11"), List.of()));
        assertEquals(key("idp"), one.resolveKey(signed("idp", null), List.of()));
    }

    @Test
    void duringARotationTheKeyATokenVerifiesWithIsChosenAndNoOtherIssuersKey() throws Exception {
        IssuerKeyResolver both = new IssuerKeyResolver(KeyFiles.staticKeys(List.of(pem("idp"), pem("rogue"))),
                List.of());
        assertEquals(key("idp"), both.resolveKey(signed("idp", null), List.of()));
        assertEquals(key("rogue"), both.resolveKey(signed("rogue", null), List.of()));
        assertEquals(key("rogue"), both.resolveKey(signed("rogue", "next"), List.of()));
        assertThrows(UnresolvableKeyException.class, () -> both.resolveKey(signed("intake", "next"), List.of()),
                "a key the issuer does not have");
    }

    /** A key set over plain http beyond loopback: anyone on the way could have answered with keys of their own. */
    @Test
    void anIdentityProvidersKeySetOverPlainHttpIsRefusedUnlessLoopback() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> KeyFiles.remoteKeySets(
                List.of("http://keycloak:8080/realms/cnx/protocol/openid-connect/certs")));
        assertTrue(refused.getMessage().contains("plain http from keycloak"), refused.getMessage());
        for (String elsewhere : List.of("http://10.0.0.7/jwks", "http://127.0.0.1.evil.example/jwks",
                "http://127.0.0.1@evil.example/jwks", "http://localhost.evil.example/jwks")) {
            assertThrows(IllegalStateException.class, () -> KeyFiles.remoteKeySets(List.of(elsewhere)), elsewhere);
        }
        assertEquals(4, KeyFiles.remoteKeySets(List.of("https://idp.example/jwks", "http://localhost:8180/jwks",
                "http://LOCALHOST:8180/jwks", "http://127.0.0.1:8180/jwks")).size());
    }

    /**
     * Each token naming a kid the IdP's key set lacks refetched the set, at most every 300 ms: anyone could keep the
     * service fetching, on the event loop that checks tokens, with tokens naming random kids.
     */
    @Test
    void tokensNamingUnknownKidsDoNotRefetchTheIdentityProvidersKeySetEachTime() throws Exception {
        WireMockServer idp = new WireMockServer(options().dynamicPort());
        idp.start();
        try {
            idp.stubFor(get(urlEqualTo("/jwks")).willReturn(keySet("idp-2026-11")));
            IssuerKeyResolver remote = new IssuerKeyResolver(KeyFiles.staticKeys(List.of()),
                    KeyFiles.remoteKeySets(List.of(idp.baseUrl() + "/jwks")));

            assertEquals(key("idp"), remote.resolveKey(signed("idp", "idp-2026-11"), List.of()));
            assertEquals(key("idp"), remote.resolveKey(signed("idp", null), List.of()), "a token without kid: the "
                    + "set's one key");
            for (int i = 0; i < 3; i++) {
                Thread.sleep(400); // past jose4j's default reprieve between refetches
                JsonWebSignature forged = signed("rogue", "random-" + i);
                assertThrows(UnresolvableKeyException.class, () -> remote.resolveKey(forged, List.of()));
            }
            idp.verify(1, getRequestedFor(urlEqualTo("/jwks")));
        } finally {
            idp.stop();
        }
    }

    /**
     * The IdP's key set, its cache life over while the IdP answers 503, is used as it was: jose4j's default threw, and
     * every person's valid token was refused until the IdP was back.
     */
    @Test
    void anIdentityProviderDownPastTheKeySetsCacheLifeRefusesNoValidToken() throws Exception {
        WireMockServer idp = new WireMockServer(options().dynamicPort());
        idp.start();
        try {
            idp.stubFor(get(urlEqualTo("/jwks"))
                    .willReturn(keySet("idp-2026-12").withHeader("Cache-Control", "max-age=1")));
            List<HttpsJwks> sets = KeyFiles.remoteKeySets(List.of(idp.baseUrl() + "/jwks"));
            sets.get(0).setRefreshReprieveThreshold(0); // the 30 s between refetches would hide the second one
            IssuerKeyResolver remote = new IssuerKeyResolver(KeyFiles.staticKeys(List.of()), sets);
            assertEquals(key("idp"), remote.resolveKey(signed("idp", "idp-2026-12"), List.of()));

            idp.stubFor(get(urlEqualTo("/jwks")).willReturn(aResponse().withStatus(503)));
            Thread.sleep(1_500); // past the set's cache life (max-age=1)
            assertEquals(key("idp"), remote.resolveKey(signed("idp", "idp-2026-12"), List.of()));
            idp.verify(2, getRequestedFor(urlEqualTo("/jwks"))); // it did try again, once
            // a token naming a kid the set lacks makes it fetch again, and fail: anyone may send one, and the keys
            // cached go on verifying (a pause after it shut out everyone whose key is cached)
            JsonWebSignature unknown = signed("rogue", "made-up");
            assertThrows(UnresolvableKeyException.class, () -> remote.resolveKey(unknown, List.of()));
            assertEquals(key("idp"), remote.resolveKey(signed("idp", "idp-2026-12"), List.of()));
        } finally {
            idp.stop();
        }
    }

    /**
     * An IdP unreachable while the service has none of its keys: jose4j fetched again for every token, each holding
     * the event loop that checks tokens up to its time-out, until the liveness probe failed and the pod was restarted
     * without keys again. One failed fetch puts the set off for 30 s.
     */
    @Test
    void anIdentityProviderUnreachableWithoutKeysIsNotAskedAgainForEveryToken() throws Exception {
        WireMockServer idp = new WireMockServer(options().dynamicPort());
        idp.start();
        try {
            idp.stubFor(get(urlEqualTo("/jwks")).willReturn(aResponse().withStatus(503)));
            IssuerKeyResolver remote = new IssuerKeyResolver(KeyFiles.staticKeys(List.of()),
                    KeyFiles.remoteKeySets(List.of(idp.baseUrl() + "/jwks")));
            for (int i = 0; i < 5; i++) {
                assertThrows(UnresolvableKeyException.class,
                        () -> remote.resolveKey(signed("idp", "idp-2026-12"), List.of()));
            }
            idp.verify(1, getRequestedFor(urlEqualTo("/jwks")));
        } finally {
            idp.stop();
        }
    }
}
