package org.cnx.sharing.recall;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class RecallRepository implements PanacheRepositoryBase<Recall, UUID> {

    /** Report id → withdrawing agency, for those of {@code reportIds} already withdrawn (one query). */
    public Map<UUID, String> agencies(Collection<UUID> reportIds) {
        if (reportIds.isEmpty()) {
            return Map.of();
        }
        return list("reportId in ?1", reportIds).stream().collect(Collectors.toMap(r -> r.reportId, r -> r.agency));
    }
}
