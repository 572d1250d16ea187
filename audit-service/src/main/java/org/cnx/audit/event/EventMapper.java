package org.cnx.audit.event;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.audit.merkle.Merkle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

@ApplicationScoped
public class EventMapper {

    private static final TypeReference<List<String>> ROLES = new TypeReference<>() {
    };

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
     * The event as auditors read it. Its details are those of the canonical text the log hashed, not the stored jsonb,
     * whose numbers are PostgreSQL's (10000000 for the 1.0E7 hashed): what the API shows rebuilds the leaf.
     */
    EventView toView(AuditEvent e) {
        EventRequest.Subject subject = new EventRequest.Subject(e.reportId, e.releaseId, e.deliveryId, e.partner);
        try {
            return new EventView(e.seq, e.eventId, e.occurredAt, e.recordedAt, ServiceName.of(e.service), e.action,
                    new EventRequest.Actor(e.actorSub, e.actorAgency,
                            e.actorRoles == null ? null : json.readValue(e.actorRoles, ROLES)),
                    subject.isEmpty() ? null : subject, e.outcome, e.payloadSha256,
                    json.readTree(e.canonical).get("details"), e.canonical);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored event " + e.seq + " is not valid JSON", ex);
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
