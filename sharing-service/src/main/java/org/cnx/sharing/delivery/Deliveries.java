package org.cnx.sharing.delivery;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.jdbc.InTransaction;
import org.cnx.sharing.outbox.AfterCommit;

/** Schedules deliveries inside the releasing transaction (in plain SQL) and wakes the relay when it commits. */
@ApplicationScoped
public class Deliveries {

    private static final String INSERT = """
            INSERT INTO delivery (id, release_id, kind, report_id, partner, payload, payload_sha256, status, last_error,
                                  attempts, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)""";

    private final EntityManager em;
    private final TransactionSynchronizationRegistry transactions;
    private final DeliveryRelay relay;
    private final DeliveryHousekeeping housekeeping;

    Deliveries(EntityManager em, TransactionSynchronizationRegistry transactions, DeliveryRelay relay,
            DeliveryHousekeeping housekeeping) {
        this.em = em;
        this.transactions = transactions;
        this.relay = relay;
        this.housekeeping = housekeeping;
    }

    /**
     * Fails what is still pending for a partner being removed (its recalls: its records' releases are cancelled),
     * audited DELIVERY_FAILED with the admin, so that none of it goes to a partner registered later under the same
     * code. Returns how many.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int partnerRemoved(String partner, AuditEvent.Actor admin) {
        return housekeeping.partnerRemoved(partner, admin);
    }

    /** A released record (or a recall) to send, once the scheduling transaction commits. */
    public record Scheduled(UUID releaseId, UUID reportId, String partner, String payload, String payloadSha256) {
    }

    /** The released record, to be sent at once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID schedule(UUID releaseId, UUID reportId, String partner, String payload, String payloadSha256) {
        return scheduleAll(List.of(new Scheduled(releaseId, reportId, partner, payload, payloadSha256))).get(0);
    }

    /**
     * Released records, to be sent at once: in one batch (a hand-over releases hundreds of records at a time), and not
     * as entities, whose insert machinery cost more than the statement. Returns the deliveries' ids, in order.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<UUID> scheduleAll(List<Scheduled> records) {
        return insert(Delivery.Kind.RECORD, Delivery.Status.PENDING, null, records, null);
    }

    /** A recall of a released record, sent no earlier than {@code notBefore} (e.g. after an attempt in flight). */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID scheduleRecall(UUID releaseId, UUID reportId, String partner, String payload, String payloadSha256,
            Instant notBefore) {
        Scheduled recall = new Scheduled(releaseId, reportId, partner, payload, payloadSha256);
        return insert(Delivery.Kind.RECALL, Delivery.Status.PENDING, null, List.of(recall), notBefore).get(0);
    }

    /**
     * A recall that cannot reach the partner that may hold the record: no longer registered, or its code registered
     * anew since the record's last attempt. Stored as failed with {@code why}, never sent: the code's new holder
     * hears nothing of the report.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID recallFailed(UUID releaseId, UUID reportId, String partner, String payload, String payloadSha256,
            String why) {
        Scheduled recall = new Scheduled(releaseId, reportId, partner, payload, payloadSha256);
        return insert(Delivery.Kind.RECALL, Delivery.Status.FAILED, why, List.of(recall), null).get(0);
    }

    private List<UUID> insert(Delivery.Kind kind, Delivery.Status status, String lastError, List<Scheduled> scheduled,
            Instant notBefore) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant due = notBefore != null && notBefore.isAfter(now) ? notBefore : now;
        List<Row> rows = scheduled.stream().map(s -> new Row(UUID.randomUUID(), s)).toList();
        InTransaction.insertAll(em, INSERT, rows, (ps, row) -> {
            Scheduled s = row.scheduled();
            ps.setObject(1, row.id());
            ps.setObject(2, s.releaseId());
            ps.setString(3, kind.name());
            ps.setObject(4, s.reportId());
            ps.setString(5, s.partner());
            ps.setString(6, s.payload());
            ps.setString(7, s.payloadSha256());
            ps.setString(8, status.name());
            ps.setString(9, lastError);
            InTransaction.setInstant(ps, 10, due);
            InTransaction.setInstant(ps, 11, now);
        });
        if (status == Delivery.Status.PENDING && !rows.isEmpty()) {
            wakeRelayOnCommit();
        }
        return rows.stream().map(Row::id).toList();
    }

    /**
     * A partner's deliveries that wait out a retry's backoff, due at once: an exchange-admin registered a new endpoint
     * for it, or re-enabled it, and the backoff they earned where it was (up to {@code cnx.delivery.max-backoff}, 12 h)
     * says nothing of where it is. Attempts in flight are untouched (they were due when claimed, and hold a lease), and
     * so are deliveries never tried (a recall scheduled after an attempt in flight keeps its turn). Returns how many.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int dueNow(String partner) {
        int due = em.createNativeQuery("""
                UPDATE delivery SET next_attempt_at = now()
                 WHERE partner = ?1 AND status = 'PENDING' AND attempts > 0 AND next_attempt_at > now()""")
                .setParameter(1, partner).executeUpdate();
        if (due > 0) {
            wakeRelayOnCommit();
        }
        return due;
    }

    /** A delivery row to insert: its id, made here, and what it carries. */
    private record Row(UUID id, Scheduled scheduled) {
    }

    /** The relay looks for due deliveries as soon as the current transaction commits. */
    @Transactional(Transactional.TxType.MANDATORY)
    void wakeRelayOnCommit() {
        AfterCommit.run(transactions, relay::wake);
    }
}
