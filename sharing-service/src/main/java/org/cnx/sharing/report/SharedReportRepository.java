package org.cnx.sharing.report;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class SharedReportRepository implements PanacheRepositoryBase<SharedReport, UUID> {

    /** Which of {@code ids} are already known, in one query. */
    public Set<UUID> known(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        List<UUID> found = getEntityManager()
                .createQuery("select r.id from SharedReport r where r.id in :ids", UUID.class)
                .setParameter("ids", ids).getResultList();
        return found.stream().collect(Collectors.toSet());
    }

    /** The reports among {@code ids} that are known, by id (one query). */
    public Map<UUID, SharedReport> byIds(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return list("id in ?1", ids).stream().collect(Collectors.toMap(r -> r.id, r -> r));
    }
}
