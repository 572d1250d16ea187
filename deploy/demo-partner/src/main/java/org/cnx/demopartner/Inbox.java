package org.cnx.demopartner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Verified deliveries, in memory, per partner code. A partner de-duplicates by delivery id (sharing-service
 * delivers at least once), so a repeated id is acknowledged but kept once and only counted.
 */
@ApplicationScoped
public class Inbox {

    private final Map<String, PartnerInbox> partners = new ConcurrentHashMap<>();
    private final int maxPerPartner;

    public Inbox(DemoPartnerConfig config) {
        this.maxPerPartner = config.maxDeliveriesPerPartner();
    }

    /** Stores the delivery unless its id is already there; returns false for such a duplicate. */
    public boolean store(String partnerCode, ReceivedDelivery delivery) {
        return partners.computeIfAbsent(partnerCode, code -> new PartnerInbox(maxPerPartner)).store(delivery);
    }

    public DeliveryList list(String partnerCode) {
        PartnerInbox inbox = partners.get(partnerCode);
        return inbox == null ? new DeliveryList(List.of(), 0) : inbox.snapshot();
    }

    private static final class PartnerInbox {

        private final LinkedHashMap<String, ReceivedDelivery> byId;
        private long duplicates;

        PartnerInbox(int max) {
            this.byId = new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ReceivedDelivery> eldest) {
                    return size() > max;
                }
            };
        }

        synchronized boolean store(ReceivedDelivery delivery) {
            if (byId.containsKey(delivery.deliveryId())) {
                duplicates++;
                return false;
            }
            byId.put(delivery.deliveryId(), delivery);
            return true;
        }

        synchronized DeliveryList snapshot() {
            return new DeliveryList(new ArrayList<>(byId.values()), duplicates);
        }
    }
}
