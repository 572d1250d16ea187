package org.cnx.demopartner;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Verified deliveries, in memory, per partner code. A partner de-duplicates by delivery id (sharing-service
 * delivers at least once), so a repeated id is acknowledged but kept once and only counted. The bodies of the
 * latest {@code max-deliveries-per-partner} are kept for display; a compact log of every arrival (delivery id,
 * report id, time; up to {@code max-arrivals-per-partner}) is kept for load runs that count what arrived.
 */
@ApplicationScoped
public class Inbox {

    private final Map<String, PartnerInbox> partners = new ConcurrentHashMap<>();
    private final int maxPerPartner;
    private final int maxArrivals;

    public Inbox(DemoPartnerConfig config) {
        this.maxPerPartner = config.maxDeliveriesPerPartner();
        this.maxArrivals = config.maxArrivalsPerPartner();
    }

    /** Stores the delivery unless its id is already there; returns false for such a duplicate. */
    public boolean store(String partnerCode, ReceivedDelivery delivery) {
        return partners.computeIfAbsent(partnerCode, code -> new PartnerInbox(maxPerPartner, maxArrivals)).store(delivery);
    }

    public DeliveryList list(String partnerCode) {
        PartnerInbox inbox = partners.get(partnerCode);
        return inbox == null ? new DeliveryList(List.of(), 0) : inbox.snapshot();
    }

    /** A delivery among the latest kept for display. */
    public Optional<ReceivedDelivery> find(String partnerCode, String deliveryId) {
        PartnerInbox inbox = partners.get(partnerCode);
        return inbox == null ? Optional.empty() : inbox.find(deliveryId);
    }

    /** Every arrival from position {@code from} on (oldest first), at most {@code limit}. */
    public Arrivals arrivals(String partnerCode, int from, int limit) {
        PartnerInbox inbox = partners.get(partnerCode);
        return inbox == null ? new Arrivals(List.of(), 0, 0) : inbox.arrivals(from, limit);
    }

    private static final class PartnerInbox {

        private final LinkedHashMap<String, ReceivedDelivery> byId;
        private final Set<String> arrivedIds = new HashSet<>();
        private final List<Arrivals.Arrival> arrivals = new ArrayList<>();
        private final int maxArrivals;
        private long duplicates;

        PartnerInbox(int max, int maxArrivals) {
            this.maxArrivals = maxArrivals;
            this.byId = new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ReceivedDelivery> eldest) {
                    return size() > max;
                }
            };
        }

        synchronized boolean store(ReceivedDelivery delivery) {
            if (byId.containsKey(delivery.deliveryId()) || arrivedIds.contains(delivery.deliveryId())) {
                duplicates++;
                return false;
            }
            byId.put(delivery.deliveryId(), delivery);
            if (arrivals.size() < maxArrivals) {
                arrivedIds.add(delivery.deliveryId());
                arrivals.add(new Arrivals.Arrival(delivery.deliveryId(), delivery.reportId(),
                        delivery.receivedAt()));
            }
            return true;
        }

        synchronized Optional<ReceivedDelivery> find(String deliveryId) {
            return Optional.ofNullable(byId.get(deliveryId));
        }

        synchronized Arrivals arrivals(int from, int limit) {
            int start = Math.min(Math.max(from, 0), arrivals.size());
            int end = Math.min(arrivals.size(), start + Math.max(limit, 0));
            return new Arrivals(new ArrayList<>(arrivals.subList(start, end)), arrivals.size(), duplicates);
        }

        synchronized DeliveryList snapshot() {
            return new DeliveryList(new ArrayList<>(byId.values()), duplicates);
        }
    }
}
