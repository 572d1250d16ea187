package org.cnx.audit.event;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads the log through plain JDBC in one read-only REPEATABLE READ transaction (one snapshot: a head and the rows
 * it covers are seen together) with server-side cursors, so whole-log reads stream instead of loading every row.
 */
@ApplicationScoped
public class LogSnapshot {

    @FunctionalInterface
    public interface Reader<T> {
        T read(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    LogSnapshot(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> T read(Reader<T> reader) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            // a cursor (setFetchSize) needs a transaction; PostgreSQL ignores the fetch size in auto-commit mode
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                return reader.read(c);
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setTransactionIsolation(isolation);
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the log: " + e.getMessage(), e);
        }
    }
}
