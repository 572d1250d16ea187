package org.cnx.sharing.report;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.Session;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class SharedReportRepository implements PanacheRepositoryBase<SharedReport, UUID> {

    private static final String KNOWN = "SELECT id FROM shared_report WHERE id = ANY(?)";

    /**
     * Which of {@code ids} are already known, in one statement. Plain JDBC on the transaction's connection (no
     * auto-flush: call it before persisting reports in the transaction): it runs once per hand-over, and as an
     * HQL query its building and result handling cost more than the lookup.
     */
    public Set<UUID> known(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return getEntityManager().unwrap(Session.class).doReturningWork(c -> {
            Set<UUID> found = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(KNOWN)) {
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return found;
        });
    }

    /** The reports among {@code ids} that are known, by id (one query). */
    public Map<UUID, SharedReport> byIds(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return list("id in ?1", ids).stream().collect(Collectors.toMap(r -> r.id, r -> r));
    }
}
