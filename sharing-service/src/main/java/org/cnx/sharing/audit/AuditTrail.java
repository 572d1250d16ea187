package org.cnx.sharing.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cnx.sharing.outbox.Outbox;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Records audit events through the outbox, so an event is sent if and only if its change commits. */
@ApplicationScoped
public class AuditTrail {

    static final String DESTINATION = "audit";
    private static final String SERVICE = "sharing";

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

    /** Collects events to record together, in order, with one statement ({@link Outbox#enqueueAll}). */
    public Batch batch() {
        return new Batch();
    }

    public final class Batch {

        private final List<Outbox.Message> messages = new ArrayList<>();

        private Batch() {
        }

        public void add(String action, String outcome, AuditEvent.Actor actor, AuditEvent.Subject subject,
                String payloadSha256, Map<String, Object> details) {
            AuditEvent event = new AuditEvent(UUID.randomUUID(), Instant.now(), SERVICE, action, actor, subject, outcome,
                    payloadSha256, details);
            messages.add(new Outbox.Message(event.eventId(), write(event)));
        }

        /** Writes the events collected so far inside the current transaction. */
        public void record() {
            outbox.enqueueAll(DESTINATION, messages);
            messages.clear();
        }
    }

    private String write(AuditEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit event not serialisable", e);
        }
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
