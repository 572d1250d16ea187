package org.cnx.sharing.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cnx.sharing.outbox.Outbox;
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
    private static final String SERVICE = "sharing";

    /**
     * Events a {@link Batch} packs into one outbox message. The relay sends its messages as one JSON array, their
     * payloads joined by commas, so a message may carry several events: a hand-over's hundreds of events then take
     * tens of rows to insert, claim, delete and vacuum instead of hundreds (at half of I in the benchmark, those
     * rows took a quarter of PostgreSQL's statement time). The relay to audit claims a tenth as many messages at a
     * time ({@link AuditClient#batchSize()}), so that a POST still carries up to 100 events.
     */
    static final int EVENTS_PER_MESSAGE = 10;

    private final Outbox outbox;
    private final ObjectMapper json;

    AuditTrail(Outbox outbox, ObjectMapper json) {
        this.outbox = outbox;
        this.json = json;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String action, String outcome, AuditEvent.Actor actor, AuditEvent.Subject subject,
            String payloadSha256, Map<String, Object> details) {
        AuditEvent event = new AuditEvent(UUID.randomUUID(), Instant.now(), SERVICE, action, actor,
                subject, outcome, payloadSha256, details);
        outbox.enqueue(DESTINATION, event.eventId(), write(event));
    }

    /**
     * Collects events to record together, in order, with one statement ({@link Outbox#enqueueAll}), up to
     * {@link #EVENTS_PER_MESSAGE} to an outbox message.
     */
    public Batch batch() {
        return new Batch();
    }

    public final class Batch {

        /** An event without its time: a batch's events are stamped when they are recorded. */
        private record Pending(String action, String outcome, AuditEvent.Actor actor, AuditEvent.Subject subject,
                String payloadSha256, Map<String, Object> details) {
        }

        private final List<Pending> events = new ArrayList<>();

        private Batch() {
        }

        public void add(String action, String outcome, AuditEvent.Actor actor, AuditEvent.Subject subject,
                String payloadSha256, Map<String, Object> details) {
            events.add(new Pending(action, outcome, actor, subject, payloadSha256, details));
        }

        /**
         * Writes the events collected so far inside the current transaction, stamped now: a change records its own
         * event before the cancellations it caused, and they were stamped before it, when they were collected.
         */
        public void record() {
            Instant now = Instant.now();
            List<Outbox.Message> messages = new ArrayList<>(events.size());
            for (Pending p : events) {
                AuditEvent event = new AuditEvent(UUID.randomUUID(), now, SERVICE, p.action(), p.actor(), p.subject(),
                        p.outcome(), p.payloadSha256(), p.details());
                messages.add(new Outbox.Message(event.eventId(), write(event)));
            }
            outbox.enqueueAll(DESTINATION, pack(messages, EVENTS_PER_MESSAGE));
            events.clear();
        }
    }

    /**
     * Events, one to a message, as messages of up to {@code perMessage} events each, in order: a message's payload is
     * its events joined by commas, and its id its first event's (audit-service de-duplicates by each event's id).
     */
    static List<Outbox.Message> pack(List<Outbox.Message> events, int perMessage) {
        List<Outbox.Message> messages = new ArrayList<>((events.size() + perMessage - 1) / perMessage);
        for (int from = 0; from < events.size(); from += perMessage) {
            List<Outbox.Message> part = events.subList(from, Math.min(from + perMessage, events.size()));
            StringJoiner payload = new StringJoiner(",");
            part.forEach(event -> payload.add(event.json()));
            messages.add(new Outbox.Message(part.get(0).id(), payload.toString()));
        }
        return messages;
    }

    private String write(AuditEvent event) {
        try {
            String text = json.writeValueAsString(event);
            if (text.contains("\\u0000")) { // a NUL from a caller's input
                text = json.writeValueAsString(withoutNul(json.valueToTree(event)));
            }
            return text;
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

    /** Steps the exchange takes on its own (decisions on receipt, deliveries). */
    public static final AuditEvent.Actor SYSTEM = new AuditEvent.Actor("cnx-sharing", null, List.of("service"));

    public static AuditEvent.Actor actor(JsonWebToken caller) {
        return new AuditEvent.Actor(caller.getSubject(), caller.getClaim("agency"),
                List.copyOf(caller.getGroups()));
    }

    /** Lowercase hex SHA-256 of the UTF-8 bytes of {@code text}: the {@code payloadSha256} of events. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
