package org.cnx.demopartner;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One delivery as the partner received it: the id sharing-service gave it, when it arrived, the kid of the key that
 * signed it (which shows a key rotation taking effect), what it said.
 */
public record ReceivedDelivery(String deliveryId, Instant receivedAt, String kid, JsonNode body) {
}
