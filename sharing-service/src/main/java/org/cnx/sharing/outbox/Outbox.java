package org.cnx.sharing.outbox;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

/** Writes outgoing messages inside the caller's transaction and wakes the relay once it commits. */
@ApplicationScoped
public class Outbox {

    /** In the order given: the sequence (and so the sending order) follows it. */
    private static final String INSERT_ALL = """
            INSERT INTO outbox_message (id, destination, payload, created_at, available_at)
            SELECT u.id::uuid, ?, u.payload, now(), now()
              FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u(id, payload, n) ORDER BY u.n""";

    private final EntityManager em;
    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;

    Outbox(EntityManager em, TransactionSynchronizationRegistry transactions, OutboxRelay relay) {
        this.em = em;
        this.transactions = transactions;
        this.relay = relay;
    }

    /**
     * One outgoing message: its id and its JSON, one value or several separated by commas. The relay sends a batch
     * of messages as one JSON array of their payloads, so several values in one message travel as that many elements
     * (the receiver de-duplicates by each element's own id).
     */
    public record Message(UUID id, String json) {
    }

    /**
     * Many messages in one statement, in this order, inside the caller's transaction: for callers that
     * record hundreds of events per transaction (the delivery relay). Every message, one or many, is written
     * at once by this statement, so the sequence follows the order of the calls.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueueAll(String destination, List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        String[] ids = new String[messages.size()];
        String[] payloads = new String[messages.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = messages.get(i).id().toString();
            payloads[i] = messages.get(i).json();
        }
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_ALL)) {
                ps.setString(1, destination);
                ps.setArray(2, c.createArrayOf("text", ids));
                ps.setArray(3, c.createArrayOf("text", payloads));
                ps.executeUpdate();
            }
        });
        wakeOnCommit(destination);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(String destination, UUID messageId, String json) {
        enqueueAll(destination, List.of(new Message(messageId, json)));
    }

    private void wakeOnCommit(String destination) {
        AfterCommit.run(transactions, () -> relay.wake(destination));
    }
}
