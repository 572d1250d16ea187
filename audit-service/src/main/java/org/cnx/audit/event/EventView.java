package org.cnx.audit.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** An event as auditors read it: what the producer sent, plus its place in the log. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventView(long seq, UUID eventId, Instant occurredAt, Instant recordedAt, ServiceName service,
        Action action, EventRequest.Actor actor, EventRequest.Subject subject, Outcome outcome,
        String payloadSha256, JsonNode details) {
}
