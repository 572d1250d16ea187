package org.cnx.sharing.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;

/**
 * Plain SQL on the connection of the current transaction, for lookups on the hand-over's path, where an HQL or
 * Panache query's building and result handling cost more than the statement. It does not flush the persistence
 * context first: call it before the transaction persists what the statement reads.
 */
public final class InTransaction {

    /** Reads one result row. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private InTransaction() {
    }

    /** The rows of {@code sql}, which takes no parameter. */
    public static <T> List<T> select(EntityManager em, String sql, Row<T> row) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            List<T> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.read(rs));
                }
            }
            return rows;
        });
    }

    /** The rows of {@code sql}, whose one parameter is {@code ids} as a {@code uuid[]} (e.g. {@code id = ANY(?)}). */
    public static <T> List<T> selectByIds(EntityManager em, String sql, Collection<UUID> ids, Row<T> row) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            List<T> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row.read(rs));
                    }
                }
            }
            return rows;
        });
    }
}
