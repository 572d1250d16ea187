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

    private static final String WITHDRAWALS =
            "SELECT report_id, agency, withdrawn_by FROM recall WHERE report_id = ANY(?)";

    /** A report's withdrawal: by which agency, and which of its people where intake named one (else null). */
    public record Withdrawal(String agency, String withdrawnBy) {
    }

    /**
     * Report id → its withdrawal, for those of {@code reportIds} already withdrawn, in one statement (before the
     * transaction persists recalls): it runs on every hand-over.
     */
    public Map<UUID, Withdrawal> withdrawals(Collection<UUID> reportIds) {
        if (reportIds.isEmpty()) {
            return Map.of();
        }
        return InTransaction.selectByIds(getEntityManager(), WITHDRAWALS, reportIds,
                rs -> Map.entry(rs.getObject(1, UUID.class), new Withdrawal(rs.getString(2), rs.getString(3))))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
