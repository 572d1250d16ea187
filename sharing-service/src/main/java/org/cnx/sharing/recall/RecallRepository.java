package org.cnx.sharing.recall;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.jdbc.InTransaction;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class RecallRepository implements PanacheRepositoryBase<Recall, UUID> {

    private static final String AGENCIES = "SELECT report_id, agency FROM recall WHERE report_id = ANY(?)";

    /**
     * Report id → withdrawing agency, for those of {@code reportIds} already withdrawn, in one statement (before
     * the transaction persists recalls): it runs on every hand-over.
     */
    public Map<UUID, String> agencies(Collection<UUID> reportIds) {
        if (reportIds.isEmpty()) {
            return Map.of();
        }
        return InTransaction.selectByIds(getEntityManager(), AGENCIES, reportIds,
                rs -> Map.entry(rs.getObject(1, UUID.class), rs.getString(2))).stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
