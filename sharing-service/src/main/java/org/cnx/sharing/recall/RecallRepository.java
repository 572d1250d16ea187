package org.cnx.sharing.recall;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.jdbc.InTransaction;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class RecallRepository implements PanacheRepositoryBase<Recall, UUID> {

    private static final String WITHDRAWALS =
            "SELECT report_id, agency, withdrawn_by FROM recall WHERE report_id = ANY(?)";

    /** A report's withdrawal: by which agency, and which of its people where intake named one (else null). */
    public record Withdrawal(String agency, String withdrawnBy) {

        /**
         * The actor of the audit events that follow the withdrawal: the person intake names, or else {@code intake}
         * (the service that handed the withdrawal or the report over) acting for the agency.
         */
        public AuditEvent.Actor actor(AuditEvent.Actor intake) {
            return withdrawnBy == null ? new AuditEvent.Actor(intake.sub(), agency, intake.roles())
                    : new AuditEvent.Actor(withdrawnBy, agency, List.of("partner"));
        }
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
