package org.cnx.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Direct connections to the test database as the roles other than the application's: the schema owner that runs
 * the migrations, and a superuser, which plays the attacker with full database access: {@code cnx_test_superuser}
 * ({@code db-setup.sh --test-superuser}, as {@code deploy/local/test.sh} runs it; its random password in
 * {@code deploy/local/.keys}), or else {@code postgres} where it may log in on localhost without a password.
 */
public final class TestDb {

    public static final String URL = "jdbc:postgresql://localhost:5432/audit_test";

    private TestDb() {
    }

    public static Connection owner() throws SQLException {
        return DriverManager.getConnection(URL, "audit_owner", "audit_owner");
    }

    public static Connection superuser() throws SQLException {
        try {
            return DriverManager.getConnection(URL, "cnx_test_superuser", superuserPassword());
        } catch (SQLException noSuchRole) {
            try {
                return DriverManager.getConnection(URL, "postgres", "");
            } catch (SQLException refused) {
                refused.addSuppressed(noSuchRole);
                throw new SQLException("no superuser for the tampering tests: run deploy/local/db-setup.sh "
                        + "--test-superuser (deploy/local/test.sh does)", refused);
            }
        }
    }

    /**
     * The random password db-setup.sh gave cnx_test_superuser ({@code deploy/local/.keys} of the clone the tests run
     * in, found upwards from the working directory), or "" where it made none or it cannot be read.
     */
    private static String superuserPassword() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("deploy/local/.keys/cnx_test_superuser.password");
            if (Files.isReadable(file)) {
                try {
                    return Files.readString(file).strip();
                } catch (IOException unreadable) {
                    return "";
                }
            }
        }
        return "";
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
