package org.cnx.intake.outbox;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

/**
 * Writes outgoing messages inside the caller's transaction and wakes their relays once it commits. The rows go in
 * plain SQL, one statement for all of a transaction's messages, when the caller asks: as entities, a submission's two
 * messages cost more in Hibernate's insert machinery than in the database.
 */
@ApplicationScoped
public class Outbox {

    /** In the order given: the sequence (and so the sending order) follows it. */
    private static final String INSERT_ALL = """
            INSERT INTO outbox_message (id, destination, payload, created_at, available_at)
            SELECT u.id::uuid, u.destination, u.payload, now(), now()
              FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS u(id, destination, payload, n)
             ORDER BY u.n""";

    /** Whether a message taken back was being sent as it was: its relay's outcome then changes nothing. */
    private static final String TAKE_BACK = """
            DELETE FROM outbox_message WHERE id = ?1 AND destination = ?2
            RETURNING lease_until IS NOT NULL AND lease_until >= now()""";

    /** What {@link #takeBack} found of the message. */
    public enum TakenBack {
        /** It had left (or never was): nothing to take back. */
        NONE,
        /** It was waiting (its receiver down, or slow to answer): it will not be sent. */
        UNSENT,
        /** A relay was sending it: it may have arrived, and will not be sent again. */
        IN_FLIGHT
    }

    /** One outgoing message: where it goes, its id (the receiver de-duplicates by it) and its JSON document. */
    public record Message(String destination, UUID id, String json) {
    }

    private final EntityManager em;
    private final TransactionSynchronizationRegistry transactions;
    private final OutboxRelay relay;

    Outbox(EntityManager em, TransactionSynchronizationRegistry transactions, OutboxRelay relay) {
        this.em = em;
        this.transactions = transactions;
        this.relay = relay;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(String destination, UUID messageId, String json) {
        enqueueAll(List.of(new Message(destination, messageId, json)));
    }

    /** The messages in one statement, in this order. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueueAll(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        String[] ids = new String[messages.size()];
        String[] destinations = new String[messages.size()];
        String[] payloads = new String[messages.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = messages.get(i).id().toString();
            destinations[i] = messages.get(i).destination();
            payloads[i] = messages.get(i).json();
        }
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_ALL)) {
                ps.setArray(1, c.createArrayOf("text", ids));
                ps.setArray(2, c.createArrayOf("text", destinations));
                ps.setArray(3, c.createArrayOf("text", payloads));
                ps.executeUpdate();
            }
        });
        messages.stream().map(Message::destination).distinct().forEach(this::wakeOnCommit);
    }

    /** Takes back, in the caller's transaction, the message {@code id} to {@code destination} that has not left. */
    @Transactional(Transactional.TxType.MANDATORY)
    public TakenBack takeBack(String destination, UUID id) {
        @SuppressWarnings("unchecked")
        List<Boolean> found = em.createNativeQuery(TAKE_BACK).setParameter(1, id).setParameter(2, destination)
                .getResultList();
        return found.isEmpty() ? TakenBack.NONE : found.get(0) ? TakenBack.IN_FLIGHT : TakenBack.UNSENT;
    }

    private void wakeOnCommit(String destination) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wake(destination);
                }
            }
        });
    }
}
