package org.cnx.sharing.report;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.jdbc.InTransaction;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class SharedReportRepository implements PanacheRepositoryBase<SharedReport, UUID> {

    private static final String KNOWN = "SELECT id FROM shared_report WHERE id = ANY(?)";

    private static final String HOLD = """
            SELECT pg_advisory_xact_lock(hashtextextended(id::text, 7)) FROM unnest(?::uuid[]) AS u(id) ORDER BY id""";

    private static final String INSERT = """
            INSERT INTO shared_report (id, agency, country, tlp, type, received_at, body, watchlist_hits)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)""";

    /** New reports, in one batch; they are not managed afterwards. */
    public void insertAll(List<SharedReport> reports) {
        InTransaction.insertAll(getEntityManager(), INSERT, reports, (ps, r) -> {
            ps.setObject(1, r.id);
            ps.setString(2, r.agency);
            ps.setString(3, r.country);
            ps.setString(4, r.tlp);
            ps.setString(5, r.type);
            InTransaction.setInstant(ps, 6, r.receivedAt);
            ps.setString(7, r.body);
            ps.setArray(8, ps.getConnection().createArrayOf("text", r.watchlistHits));
        });
    }

    /**
     * Holds each of {@code ids} for this transaction (an advisory lock on the report id, taken in id order): a
     * hand-over of the same report under way (intake re-sending a batch whose answer it stopped waiting for) commits
     * first, and {@link #known} then sees it. Both read the report as new, and the second failed on its key, a 500.
     */
    public void hold(Collection<UUID> ids) {
        InTransaction.selectByIds(getEntityManager(), HOLD, ids, rs -> null);
    }

    /** Which of {@code ids} are already known, in one statement (before the transaction persists reports). */
    public Set<UUID> known(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(InTransaction.selectByIds(getEntityManager(), KNOWN, ids, rs -> rs.getObject(1, UUID.class)));
    }

    /** The reports among {@code ids} that are known, by id (one query). */
    public Map<UUID, SharedReport> byIds(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return list("id in ?1", ids).stream().collect(Collectors.toMap(r -> r.id, r -> r));
    }
}
