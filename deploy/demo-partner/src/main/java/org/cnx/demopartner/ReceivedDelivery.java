package org.cnx.demopartner;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** One delivery as the partner received it: the id sharing-service gave it, when it arrived, what it said. */
public record ReceivedDelivery(String deliveryId, Instant receivedAt, JsonNode body) {
}
