package org.cnx.intake.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cnx.intake.outbox.Outbox;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Records audit events through the outbox, so an event is sent if and only if its change commits. */
@ApplicationScoped
public class AuditTrail {

    static final String DESTINATION = "audit";
    private static final String SERVICE = "intake";

    private final Outbox outbox;
    private final ObjectMapper json;

    AuditTrail(Outbox outbox, ObjectMapper json) {
        this.outbox = outbox;
        this.json = json;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String action, String outcome, JsonWebToken caller, AuditEvent.Subject subject,
            String payloadSha256, Map<String, Object> details) {
        Outbox.Message message = event(action, outcome, caller, subject, payloadSha256, details);
        outbox.enqueue(message.destination(), message.id(), message.json());
    }

    /** The event as an outbox message, for a caller that writes it with its other messages in one statement. */
    public Outbox.Message event(String action, String outcome, JsonWebToken caller, AuditEvent.Subject subject,
            String payloadSha256, Map<String, Object> details) {
        AuditEvent event = new AuditEvent(UUID.randomUUID(), Instant.now(), SERVICE, action, actor(caller),
                subject, outcome, payloadSha256, details);
        try {
            return new Outbox.Message(DESTINATION, event.eventId(), json.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit event not serialisable", e);
        }
    }

    static AuditEvent.Actor actor(JsonWebToken caller) {
        return new AuditEvent.Actor(caller.getSubject(), caller.getClaim("agency"),
                List.copyOf(caller.getGroups()));
    }
}
