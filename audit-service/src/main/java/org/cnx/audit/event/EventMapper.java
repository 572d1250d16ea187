package org.cnx.audit.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.audit.merkle.Merkle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

@ApplicationScoped
public class EventMapper {

    private static final TypeReference<List<String>> ROLES = new TypeReference<>() {
    };

    private final ObjectMapper json;
    /** Leaves are read leniently: one a newer version wrote, with a field this one does not know, is still shown. */
    private final ObjectMapper leaves;

    EventMapper(ObjectMapper json) {
        this.json = json;
        this.leaves = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The log entry for a normalised event. */
    AuditEvent toEntity(EventRequest event, long seq, Instant recordedAt) {
        AuditEvent entity = new AuditEvent();
        entity.seq = seq;
        entity.eventId = event.eventId();
        entity.occurredAt = event.occurredAt();
        entity.recordedAt = recordedAt;
        entity.service = event.service().code();
        entity.action = event.action().name();
        entity.actorSub = event.actor().sub();
        entity.actorAgency = event.actor().agency();
        entity.actorRoles = event.actor().roles() == null ? null : write(event.actor().roles());
        if (event.subject() != null) {
            entity.reportId = event.subject().reportId();
            entity.releaseId = event.subject().releaseId();
            entity.deliveryId = event.subject().deliveryId();
            entity.partner = event.subject().partner();
        }
        entity.outcome = event.outcome().name();
        entity.payloadSha256 = event.payloadSha256();
        entity.details = event.details() == null ? null : write(event.details());
        entity.canonical = CanonicalJson.of(event);
        entity.leafHash = Merkle.leafHash(entity.canonical);
        return entity;
    }

    /**
     * An event as the log hashed it, read leniently: its action and outcome as text, so that one a newer version logged
     * (an action added since, during a rolling upgrade) is shown as it is, not from its columns, nor a failed page.
     */
    private record Logged(UUID eventId, @JsonDeserialize(using = UtcInstant.class) Instant occurredAt,
            ServiceName service, String action, EventRequest.Actor actor, EventRequest.Subject subject, String outcome,
            String payloadSha256) {
    }

    /**
     * The event as auditors read it: the canonical text the log hashed, with the {@code seq} and {@code recordedAt}
     * the log gave it. Not the columns beside it, which queries filter by: one changed by someone with the database's
     * keys was shown as the event's (verification names such a column), and the stored jsonb's numbers are
     * PostgreSQL's (10000000 for the 1.0E7 hashed). What the API shows rebuilds the leaf. A row whose text is no
     * event (junk, which verification names too) is shown from its columns, not a failed page.
     */
    EventView toView(AuditEvent e) {
        try {
            JsonNode leaf = json.readTree(e.canonical);
            Logged logged = leaves.treeToValue(leaf, Logged.class);
            if (logged.eventId() != null && logged.occurredAt() != null && logged.service() != null
                    && logged.action() != null && logged.actor() != null && logged.outcome() != null) {
                return new EventView(e.seq, logged.eventId(), logged.occurredAt(), e.recordedAt, logged.service(),
                        logged.action(), logged.actor(), logged.subject(), logged.outcome(), logged.payloadSha256(),
                        leaf.get("details"), e.canonical);
            }
        } catch (JsonProcessingException | IllegalArgumentException notAnEvent) {
            // shown from its columns below
        }
        return fromColumns(e);
    }

    /** A column that names no service, or roles that are no list of text, is shown as null, not a failed page. */
    private EventView fromColumns(AuditEvent e) {
        EventRequest.Subject subject = new EventRequest.Subject(e.reportId, e.releaseId, e.deliveryId, e.partner);
        ServiceName service;
        try {
            service = ServiceName.of(e.service);
        } catch (IllegalArgumentException unknown) {
            service = null;
        }
        List<String> roles;
        try {
            roles = e.actorRoles == null ? null : json.readValue(e.actorRoles, ROLES);
        } catch (JsonProcessingException | IllegalArgumentException notAList) {
            roles = null;
        }
        return new EventView(e.seq, e.eventId, e.occurredAt, e.recordedAt, service, e.action,
                new EventRequest.Actor(e.actorSub, e.actorAgency, roles),
                subject.isEmpty() ? null : subject, e.outcome, e.payloadSha256, null, e.canonical);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }
}
