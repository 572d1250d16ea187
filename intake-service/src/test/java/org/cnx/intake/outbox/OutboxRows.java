package org.cnx.intake.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

/** What the outbox table holds of a test's messages, found by a marker in their payloads. */
public final class OutboxRows {

    private final DataSource dataSource;

    public OutboxRows(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The messages still waiting whose payload holds {@code marker}, in the order they were enqueued. */
    public List<UUID> pending(String marker) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM outbox_message WHERE payload LIKE ? ORDER BY seq")) {
            ps.setString(1, "%" + marker + "%");
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    public int attempts(UUID id) throws SQLException {
        return Integer.parseInt(column(id, "attempts"));
    }

    public String lastError(UUID id) throws SQLException {
        return column(id, "last_error");
    }

    /** Whether a claim would take the message now, or it waits out a backoff. */
    public boolean due(UUID id) throws SQLException {
        return "t".equals(column(id, "available_at <= now()"));
    }

    /** From when a claim may take the message again. */
    public Instant availableAt(UUID id) throws SQLException {
        return column(id, "available_at", rs -> rs.getObject(1, OffsetDateTime.class).toInstant(), null);
    }

    private String column(UUID id, String column) throws SQLException {
        return String.valueOf(column(id, column, rs -> rs.getString(1), ""));
    }

    @FunctionalInterface
    private interface Read<T> {
        T from(ResultSet row) throws SQLException;
    }

    /** The message's {@code column}, as {@code read} reads it, or {@code absent} where there is no such message. */
    private <T> T column(UUID id, String column, Read<T> read, T absent) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + column + " FROM outbox_message WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read.from(rs) : absent;
            }
        }
    }
}
