package org.cnx.sharing.delivery;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

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

    @Transactional(Transactional.TxType.MANDATORY)
    public void schedule(UUID releaseId, UUID reportId, String partner, String payload, String payloadSha256) {
        Delivery delivery = new Delivery();
        delivery.id = UUID.randomUUID();
        delivery.releaseId = releaseId;
        delivery.reportId = reportId;
        delivery.partner = partner;
        delivery.payload = payload;
        delivery.payloadSha256 = payloadSha256;
        delivery.status = Delivery.Status.PENDING;
        delivery.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        delivery.nextAttemptAt = delivery.createdAt;
        em.persist(delivery);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wake();
                }
            }
        });
    }
}
