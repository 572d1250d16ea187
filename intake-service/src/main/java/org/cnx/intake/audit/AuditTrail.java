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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

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
            String text = json.writeValueAsString(event);
            if (text.contains("\\u0000")) { // a NUL from a caller's input, such as a field name in a refused body
                text = json.writeValueAsString(withoutNul(json.valueToTree(event)));
            }
            return new Outbox.Message(DESTINATION, event.eventId(), text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit event not serialisable", e);
        }
    }

    /**
     * The event with every U+0000 in its names and texts replaced by U+FFFD: audit-service refuses a NUL, which
     * PostgreSQL cannot store, and an event it refuses would be retried for ever, never logged.
     */
    static JsonNode withoutNul(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            return text.indexOf('\0') < 0 ? node : TextNode.valueOf(text.replace('\0', '\uFFFD'));
        }
        if (node.isArray()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(element -> array.add(withoutNul(element)));
            return array;
        }
        if (node.isObject()) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(
                    field -> object.set(field.getKey().replace('\0', '\uFFFD'), withoutNul(field.getValue())));
            return object;
        }
        return node;
    }

    static AuditEvent.Actor actor(JsonWebToken caller) {
        return new AuditEvent.Actor(caller.getSubject(), caller.getClaim("agency"),
                List.copyOf(caller.getGroups()));
    }
}
