package org.cnx.sharing.delivery;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Now and then: fails the pending deliveries of partners an exchange-admin removed (audited
 * DELIVERY_FAILED), and prunes the attempt history older than {@code cnx.delivery.attempt-retention}.
 * Every replica runs it; {@code SKIP LOCKED} keeps them from failing the same row twice.
 */
@ApplicationScoped
class DeliveryHousekeeping {

    private static final Logger LOG = Logger.getLogger(DeliveryHousekeeping.class);
    private static final int BATCH = 100;

    private final DeliveryConfig config;
    private final DeliveryStore store;
    private final EntityManager em;
    private final AuditTrail audit;

    DeliveryHousekeeping(DeliveryConfig config, DeliveryStore store, EntityManager em, AuditTrail audit) {
        this.config = config;
        this.store = store;
        this.em = em;
        this.audit = audit;
    }

    @Scheduled(every = "${cnx.delivery.housekeeping-interval:30s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        if (!config.relayEnabled()) {
            return;
        }
        try {
            while (failOrphans() == BATCH) {
                // more of them: next batch
            }
            int pruned = store.pruneAttempts(config.attemptRetention());
            if (pruned > 0) {
                LOG.debugf("pruned %d delivery attempts older than %s", pruned, config.attemptRetention());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("delivery housekeeping: %s", e.getMessage());
        }
    }

    int failOrphans() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<DeliveryStore.Orphan> orphans = em.unwrap(Session.class)
                    .doReturningWork(c -> store.failOrphans(c, BATCH));
            audit(orphans, AuditTrail.SYSTEM);
            return orphans.size();
        });
    }

    /** In the caller's transaction, which removes {@code partner}: its pending deliveries fail at once. */
    int partnerRemoved(String partner, AuditEvent.Actor admin) {
        List<DeliveryStore.Orphan> orphans = em.unwrap(Session.class)
                .doReturningWork(c -> store.failPendingOf(c, partner));
        audit(orphans, admin);
        return orphans.size();
    }

    private void audit(List<DeliveryStore.Orphan> orphans, AuditEvent.Actor actor) {
        for (DeliveryStore.Orphan o : orphans) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("kind", o.kind().name());
            details.put("attempts", o.attempts());
            details.put("error", "partner is not registered");
            audit.record("DELIVERY_FAILED", "FAILURE", actor,
                    new AuditEvent.Subject(o.reportId(), o.releaseId(), o.id(), o.partner()), o.sha256(), details);
        }
    }
}
