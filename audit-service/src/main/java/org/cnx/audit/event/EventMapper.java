package org.cnx.audit.event;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.audit.merkle.Merkle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

@ApplicationScoped
public class EventMapper {

    private final ObjectMapper json;

    EventMapper(ObjectMapper json) {
        this.json = json;
    }

    /** The log entry for a normalised event. */
    AuditEvent toEntity(EventRequest event, long seq, Instant recordedAt) {
        AuditEvent entity = new AuditEvent();
        entity.seq = seq;
        entity.eventId = event.eventId();
        entity.occurredAt = event.occurredAt();
        entity.recordedAt = recordedAt;
        entity.service = event.service().code();
        entity.action = event.action();
        entity.actorSub = event.actor().sub();
        entity.actorAgency = event.actor().agency();
        entity.actorRoles = event.actor().roles() == null ? null : write(event.actor().roles());
        if (event.subject() != null) {
            entity.reportId = event.subject().reportId();
            entity.releaseId = event.subject().releaseId();
            entity.deliveryId = event.subject().deliveryId();
            entity.partner = event.subject().partner();
        }
        entity.outcome = event.outcome();
        entity.payloadSha256 = event.payloadSha256();
        entity.details = event.details() == null ? null : write(event.details());
        entity.canonical = CanonicalJson.of(event);
        entity.leafHash = Merkle.leafHash(entity.canonical);
        return entity;
    }

    /**
     * The event as auditors read it: the canonical text the log hashed, with the {@code seq} and {@code recordedAt}
     * the log gave it. Not the columns beside it, which queries filter by: one changed by someone with the database's
     * keys was shown as the event's (verification names such a column), and the stored jsonb's numbers are
     * PostgreSQL's (10000000 for the 1.0E7 hashed). What the API shows rebuilds the leaf.
     */
    EventView toView(AuditEvent e) {
        try {
            JsonNode leaf = json.readTree(e.canonical);
            EventRequest logged = json.treeToValue(leaf, EventRequest.class);
            return new EventView(e.seq, logged.eventId(), logged.occurredAt(), e.recordedAt, logged.service(),
                    logged.action(), logged.actor(), logged.subject(), logged.outcome(), logged.payloadSha256(),
                    leaf.get("details"), e.canonical);
        } catch (JsonProcessingException | IllegalArgumentException ex) {
            throw new IllegalStateException("stored event " + e.seq + " is not an event's canonical text", ex);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }
}
