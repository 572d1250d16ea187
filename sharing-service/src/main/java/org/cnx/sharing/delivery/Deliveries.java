package org.cnx.sharing.delivery;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import org.cnx.sharing.outbox.AfterCommit;

/** Schedules deliveries inside the releasing transaction and wakes the relay when it commits. */
@ApplicationScoped
public class Deliveries {

    private final EntityManager em;
    private final TransactionSynchronizationRegistry transactions;
    private final DeliveryRelay relay;

    Deliveries(EntityManager em, TransactionSynchronizationRegistry transactions, DeliveryRelay relay) {
        this.em = em;
        this.transactions = transactions;
        this.relay = relay;
    }

    /** The released record, to be sent at once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID schedule(UUID releaseId, UUID reportId, String partner, String payload, String payloadSha256) {
        return schedule(Delivery.Kind.RECORD, releaseId, reportId, partner, payload, payloadSha256, null);
    }

    /** A recall of a released record, sent no earlier than {@code notBefore} (e.g. after an attempt in flight). */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID scheduleRecall(UUID releaseId, UUID reportId, String partner, String payload, String payloadSha256,
            Instant notBefore) {
        return schedule(Delivery.Kind.RECALL, releaseId, reportId, partner, payload, payloadSha256, notBefore);
    }

    private UUID schedule(Delivery.Kind kind, UUID releaseId, UUID reportId, String partner, String payload,
            String payloadSha256, Instant notBefore) {
        Delivery delivery = new Delivery();
        delivery.id = UUID.randomUUID();
        delivery.kind = kind;
        delivery.releaseId = releaseId;
        delivery.reportId = reportId;
        delivery.partner = partner;
        delivery.payload = payload;
        delivery.payloadSha256 = payloadSha256;
        delivery.status = Delivery.Status.PENDING;
        delivery.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        delivery.nextAttemptAt = notBefore != null && notBefore.isAfter(delivery.createdAt)
                ? notBefore : delivery.createdAt;
        em.persist(delivery);
        wakeRelayOnCommit();
        return delivery.id;
    }

    /** The relay looks for due deliveries as soon as the current transaction commits. */
    @Transactional(Transactional.TxType.MANDATORY)
    void wakeRelayOnCommit() {
        AfterCommit.run(transactions, relay::wake);
    }
}
