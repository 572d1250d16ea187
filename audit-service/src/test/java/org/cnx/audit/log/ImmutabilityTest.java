package org.cnx.audit.log;

import static org.cnx.audit.TestEvents.event;
import static org.cnx.audit.TestEvents.intakeToken;
import static org.cnx.audit.TestEvents.logSize;
import static org.cnx.audit.TestEvents.post;
import static org.cnx.audit.TestDb.queryLong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.audit.TestDb;
import org.cnx.audit.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The log and its tree heads are append-only: the application's role lacks the privileges to change them, and
 * triggers refuse UPDATE, DELETE and TRUNCATE to everyone else too (the owner, even the superuser).
 */
@QuarkusTest
@QuarkusTestResource(TestKeys.class)
class ImmutabilityTest {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final List<String> CHANGES = List.of(
            "UPDATE audit_event SET outcome = 'DENIED' WHERE seq = 1",
            "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)",
            "TRUNCATE audit_event",
            "UPDATE tree_head SET kid = 'forged'",
            "DELETE FROM tree_head",
            "TRUNCATE tree_head",
            "TRUNCATE merkle_node",
            "DELETE FROM log_state",
            "TRUNCATE log_state");

    @Inject
    DataSource db;

    private long events;
    private long heads;
    private String first;

    @BeforeEach
    void someEventsAndAHead() throws SQLException {
        post(intakeToken(), List.of(event("intake", "REPORT_RECEIVED"))).then().statusCode(200);
        LogAssertions.sign();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            events = queryLong(s, "SELECT count(*) FROM audit_event");
            heads = queryLong(s, "SELECT count(*) FROM tree_head");
            try (var rs = s.executeQuery("SELECT canonical || outcome FROM audit_event WHERE seq = 1")) {
                rs.next();
                first = rs.getString(1);
            }
        }
    }

    private void assertUnchanged() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertEquals(events, queryLong(s, "SELECT count(*) FROM audit_event"));
            assertEquals(heads, queryLong(s, "SELECT count(*) FROM tree_head"));
            assertEquals(events, logSize(db));
            try (var rs = s.executeQuery("SELECT canonical || outcome FROM audit_event WHERE seq = 1")) {
                rs.next();
                assertEquals(first, rs.getString(1));
            }
        }
    }

    /**
     * Each statement run in a transaction of its own, rolled back whatever it did: one the log should refuse and
     * does not (a trigger lost) would otherwise have truncated the log every later test class reads. The SQLState and
     * message of each refusal.
     */
    private static List<String> refusals(Connection c, List<String> statements) throws SQLException {
        List<String> refusals = new ArrayList<>();
        c.setAutoCommit(false);
        try {
            for (String sql : statements) {
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                    refusals.add("ALLOWED: " + sql);
                } catch (SQLException e) {
                    refusals.add(e.getSQLState() + " " + e.getMessage().lines().findFirst().orElse(""));
                } finally {
                    c.rollback();
                }
            }
        } finally {
            c.setAutoCommit(true);
        }
        return refusals;
    }

    @Test
    void theApplicationRoleMayNotChangeRemoveOrTruncateAnything() throws SQLException {
        List<String> attempts = new ArrayList<>(CHANGES);
        attempts.addAll(List.of("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
                "DROP TRIGGER audit_event_append_only ON audit_event", "DROP TABLE tree_head",
                "CREATE TABLE shadow_log (seq bigint)",
                // a head's id taken ahead of audit's own: every head it signed then failed on a duplicate key
                "INSERT INTO tree_head (id, tree_size, root, signed_at, kid, jws) VALUES ((SELECT max(id) + 1 FROM "
                        + "tree_head), 0, decode(repeat('ab', 32), 'hex'), now(), 'k', 'a.b.c')"));
        try (Connection c = db.getConnection()) {
            assertEquals("audit", c.getMetaData().getUserName());
            List<String> refusals = refusals(c, attempts);
            for (int i = 0; i < attempts.size(); i++) {
                assertTrue(refusals.get(i).startsWith(INSUFFICIENT_PRIVILEGE),
                        attempts.get(i) + " → " + refusals.get(i));
            }
            try (Statement s = c.createStatement()) {
                s.execute("GRANT UPDATE, DELETE, TRUNCATE ON audit_event, tree_head TO PUBLIC"); // a no-op with a warning
                assertEquals(0, queryLong(s, "SELECT count(*) FROM information_schema.role_table_grants "
                        + "WHERE table_name IN ('audit_event', 'tree_head', 'merkle_node') AND privilege_type NOT IN ('SELECT', 'INSERT') "
                        + "AND grantee <> 'audit_owner'"), "only the owner holds more than INSERT and SELECT");
            }
        }
        assertUnchanged();
    }

    @Test
    void theTriggersRefuseTheSchemaOwner() throws SQLException {
        try (Connection c = TestDb.owner()) {
            List<String> refusals = refusals(c, CHANGES);
            for (int i = 0; i < CHANGES.size(); i++) {
                assertTrue(refusals.get(i).contains("refused"), CHANGES.get(i) + " → " + refusals.get(i));
            }
            assertTrue(refusals.get(0).contains("audit_event is append-only: UPDATE refused"), refusals.get(0));
            assertTrue(refusals.get(2).contains("audit_event is append-only: TRUNCATE refused"), refusals.get(2));
        }
        assertUnchanged();
    }

    @Test
    void theTriggersRefuseEvenTheSuperuser() throws SQLException {
        try (Connection c = TestDb.superuser()) {
            List<String> refusals = refusals(c, CHANGES);
            for (int i = 0; i < CHANGES.size(); i++) {
                assertTrue(refusals.get(i).contains("refused"), CHANGES.get(i) + " → " + refusals.get(i));
            }
        }
        assertUnchanged();
    }

    @Test
    void theLogStateOnlyGrows() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> s.executeUpdate("UPDATE log_state SET size = size - 1, frontier = ''"));
            assertTrue(e.getMessage().contains("cannot shrink"), e.getMessage());
        }
        assertUnchanged();
    }
}
