package org.cnx.sharing.release;

import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.cnx.sharing.jdbc.InTransaction;
import org.cnx.sharing.paging.Filter;
import org.hibernate.Session;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class ReleaseRepository implements PanacheRepositoryBase<Release, UUID> {

    private static final String INSERT = """
            INSERT INTO release (id, report_id, partner, origin_agency, origin_country, action, status,
                                 required_approvals, rule, reasons, policy_version, redaction, withheld, payload,
                                 payload_sha256, decided_at, closed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?)""";

    /** New decisions, in one batch, in this order (their seq follows it); they are not managed afterwards. */
    public void insertAll(List<Release> decided) {
        InTransaction.insertAll(getEntityManager(), INSERT, decided, (ps, r) -> {
            ps.setObject(1, r.id);
            ps.setObject(2, r.reportId);
            ps.setString(3, r.partner);
            ps.setString(4, r.originAgency);
            ps.setString(5, r.originCountry);
            ps.setString(6, r.action.name());
            ps.setString(7, r.status.name());
            ps.setInt(8, r.requiredApprovals);
            ps.setString(9, r.rule);
            ps.setString(10, r.reasons);
            ps.setObject(11, r.policyVersion, Types.INTEGER);
            ps.setString(12, r.redaction);
            ps.setString(13, r.withheld);
            ps.setString(14, r.payload);
            ps.setString(15, r.payloadSha256);
            InTransaction.setInstant(ps, 16, r.decidedAt);
            InTransaction.setInstant(ps, 17, r.closedAt);
        });
    }

    /** A release of a report from {@code country}; other countries' releases do not exist for the caller. */
    public Optional<Release> findForCountry(UUID id, String country) {
        return find("id = ?1 and originCountry = ?2", id, country).firstResultOptional();
    }

    /**
     * What {@code read} reads, in one snapshot of the database, its own read-only transaction: a release's payload,
     * manifest and reasons load only when read, in a statement of their own, and a change re-forming the release
     * between the two statements showed an officer the new payload beside the old payloadSha256, rule and approvals.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public <T> T snapshot(Supplier<T> read) {
        setForThisTransaction("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        return read.get();
    }

    public Optional<Release> lockForCountry(UUID id, String country) {
        return find("id = ?1 and originCountry = ?2", id, country)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /** Every release of a report, locked (a recall and an approval must not interleave). */
    public List<Release> lockForReport(UUID reportId) {
        return find("reportId", Sort.by("seq"), reportId).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /**
     * A page of a country's releases in seq order, planned for the values asked each time: a plan made once for any
     * (the pool's prepared statements end up with one) walked every country's releases in seq order, and an officer's
     * queue of a few waiting releases read the whole history before them. Planning a list takes a fraction of a
     * millisecond.
     */
    @Transactional
    public List<Release> page(String country, Release.Status status, String partner, UUID reportId, long afterSeq,
            int limit) {
        setForThisTransaction("SET LOCAL plan_cache_mode = force_custom_plan");
        Filter filter = new Filter("originCountry = :country and seq > :after", Parameters.with("country", country).and("after", afterSeq))
                .and("status", status).and("partner", partner).and("reportId", reportId);
        return find(filter.query(), Sort.by("seq"), filter.params()).page(0, limit).list();
    }

    /** A {@code SET} that holds for the current transaction only (the pool's connection keeps its defaults). */
    private void setForThisTransaction(String setting) {
        getEntityManager().unwrap(Session.class).doWork(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(setting);
            }
        });
    }

    /** Approval counts for a page of releases, in one query. */
    public Map<UUID, Long> approvalCounts(List<UUID> releaseIds) {
        Map<UUID, Long> counts = new java.util.HashMap<>();
        if (releaseIds.isEmpty()) {
            return counts;
        }
        List<Object[]> rows = new ArrayList<>(getEntityManager().createQuery(
                "select a.releaseId, count(a) from Approval a where a.releaseId in :ids group by a.releaseId",
                Object[].class).setParameter("ids", releaseIds).getResultList());
        rows.forEach(r -> counts.put((UUID) r[0], (Long) r[1]));
        return counts;
    }

    public List<Approval> approvals(UUID releaseId) {
        return getEntityManager()
                .createQuery("from Approval a where a.releaseId = :id order by a.approvedAt", Approval.class)
                .setParameter("id", releaseId).getResultList();
    }
}
