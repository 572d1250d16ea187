package org.cnx.audit.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cnx.audit.TestDb;
import org.cnx.audit.merkle.Frontier;
import org.cnx.audit.merkle.Merkle;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A log written before the Merkle tree existed (V1) gets its leaf hashes and frontier from the V2 migration, and they
 * are the ones the application computes. Runs the real migrations as the owner in a scratch schema of audit_test.
 */
class MigrationUpgradeTest {

    private static final String SCHEMA = "upgrade_check";
    private static final int EVENTS = 37;

    private static Flyway flyway(String target) {
        return Flyway.configure()
                .dataSource(TestDb.URL, "audit_owner", "audit_owner")
                .schemas(SCHEMA)
                .locations("classpath:db/migration")
                .placeholders(Map.of("appRole", "audit"))
                .target(target)
                .load();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = TestDb.owner(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void eventsLoggedBeforeTheTreeGetTheLeafHashesAndFrontierTheApplicationComputes() throws SQLException {
        flyway("1").migrate();
        List<String> canonicals = new ArrayList<>();
        try (Connection c = TestDb.owner(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + SCHEMA);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_event (seq, event_id, occurred_at, "
                    + "recorded_at, service, action, actor_sub, outcome, canonical) VALUES (?, gen_random_uuid(), now(), "
                    + "now(), 'intake', 'REPORT_RECEIVED', 'u', 'SUCCESS', ?)")) {
                for (int seq = 1; seq <= EVENTS; seq++) {
                    String canonical = "{\"n\":" + seq + ",\"text\":\"Zoë 中文 \\u0001\"}";
                    canonicals.add(canonical);
                    insert.setLong(1, seq);
                    insert.setString(2, canonical);
                    insert.executeUpdate();
                }
            }
            s.executeUpdate("UPDATE log_state SET size = " + EVENTS);
        }

        flyway("latest").migrate();

        Frontier expected = new Frontier();
        try (Connection c = TestDb.owner(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + SCHEMA);
            try (ResultSet rs = s.executeQuery("SELECT seq, leaf_hash FROM audit_event ORDER BY seq")) {
                while (rs.next()) {
                    byte[] leaf = Merkle.leafHash(canonicals.get(rs.getInt(1) - 1));
                    assertArrayEquals(leaf, rs.getBytes(2), "leaf hash of event " + rs.getInt(1));
                    expected.append(leaf);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT size, frontier FROM log_state")) {
                rs.next();
                assertEquals(EVENTS, rs.getLong(1));
                assertArrayEquals(expected.encode(), rs.getBytes(2));
                assertArrayEquals(Merkle.root(Merkle.of(canonicals.stream().map(Merkle::leafHash).toList()), EVENTS),
                        Frontier.decode(EVENTS, rs.getBytes(2)).root());
            }
            SQLException refused = assertThrows(SQLException.class,
                    () -> s.executeUpdate("UPDATE audit_event SET outcome = 'DENIED' WHERE seq = 1"));
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
        }
    }

    @Test
    void theMigrationRefusesToRunAsTheApplicationRole() {
        Flyway asApp = Flyway.configure()
                .dataSource(TestDb.URL, "audit_owner", "audit_owner")
                .schemas(SCHEMA)
                .locations("classpath:db/migration")
                .placeholders(Map.of("appRole", "audit_owner"))
                .load();
        Exception e = assertThrows(Exception.class, asApp::migrate);
        assertTrue(e.getMessage().contains("must run as the schema owner"), e.getMessage());
    }
}
