package org.cnx.sharing.upkeep;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.sharing.FakePartners;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The queue tables stay compact even where PostgreSQL's autovacuum is off (tests run the upkeep in mode always). */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class TableUpkeepTest {

    @Inject
    TableUpkeep upkeep;

    @Inject
    DataSource dataSource;

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
    void aQueueFullOfDeadRowsIsVacuumedAndAnalysed() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // a destination no relay serves: the rows stay until the test deletes them
            s.execute("""
                    INSERT INTO outbox_message (id, destination, payload, created_at, available_at)
                    SELECT gen_random_uuid(), 'upkeep-test', '{}', now(), now() FROM generate_series(1, 2000)""");
            s.execute("DELETE FROM outbox_message WHERE destination = 'upkeep-test'");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> stat("n_dead_tup") >= 2000);

        List<TableUpkeep.Done> done = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            done.addAll(upkeep.run());
            return stat("n_dead_tup") < 50 && stat("n_mod_since_analyze") < 50;
        });
        assertTrue(done.contains(new TableUpkeep.Done("outbox_message", true, true)),
                "the outbox was vacuumed and analysed: " + done);
    }

    @Test
    void theAnalysisSamplesFewRowsAndSkipsTheMessageBodies() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // a destination no relay serves: the rows stay until the test deletes them
            s.execute("""
                    INSERT INTO outbox_message (id, destination, payload, created_at, available_at)
                    SELECT gen_random_uuid(), 'upkeep-stats', jsonb_build_object('n', n)::text,
                           now() - n * interval '1 second', now() FROM generate_series(1, 3000) n""");
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> stat("n_mod_since_analyze") >= 3000);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> upkeep.run().stream().anyMatch(d -> d.table().equals("outbox_message")));

            // 3,000 distinct times: a statistics target of 100 would keep 101 histogram bounds, the upkeep's 10 keeps 11
            assertEquals(TableUpkeep.STATISTICS_TARGET + 1, histogramBounds("created_at"));
            assertEquals(-1, histogramBounds("payload"), "no statistics are gathered for the messages' bodies");
        } finally {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM outbox_message WHERE destination = 'upkeep-stats'");
            }
        }
    }

    /** The number of the column's histogram bounds in pg_stats, 0 without a histogram, -1 without statistics. */
    private int histogramBounds(String column) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(cardinality(histogram_bounds::text::text[]), 0) FROM pg_stats"
                        + " WHERE schemaname = current_schema() AND tablename = 'outbox_message' AND attname = '"
                        + column + "'")) {
            return rs.next() ? rs.getInt(1) : -1;
        }
    }

    private long stat(String column) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + column + " FROM pg_stat_user_tables WHERE relname = 'outbox_message'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
