package org.cnx.demopartner;

import java.util.List;

/** What a partner has received so far, oldest first, and how many repeated deliveries it acknowledged. */
public record DeliveryList(List<ReceivedDelivery> items, long duplicates) {
}
