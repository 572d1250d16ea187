package org.cnx.intake.idempotency;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Remembers the response to each {@code Idempotency-Key}. The caller first takes a transaction-scoped
 * advisory lock on (agency, key), so concurrent requests with one key run one after the other: the
 * first creates the report, the others find its record and replay it.
 */
@ApplicationScoped
public class IdempotencyKeys {

    private static final Logger LOG = Logger.getLogger(IdempotencyKeys.class);
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";

    private final EntityManager em;
    private final IdempotencyConfig config;

    IdempotencyKeys(EntityManager em, IdempotencyConfig config) {
        this.em = em;
        this.config = config;
    }

    /**
     * Serialises every transaction working on {@code lockName} until it ends. Plain JDBC on the transaction's
     * connection: as a Hibernate native query, mapping the void result (result-set metadata, type resolution) and
     * the auto-flush before it cost more than the statement, a tenth of intake's CPU per report.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lock(String lockName) {
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(LOCK)) {
                ps.setString(1, lockName);
                ps.execute();
            }
        });
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<IdempotencyRecord> find(String agency, String key) {
        lock("idempotency:" + agency + ":" + key);
        IdempotencyRecord found = em.find(IdempotencyRecord.class, new IdempotencyRecord.Key(agency, key));
        return Optional.ofNullable(found).filter(r -> r.expiresAt.isAfter(Instant.now()));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void remember(String agency, String key, String fingerprint, UUID reportId, int status, String body) {
        IdempotencyRecord stale = em.find(IdempotencyRecord.class, new IdempotencyRecord.Key(agency, key));
        if (stale != null) {
            // an expired record, read by find(): the hourly clean-up may have deleted its row since (it takes no
            // lock), and a remove() of a row already gone failed the submission with a 500. A delete by key does not
            // mind.
            em.detach(stale);
            em.createQuery("delete from IdempotencyRecord r where r.id.agency = :agency and r.id.key = :key")
                    .setParameter("agency", agency).setParameter("key", key).executeUpdate();
        }
        IdempotencyRecord record = new IdempotencyRecord();
        record.id = new IdempotencyRecord.Key(agency, key);
        record.fingerprint = fingerprint;
        record.reportId = reportId;
        record.responseStatus = status;
        record.responseBody = body;
        record.createdAt = Instant.now();
        record.expiresAt = record.createdAt.plus(config.retention());
        em.persist(record);
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void forgetExpired() {
        int removed = em.createQuery("delete from IdempotencyRecord r where r.expiresAt < :now")
                .setParameter("now", Instant.now()).executeUpdate();
        if (removed > 0) {
            LOG.debugf("forgot %d expired idempotency keys", removed);
        }
    }
}
