package org.cnx.sharing.recall;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.Session;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class RecallRepository implements PanacheRepositoryBase<Recall, UUID> {

    private static final String AGENCIES = "SELECT report_id, agency FROM recall WHERE report_id = ANY(?)";

    /**
     * Report id → withdrawing agency, for those of {@code reportIds} already withdrawn, in one statement. Plain
     * JDBC (no auto-flush: call it before persisting recalls in the transaction): it runs on every hand-over.
     */
    public Map<UUID, String> agencies(Collection<UUID> reportIds) {
        if (reportIds.isEmpty()) {
            return Map.of();
        }
        return getEntityManager().unwrap(Session.class).doReturningWork(c -> {
            Map<UUID, String> agencies = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(AGENCIES)) {
                ps.setArray(1, c.createArrayOf("uuid", reportIds.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        agencies.put(rs.getObject(1, UUID.class), rs.getString(2));
                    }
                }
            }
            return agencies;
        });
    }
}
