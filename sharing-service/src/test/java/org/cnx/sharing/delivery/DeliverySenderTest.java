package org.cnx.sharing.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cnx.sharing.partner.EndpointGuard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * One attempt goes to the address the endpoint guard checked, under the partner's own host name: a name that
 * resolved to an allowed address for the check cannot send the request elsewhere by answering differently a moment
 * later. The partner here has a name only the guard's resolver knows, on 127.0.0.1.
 */
@QuarkusTest
class DeliverySenderTest {

    private static final String PARTNER_HOST = "partner.cnx-test";

    private static WireMockServer partner;

    @Inject
    DeliveryConfig config;

    @Inject
    DeliverySigner signer;

    @Inject
    Vertx vertx;

    @BeforeAll
    static void startPartner() {
        partner = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        partner.start();
    }

    @AfterAll
    static void stopPartner() {
        partner.stop();
    }

    @BeforeEach
    void acceptEverything() {
        partner.resetAll();
        partner.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
    }

    @Test
    void theRequestGoesToTheCheckedAddressUnderThePartnersName() throws Exception {
        DeliverySender sender = senderThatKnowsThePartner();
        try {
            DeliverySender.Result result = sender.send(delivery("http://" + PARTNER_HOST + ":" + partner.port() + "/in"));

            assertEquals(RetryPolicy.Verdict.DELIVERED, result.verdict(), result.error());
            partner.verify(1, postRequestedFor(urlEqualTo("/in"))
                    .withHeader("Host", equalTo(PARTNER_HOST + ":" + partner.port())));
        } finally {
            sender.close();
        }
    }

    @Test
    void aHostThatDoesNotResolveIsTriedAgainLaterNotFailed() {
        DeliverySender sender = new DeliverySender(config, signer, new EndpointGuard(true, host -> {
            throw new UnknownHostException(host);
        }), vertx);
        try {
            DeliverySender.Result result = sender.send(delivery("http://" + PARTNER_HOST + ":" + partner.port() + "/in"));

            assertEquals(RetryPolicy.Verdict.RETRY, result.verdict());
            assertEquals("endpoint refused: it names a host that does not resolve", result.error());
            partner.verify(0, anyRequestedFor(anyUrl()));
        } finally {
            sender.close();
        }
    }

    @Test
    void aMalformedAnswerIsDescribedInTextTheDatabaseCanStore() throws Exception {
        // the HTTP parser quotes what it could not read, the partner's bytes, NUL and all: PostgreSQL refused the
        // text, the attempt was never recorded, and the record went out again at every lease, past its dead-letter
        for (String answer : List.of("HTTP/1.1 200 OK\r\nX\0Y: " + "z".repeat(5_000) + "\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.\0" + "9".repeat(5_000) + " 200 OK\r\nContent-Length: 0\r\n\r\n")) {
            try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread answering = new Thread(() -> {
                    try (Socket s = raw.accept()) {
                        s.getInputStream().read(new byte[8192]);
                        s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().flush();
                        Thread.sleep(500);
                    } catch (Exception e) {
                        // the test sees what the sender made of it
                    }
                });
                answering.start();
                DeliverySender sender = senderThatKnowsThePartner();
                try {
                    String endpoint = "http://" + PARTNER_HOST + ":" + raw.getLocalPort() + "/in";
                    DeliverySender.Result result = sender.send(delivery(endpoint));

                    assertEquals(RetryPolicy.Verdict.RETRY, result.verdict(), result.error());
                    assertTrue(result.error().indexOf('\0') < 0, result.error());
                    assertTrue(result.error().length() <= DeliverySender.ERROR_MAX, result.error().length() + "");
                } finally {
                    sender.close();
                    answering.join(5_000);
                }
            }
        }
    }

    @Test
    void overHttpsThePartnersCertificateMustNameItsHostNotTheAddress(@TempDir Path dir) throws Exception {
        // a keystore per name, both certificates trusted: only the one for the URL's host may receive the record
        Path trusted = dir.resolve("trusted.p12");
        Path right = certificate(dir, PARTNER_HOST, trusted);
        Path wrong = certificate(dir, "other.cnx-test", trusted);
        String before = System.getProperty("javax.net.ssl.trustStore");
        System.setProperty("javax.net.ssl.trustStore", trusted.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        try {
            assertEquals(RetryPolicy.Verdict.DELIVERED, sendOverHttps(right).verdict());
            DeliverySender.Result misnamed = sendOverHttps(wrong);
            assertEquals(RetryPolicy.Verdict.RETRY, misnamed.verdict());
            assertTrue(misnamed.error().contains("SSLHandshakeException"), misnamed.error());
        } finally {
            if (before == null) {
                System.clearProperty("javax.net.ssl.trustStore");
            } else {
                System.setProperty("javax.net.ssl.trustStore", before);
            }
            System.clearProperty("javax.net.ssl.trustStorePassword");
        }
    }

    /** One attempt to {@code https://partner.cnx-test:<port>/in}, served on 127.0.0.1 with this keystore. */
    private DeliverySender.Result sendOverHttps(Path keystore) throws Exception {
        WireMockServer https = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
                .bindAddress("127.0.0.1").keystorePath(keystore.toString()).keystoreType("PKCS12")
                .keystorePassword("changeit").keyManagerPassword("changeit"));
        https.start();
        DeliverySender sender = senderThatKnowsThePartner();
        try {
            https.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
            return sender.send(delivery("https://" + PARTNER_HOST + ":" + https.httpsPort() + "/in"));
        } finally {
            sender.close();
            https.stop();
        }
    }

    /** A self-signed certificate for {@code name} in its own keystore, also added to {@code trusted}. */
    private static Path certificate(Path dir, String name, Path trusted) throws Exception {
        Path keystore = dir.resolve(name + ".p12");
        Path cert = dir.resolve(name + ".crt");
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "SAN=dns:" + name, "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-exportcert", "-alias", name, "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-keystore", trusted.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        return keystore;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
    }

    /** A sender whose guard resolves the partner's name, which no DNS server knows, to 127.0.0.1. */
    private DeliverySender senderThatKnowsThePartner() {
        return new DeliverySender(config, signer, new EndpointGuard(true, host -> {
            if (host.equals(PARTNER_HOST)) {
                return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            }
            throw new UnknownHostException(host);
        }), vertx);
    }

    private static DeliveryStore.Claimed delivery(String endpoint) {
        return new DeliveryStore.Claimed(UUID.randomUUID(), UUID.randomUUID(), 1, Delivery.Kind.RECORD,
                UUID.randomUUID(), UUID.randomUUID(), "MX-SEND", "{\"ok\":true}",
                "0".repeat(64), endpoint);
    }
}
