package org.cnx.sharing.report;

import java.util.Collection;
import java.util.HashSet;
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
