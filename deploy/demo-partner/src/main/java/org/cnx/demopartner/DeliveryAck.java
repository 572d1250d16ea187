package org.cnx.demopartner;

/** The 200 answer to a verified delivery; {@code duplicate} is true when the id had been received before. */
public record DeliveryAck(String deliveryId, boolean duplicate) {
}
