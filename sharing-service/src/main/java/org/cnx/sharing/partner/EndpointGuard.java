package org.cnx.sharing.partner;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Decides whether sharing may send to a partner endpoint: an absolute https URL without credentials
 * whose host resolves only to public addresses (no loopback, private, link-local, unique-local,
 * carrier-grade NAT, multicast or reserved ones), so that a registry entry cannot aim deliveries at
 * the exchange's own network. Checked when a partner is registered and again before every delivery,
 * since DNS may have changed; the delivery then connects to the address this check resolved ({@link #target}), not
 * to whatever the name resolves to a moment later. With {@code cnx.partners.allow-local-endpoints} (dev, test,
 * local run) http and local addresses are allowed.
 */
@ApplicationScoped
public class EndpointGuard {

    /** Name resolution, replaceable in tests (which must not depend on DNS). */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowLocal;
    private final Resolver resolver;

    @Inject
    EndpointGuard(PartnerConfig config) {
        this(config.allowLocalEndpoints(), InetAddress::getAllByName);
    }

    public EndpointGuard(boolean allowLocal, Resolver resolver) {
        this.allowLocal = allowLocal;
        this.resolver = resolver;
    }

    /**
     * Where a delivery to an endpoint may connect, decided by one resolution of its host. The connection must go to
     * the address that was checked: resolving the name again could give another one (DNS rebinding).
     */
    public sealed interface Target permits Allowed, Refused {
    }

    /** Connect to {@code address}: one the check resolved (and found public, unless local endpoints are allowed). */
    public record Allowed(InetAddress address) implements Target {
    }

    /** The endpoint may not be used; {@code why} completes "it …". {@code mayChange}: the host did not resolve now. */
    public record Refused(String why, boolean mayChange) implements Target {
    }

    /**
     * Why {@code endpoint} may not be registered; empty when it may. Nor with a query string: deliveries are signed,
     * and the partner checks the signature; a key in the query ({@code ?api_key=}) would have been written into every
     * attempt's audit event and the registry's, for every auditor, and kept there when it was rotated.
     */
    public Optional<String> refusal(String endpoint) {
        return refusal(endpoint, null);
    }

    /**
     * As {@link #refusal(String)}, for an entry registered at {@code registered}: kept as it is, the endpoint is not
     * checked again, so that its entry can still be paused, re-enabled or cleared lower whatever its host resolves to
     * now (a partner whose name stopped resolving, or answers a private address, in an incident: the admin's switch-off
     * was a 400, and its records went out under the old clearance once it resolved again), or whatever rule was added
     * since it was registered (a query string). Each delivery checks it anyway ({@link #target}).
     */
    public Optional<String> refusal(String endpoint, String registered) {
        if (endpoint.equals(registered)) {
            return Optional.empty();
        }
        if (form(endpoint).isEmpty() && URI.create(endpoint).getRawQuery() != null) {
            return Optional.of("must not have a query string (a credential in it would be kept in the audit log for "
                    + "good; the partner checks each delivery's signature)");
        }
        if (allowLocal) {
            return form(endpoint).map(Refused::why); // no lookup: a local partner may be started later
        }
        return target(endpoint) instanceof Refused refused ? Optional.of(refused.why()) : Optional.empty();
    }

    /** Where a delivery to {@code endpoint} may connect, or why it may not: resolves the host once. */
    public Target target(String endpoint) {
        Optional<Refused> form = form(endpoint);
        if (form.isPresent()) {
            return form.get();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(URI.create(endpoint).getHost());
        } catch (UnknownHostException e) {
            return new Refused("names a host that does not resolve", true);
        }
        if (addresses == null || addresses.length == 0) {
            return new Refused("names a host that does not resolve", true);
        }
        if (!allowLocal) {
            Optional<InetAddress> nonPublic = Arrays.stream(addresses).filter(EndpointGuard::nonPublic).findFirst();
            if (nonPublic.isPresent()) {
                return new Refused("resolves to a loopback, private or link-local address ("
                        + nonPublic.get().getHostAddress() + ")", false);
            }
        }
        return new Allowed(addresses[0]);
    }

    /** The URL's own rules, before its host is resolved. */
    private Optional<Refused> form(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            return Optional.of(new Refused("is not a valid URL", false));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of(new Refused("must be an absolute https URL", false));
        }
        if (!allowLocal && !scheme.equals("https")) {
            return Optional.of(new Refused("must use https", false));
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of(new Refused("must not carry credentials", false));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of(new Refused("must name a host", false));
        }
        if (uri.getRawFragment() != null) {
            return Optional.of(new Refused("must not have a fragment", false));
        }
        // the URI takes any digits: port 84433 was registered, and every delivery then failed as "not a valid URL"
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65_535)) {
            return Optional.of(new Refused("must name a port from 1 to 65535", false));
        }
        return Optional.empty();
    }

    static boolean nonPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return nonPublicV4(b[0] & 0xff, b[1] & 0xff, b[2] & 0xff);
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return true; // fc00::/7 unique local
        }
        if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01) || startsWith(b, 0x20, 0x01, 0x00, 0x00)) {
            return true; // 64:ff9b:1::/48, NAT64 for local use (RFC 8215); 2001::/32, Teredo, where a relay decides
        }
        if (startsWith(b, 0x20, 0x02)) {
            return embedsNonPublic(b, 2); // 2002::/16, 6to4: the IPv4 address after the prefix
        }
        if (a instanceof Inet6Address v6 && (v6.isIPv4CompatibleAddress() || isNat64(b) || isMapped(b))) {
            return embedsNonPublic(b, 12);
        }
        return false;
    }

    private static boolean embedsNonPublic(byte[] v6, int from) {
        try {
            return nonPublic(InetAddress.getByAddress(Arrays.copyOfRange(v6, from, from + 4)));
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private static boolean startsWith(byte[] address, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((address[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * 0/8, 100.64/10 (carrier-grade NAT), 192.0.0/24 (IETF protocol assignments), 198.18/15 (benchmarking), 240/4 and
     * broadcast (reserved).
     */
    private static boolean nonPublicV4(int first, int second, int third) {
        return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 198 && (second & 0xfe) == 18)
                || (first == 192 && second == 0 && third == 0) || first >= 240;
    }

    /** 64:ff9b::/96, which NAT64 gateways translate to the embedded IPv4 address. */
    private static boolean isNat64(byte[] b) {
        return startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** ::ffff:a.b.c.d when it reaches us as an Inet6Address. */
    private static boolean isMapped(byte[] b) {
        return startsWith(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff);
    }
}
