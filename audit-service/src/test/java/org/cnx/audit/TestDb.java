package org.cnx.audit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Direct connections to the test database as the roles other than the application's: the schema owner that runs
 * the migrations, and the superuser {@code postgres} (trust authentication on localhost, as db-setup.sh leaves it),
 * which plays the attacker with full database access.
 */
public final class TestDb {

    public static final String URL = "jdbc:postgresql://localhost:5432/audit_test";

    private TestDb() {
    }

    public static Connection owner() throws SQLException {
        return DriverManager.getConnection(URL, "audit_owner", "audit_owner");
    }

    public static Connection superuser() throws SQLException {
        return DriverManager.getConnection(URL, "postgres", "");
    }

    @FunctionalInterface
    public interface Work {
        void run(Statement statement) throws SQLException;
    }

    /** As the superuser with triggers off ({@code session_replication_role = replica}): tampering, and repairing it. */
    public static void tamper(Work work) {
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            work.run(s);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long queryLong(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
