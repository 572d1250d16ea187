package org.cnx.demopartner;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * One delivery as the partner received it: the id sharing-service gave it, when it arrived, the kid of the key that
 * signed it (which shows a key rotation taking effect), what it said, byte for byte as it came, and the SHA-256 of
 * those bytes, which the audit receipt of the delivery names as its {@code payloadSha256}.
 */
public record ReceivedDelivery(String deliveryId, Instant receivedAt, String kid, String bodySha256,
        @JsonIgnore String reportId, @JsonIgnore byte[] bytes) {

    /** The body within the listing as the bytes that came, not as a JSON library would write it again. */
    @JsonProperty("body")
    @JsonRawValue
    public String body() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
