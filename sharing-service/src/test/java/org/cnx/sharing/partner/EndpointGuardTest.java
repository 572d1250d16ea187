package org.cnx.sharing.partner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The endpoint rules outside dev and test; names resolve through a fake table, never through DNS. */
class EndpointGuardTest {

    private static final Map<String, String> DNS = Map.of(
            "partner.example", "203.0.113.10",
            "rebound.example", "10.1.2.3",
            "metadata.example", "169.254.169.254");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String address = DNS.get(host);
        if (address != null) {
            return new InetAddress[] {InetAddress.getByName(address)};
        }
        if (host.matches("[0-9.]+|\\[.*]")) {
            return InetAddress.getAllByName(host); // a literal: no lookup
        }
        throw new UnknownHostException(host);
    }

    private final EndpointGuard strict = new EndpointGuard(false, EndpointGuardTest::resolve);
    private final EndpointGuard local = new EndpointGuard(true, EndpointGuardTest::resolve);

    @ParameterizedTest
    @ValueSource(strings = {
        "https://partner.example/cnx/deliveries",
        "https://203.0.113.10:8443/in",
        "https://[2001:db8::1]/in",
        "https://[2002:cb00:710a::1]/in", // 6to4 of 203.0.113.10
    })
    void publicHttpsEndpointsAreAccepted(String endpoint) {
        assertEquals(Optional.empty(), strict.refusal(endpoint));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://127.0.0.1/in",
        "https://127.8.9.10/in",
        "https://[::1]/in",
        "https://0.0.0.0/in",
        "https://10.0.0.8/in",
        "https://172.16.5.4/in",
        "https://192.168.1.20/in",
        "https://169.254.169.254/latest/meta-data",
        "https://[fe80::1]/in",
        "https://[fd00::5]/in",
        "https://100.64.0.1/in",
        "https://[::ffff:127.0.0.1]/in",
        "https://[64:ff9b::a00:1]/in",
        "https://[64:ff9b:1::a00:1]/in", // local-use NAT64 (RFC 8215)
        "https://[2002:a00:1::1]/in", // 6to4 of 10.0.0.1
        "https://[2002:7f00:1::1]/in", // 6to4 of 127.0.0.1
        "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/in", // Teredo: a relay decides where it goes
        "https://192.0.0.8/in", // IETF protocol assignments
        "https://rebound.example/in",
        "https://metadata.example/in",
    })
    void loopbackPrivateAndLinkLocalAddressesAreRefused(String endpoint) {
        String why = strict.refusal(endpoint).orElseThrow();
        assertTrue(why.startsWith("resolves to a loopback, private or link-local address"), why);
    }

    @Test
    void plainHttpIsRefusedOutsideDevAndTest() {
        assertEquals(Optional.of("must use https"), strict.refusal("http://partner.example/in"));
    }

    @Test
    void unresolvableHostsAreRefused() {
        assertEquals(Optional.of("names a host that does not resolve"), strict.refusal("https://nowhere.example/in"));
    }

    /**
     * An entry kept at its endpoint can be paused or cleared lower whatever that endpoint's host answers now (it stopped
     * resolving, or answers a private address, in an incident): the switch-off was a 400. Another endpoint is checked.
     */
    @Test
    void anEntrysOwnEndpointKeptAsItIsIsNotCheckedAgain() {
        for (String registered : List.of("https://nowhere.example/in", "https://rebound.example/in",
                "https://gw.partner.example/cnx/in?api_key=s3cret")) {
            assertEquals(Optional.empty(), strict.refusal(registered, registered), registered);
            assertTrue(strict.refusal(registered, "https://partner.example/cnx/deliveries").isPresent(), registered);
            assertTrue(strict.target(registered) instanceof EndpointGuard.Refused, "deliveries still check " + registered);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://partner.example/in", "/relative/path", "partner.example/in", "file:///etc/passwd"})
    void nonHttpUrlsAreRefusedEverywhere(String endpoint) {
        assertEquals(Optional.of("must be an absolute https URL"), strict.refusal(endpoint));
        assertEquals(Optional.of("must be an absolute https URL"), local.refusal(endpoint));
    }

    @Test
    void credentialsInTheUrlAreRefused() {
        assertEquals(Optional.of("must not carry credentials"), strict.refusal("https://user:pw@partner.example/in"));
        // a key in the query went into every attempt's audit event, for good
        for (String withQuery : List.of("https://gw.partner.example/cnx/in?api_key=s3cret", "https://p.example/in?")) {
            assertEquals(Optional.of("must not have a query string (a credential in it would be kept in the audit log "
                    + "for good; the partner checks each delivery's signature)"), strict.refusal(withQuery));
            assertTrue(local.refusal(withQuery).isPresent(), withQuery);
        }
    }

    @Test
    void brokenUrlsAreRefused() {
        assertEquals(Optional.of("is not a valid URL"), strict.refusal("https://partner example/in"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://partner.example:84433/in", "https://partner.example:0/in"})
    void aPortNoConnectionCanUseIsRefused(String endpoint) {
        // java.net.URI takes any digits; each delivery to the registered endpoint then failed for good
        assertEquals(Optional.of("must name a port from 1 to 65535"), local.refusal(endpoint));
    }

    @Test
    void devAndTestAllowTheLocalDemoPartner() {
        assertEquals(Optional.empty(), local.refusal("http://localhost:8090/partners/US-CBP/deliveries"));
        assertEquals(Optional.empty(), local.refusal("http://127.0.0.1:8090/partners/US-CBP/deliveries"));
    }

    @Test
    void aDeliveryConnectsToTheAddressTheCheckResolvedNotToALaterAnswer() throws UnknownHostException {
        // a name that answers a public address to the check and a loopback one to any later lookup (DNS rebinding)
        AtomicInteger lookups = new AtomicInteger();
        EndpointGuard guard = new EndpointGuard(false, host -> new InetAddress[] {
            InetAddress.getByName(lookups.getAndIncrement() == 0 ? "203.0.113.10" : "127.0.0.1")});

        EndpointGuard.Target target = guard.target("https://rebinding.example/in");

        assertEquals(new EndpointGuard.Allowed(InetAddress.getByName("203.0.113.10")), target);
        assertEquals(1, lookups.get(), "one lookup, whose answer the delivery uses");
    }

    @Test
    void aHostThatDoesNotResolveNowMayLaterAnAddressThatIsRefusedMayNot() {
        assertEquals(new EndpointGuard.Refused("names a host that does not resolve", true),
                strict.target("https://nowhere.example/in"));
        assertEquals(new EndpointGuard.Refused("resolves to a loopback, private or link-local address (10.1.2.3)", false),
                strict.target("https://rebound.example/in"));
        assertEquals(new EndpointGuard.Refused("must use https", false), strict.target("http://partner.example/in"));
    }

    @Test
    void devAndTestDeliveriesAlsoGoToTheAddressTheCheckResolved() throws UnknownHostException {
        assertEquals(new EndpointGuard.Allowed(InetAddress.getByName("10.1.2.3")), local.target("http://rebound.example/in"));
    }
}
