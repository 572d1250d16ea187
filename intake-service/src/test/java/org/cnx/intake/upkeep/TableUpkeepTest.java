package org.cnx.intake.upkeep;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.intake.FakePeers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The tables stay analysed and vacuumed even where PostgreSQL's autovacuum is off (tests run it in mode always). */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
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
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE report " + setting);
        }
    }

    /** A replica frozen mid-transaction keeps its locks until the server ends its session: the pool asks it to. */
    @Test
    void theServiceConnectionsAskTheServerToEndASessionIdleInATransaction() throws Exception {
        try (var c = dataSource.getConnection(); var s = c.createStatement();
                var rs = s.executeQuery("SHOW idle_in_transaction_session_timeout")) {
            rs.next();
            assertEquals("30s", rs.getString(1));
        }
    }

    /** A database host gone without a word (a failover) held a relay's thread in a read for good: the pool's reads end. */
    @Test
    void theServiceConnectionsStopWaitingForADatabaseThatNoLongerAnswers() throws Exception {
        try (var c = dataSource.getConnection()) {
            assertEquals(300_000, c.getNetworkTimeout(), "a read waits 5 minutes at most");
        }
    }

    @Test
    void changedTablesAreAnalysedAndDeadRowsVacuumed() throws Exception {
        insertReports("UPKEEP");
        deleteReports("UPKEEP");
        await().atMost(Duration.ofSeconds(30)).until(() -> stat("n_dead_tup") >= 3000);

        List<TableUpkeep.Done> done = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            done.addAll(upkeep.run());
            return stat("n_dead_tup") == 0 && stat("n_mod_since_analyze") == 0;
        });
        assertTrue(done.contains(new TableUpkeep.Done("report", true, true)), "report was vacuumed and analysed: " + done);
        assertTrue(upkeep.run().stream().noneMatch(d -> d.table().equals("report")), "nothing is due twice");
    }

    @Test
    void theAnalysisSamplesFewRowsAndSkipsTheDocuments() throws Exception {
        insertReports("UPKEEP-STATS");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> stat("n_mod_since_analyze") >= 3000);
            await().atMost(Duration.ofSeconds(10)).until(() -> upkeep.run().stream().anyMatch(d -> d.table().equals("report")));

            // 3,000 distinct times: a statistics target of 100 would keep 101 histogram bounds, the upkeep's 10 keeps 11
            assertEquals(TableUpkeep.STATISTICS_TARGET + 1, histogramBounds("received_at"));
            assertEquals(-1, histogramBounds("body"), "no statistics are gathered for the report's document");
        } finally {
            deleteReports("UPKEEP-STATS");
        }
    }

    /** 3,000 reports of {@code agency}, received a second apart. */
    private void insertReports(String agency) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO report (id, agency, country, external_ref, type, tlp, title, status, submitted_by,
                                    received_at, body, payload_sha256, content_sha256, watchlist_hits)
                SELECT gen_random_uuid(), ?, 'US', 'upkeep-' || n, 'SEIZURE', 'GREEN', 't', 'RECEIVED', 's',
                       now() - n * interval '1 second', jsonb_build_object('n', n), repeat('a', 64), repeat('b', 64),
                       '[]' FROM generate_series(1, 3000) n""")) {
            s.setString(1, agency);
            s.executeUpdate();
            countersNow(c);
        }
    }

    private void deleteReports(String agency) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM report WHERE agency = ?")) {
            s.setString(1, agency);
            s.executeUpdate();
            countersNow(c);
        }
    }

    /**
     * A session's changes reach pg_stat_user_tables when it goes idle, or, where it reported less than a second
     * before, 10 s later (PostgreSQL's PGSTAT_IDLE_INTERVAL), as long as the tests waited: it reports them now.
     */
    private static void countersNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_force_next_flush()");
        }
    }

    /** The number of the column's histogram bounds in pg_stats, 0 without a histogram, -1 without statistics. */
    private int histogramBounds(String column) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(cardinality(histogram_bounds::text::text[]), 0) FROM pg_stats"
                        + " WHERE schemaname = current_schema() AND tablename = 'report' AND attname = '" + column + "'")) {
            return rs.next() ? rs.getInt(1) : -1;
        }
    }

    private long stat(String column) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + column + " FROM pg_stat_user_tables WHERE relname = 'report'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A failed statement's error carried the values it was given (a batch's "Batch entry 0 INSERT ... VALUES (...)",
     * PostgreSQL's "Failing row contains (...)"): a report's body, a person's passport number, in a log line once the
     * exception was logged. The driver now names no value; the error still says what went wrong.
     */
    @Test
    void aFailedStatementsErrorNamesNoValueItWasGiven() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS leak_check (id int PRIMARY KEY, v text CHECK (length(v) < 5))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO leak_check (id, v) VALUES (?, ?)")) {
                for (int i = 1; i <= 2; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "PASSPORT E12345678");
                    ps.addBatch();
                }
                SQLException refused = assertThrows(SQLException.class, ps::executeBatch);
                StringBuilder said = new StringBuilder();
                for (Throwable t = refused; t != null; t = t.getCause()) {
                    said.append(t).append('\n');
                }
                for (SQLException next = refused.getNextException(); next != null; next = next.getNextException()) {
                    said.append(next).append('\n');
                }
                assertFalse(said.toString().contains("E12345678"), said.toString());
                assertTrue(said.toString().contains("leak_check_v_check"), said.toString());
            } finally {
                s.execute("DROP TABLE IF EXISTS leak_check");
            }
        }
    }
}
