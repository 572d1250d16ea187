package org.cnx.sharing.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
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

    /** Binds one row's parameters. */
    @FunctionalInterface
    public interface Binder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    private InTransaction() {
    }

    /**
     * Inserts {@code rows} with {@code sql} (one row's INSERT), sent as one JDBC batch, which the driver rewrites into
     * multi-row INSERTs ({@code reWriteBatchedInserts}). For the hand-over's rows, where Hibernate's insert machinery
     * (the action queue, the flush, the bound values' conversions) cost more than the statements.
     */
    public static <T> void insertAll(EntityManager em, String sql, Collection<T> rows, Binder<T> binder) {
        if (rows.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (T row : rows) {
                    binder.bind(ps, row);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /** Binds an instant (or null) as a {@code timestamptz}. */
    public static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, instant.atOffset(ZoneOffset.UTC));
        }
    }

    /** The rows of {@code sql}, which takes no parameter. */
    public static <T> List<T> select(EntityManager em, String sql, Row<T> row) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                return rows(ps, row);
            }
        });
    }

    /** The rows of {@code sql}, whose one parameter is {@code ids} as a {@code uuid[]} (e.g. {@code id = ANY(?)}). */
    public static <T> List<T> selectByIds(EntityManager em, String sql, Collection<UUID> ids, Row<T> row) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
                return rows(ps, row);
            }
        });
    }

    private static <T> List<T> rows(PreparedStatement ps, Row<T> row) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(row.read(rs));
            }
        }
        return rows;
    }
}
