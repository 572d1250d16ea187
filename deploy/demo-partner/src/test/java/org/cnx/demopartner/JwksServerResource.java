package org.cnx.demopartner;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;

/**
 * Stands in for sharing-service's {@code /.well-known/jwks.json}: a real HTTP server on a free port serving
 * test-only RSA keys. The key {@link #CURRENT_KID} is published from the start; {@link #NEXT_KID} only after a
 * request to {@code /publish-next}, to test key rotation. The private keys reach the test as config
 * properties (the test and this class may live in different class loaders, config is shared).
 */
public class JwksServerResource implements QuarkusTestResourceLifecycleManager {

    public static final String CURRENT_KID = "sharing-test-1";
    public static final String NEXT_KID = "sharing-test-2";
    public static final String CURRENT_KEY_PROPERTY = "test.keys.current";
    public static final String NEXT_KEY_PROPERTY = "test.keys.next";
    public static final String ROGUE_KEY_PROPERTY = "test.keys.rogue";
    public static final String BASE_URL_PROPERTY = "test.jwks.base-url";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        KeyPair current = rsa();
        KeyPair next = rsa();
        KeyPair rogue = rsa();
        AtomicBoolean nextPublished = new AtomicBoolean();
        AtomicInteger fetches = new AtomicInteger();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the JWKS test server", e);
        }
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            List<JsonWebKey> keys = new ArrayList<>();
            keys.add(jwk(current, CURRENT_KID));
            if (nextPublished.get()) {
                keys.add(jwk(next, NEXT_KID));
            }
            respond(exchange, 200, new JsonWebKeySet(keys).toJson());
        });
        server.createContext("/publish-next", exchange -> {
            nextPublished.set(true);
            respond(exchange, 200, "{}");
        });
        server.createContext("/fetches", exchange -> respond(exchange, 200, Integer.toString(fetches.get())));
        server.start();
        String base = "http://localhost:" + server.getAddress().getPort();
        return Map.of(
                "cnx.demo.jwks-url", base + "/jwks.json",
                BASE_URL_PROPERTY, base,
                CURRENT_KEY_PROPERTY, pkcs8(current),
                NEXT_KEY_PROPERTY, pkcs8(next),
                ROGUE_KEY_PROPERTY, pkcs8(rogue));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonWebKey jwk(KeyPair pair, String kid) {
        RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
        jwk.setKeyId(kid);
        jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        jwk.setUse("sig");
        return jwk;
    }

    private static String pkcs8(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
