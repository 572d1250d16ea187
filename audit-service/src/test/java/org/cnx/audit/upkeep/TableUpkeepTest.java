package org.cnx.audit.upkeep;

import static org.awaitility.Awaitility.await;
import static org.cnx.audit.TestEvents.event;
import static org.cnx.audit.TestEvents.intakeToken;
import static org.cnx.audit.TestEvents.post;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.audit.TestDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The log's planner statistics stay current where PostgreSQL's autovacuum is off (tests run the upkeep in mode
 * always), although the application role owns none of the tables.
 */
@QuarkusTest
class TableUpkeepTest {

    @Inject
    TableUpkeep upkeep;

    @Inject
    DataSource dataSource;

    /**
     * Autovacuum, on where PostgreSQL runs as installed (CI has it off), could analyse the table between a test's
     * changes and the upkeep the test checks: it is off for the table while a test runs.
     */
    @BeforeEach
    void autovacuumLeavesTheTableToTheUpkeep() throws SQLException {
        autovacuum("SET (autovacuum_enabled = false)");
    }

    @AfterEach
    void autovacuumIsBack() throws SQLException {
        autovacuum("RESET (autovacuum_enabled)");
    }

    private void autovacuum(String setting) throws SQLException {
        try (Connection c = TestDb.owner(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_event " + setting);
        }
    }

    @Test
    void theLogIsAnalysedOnceEnoughOfItIsNewAndNotBefore() throws Exception {
        upkeep.run(); // what earlier tests left due
        assertFalse(upkeep.run().contains("audit_event"), "nothing is due right after an analysis");

        // autovacuum's threshold: more than 50 + 10 % of the rows (the new ones included) changed since the last ANALYZE
        long live = stat("n_live_tup");
        int needed = (int) Math.ceil((50 + live / 10.0) / 0.9) + 20;
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < needed; i++) {
            batch.add(event("intake", "REPORT_RECEIVED"));
        }
        post(intakeToken(), batch).then().statusCode(200).body("appended", equalTo(needed));
        // the service's session reports its changes to pg_stat_user_tables when it goes idle, or, where it reported
        // less than a second before, 10 s later (PostgreSQL's PGSTAT_IDLE_INTERVAL)
        await().atMost(Duration.ofSeconds(30)).until(() -> stat("n_mod_since_analyze") >= needed);

        assertTrue(upkeep.run().contains("audit_event"), "the application role had the log analysed");
        assertEquals(0, stat("n_mod_since_analyze"));
        try (Connection c = TestDb.owner(); Statement s = c.createStatement()) {
            long rows = TestDb.queryLong(s, "SELECT count(*) FROM audit_event");
            long estimate = TestDb.queryLong(s, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'audit_event'");
            assertEquals(rows, estimate, "the planner knows how large the log is");
            // the events' seq are distinct: a statistics target of 100 would keep up to 101 histogram bounds (as many
            // as there are events, below that), the upkeep's 10 keeps 11
            assertTrue(rows > 11, "enough events for a histogram: " + rows);
            assertEquals(11, TestDb.queryLong(s, "SELECT cardinality(histogram_bounds::text::text[]) FROM pg_stats"
                    + " WHERE tablename = 'audit_event' AND attname = 'seq'"));
            assertEquals(0, TestDb.queryLong(s, "SELECT count(*) FROM pg_stats WHERE tablename = 'audit_event'"
                    + " AND attname IN ('canonical', 'details')"), "no statistics are gathered for the events' bodies");
        }
        assertFalse(upkeep.run().contains("audit_event"), "nothing is due twice");
    }

    private long stat(String column) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + column + " FROM pg_stat_user_tables WHERE relname = 'audit_event'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
