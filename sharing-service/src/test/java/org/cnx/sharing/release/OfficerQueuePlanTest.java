package org.cnx.sharing.release;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An officer's queue of releases waiting for approval reads those rows, not the country's history of closed
 * decisions before them (release_country_seq, filtering on the status), on every call: also where the plan would be
 * one made for any values, as the pool's prepared statements end up with (which walked every release in seq order).
 * Here every plan of a new session is such a one, by the database's setting, put back after.
 */
@QuarkusTest
class OfficerQueuePlanTest {

    private static final String COUNTRY = "ZQ";
    private static final UUID REPORT = UUID.randomUUID();

    @Inject
    DataSource dataSource;

    @Inject
    ReleaseRepository releases;

    @Inject
    AgroalDataSource pool;

    @AfterEach
    void removeTheRows() throws SQLException {
        sql("DELETE FROM release WHERE origin_country = '" + COUNTRY + "'");
        sql("DELETE FROM shared_report WHERE id = '" + REPORT + "'");
        sql("ALTER DATABASE sharing_test RESET plan_cache_mode");
        pool.flush(AgroalDataSource.FlushMode.GRACEFUL);
    }

    @Test
    void theQueueOfPendingReleasesDoesNotWalkTheClosedOnes() throws Exception {
        sql("INSERT INTO shared_report (id, agency, country, tlp, type, received_at, body) VALUES ('" + REPORT
                + "', 'ZQ-PLAN', '" + COUNTRY + "', 'GREEN', 'SEIZURE', now(), '{}')");
        // a long history of closed decisions, then a few waiting
        sql(releases("DENIED", 5000, 0));
        sql(releases("PENDING_APPROVAL", 3, 5000));
        sql("ANALYZE release");
        sql("ALTER DATABASE sharing_test SET plan_cache_mode = force_generic_plan");
        pool.flush(AgroalDataSource.FlushMode.GRACEFUL);

        long walked = tuplesRead("release_seq_key") + tuplesRead("release_country_seq");
        long scans = releaseScans();
        int calls = 20;
        for (int i = 0; i < calls; i++) {
            List<Release> page = QuarkusTransaction.requiringNew().call(
                    () -> releases.page(COUNTRY, Release.Status.PENDING_APPROVAL, null, null, 0, 51));
            assertEquals(3, page.size());
        }
        // a session reports its reads when it goes idle, or, where it reported less than a second before, 10 s later
        await().atMost(Duration.ofSeconds(30)).until(() -> releaseScans() >= scans + calls);
        long read = tuplesRead("release_seq_key") + tuplesRead("release_country_seq") - walked;
        assertTrue(read < 5000, calls + " reads of a queue of 3 walked " + read + " closed releases");
    }

    private static String releases(String status, int count, int from) {
        return "INSERT INTO release (id, report_id, partner, origin_agency, origin_country, action, status, "
                + "required_approvals, rule, reasons, decided_at) SELECT gen_random_uuid(), '" + REPORT
                + "', 'P-' || (g + " + from + "), 'ZQ-PLAN', '" + COUNTRY + "', 'RELEASE', '" + status
                + "', 1, 'plan', '[]', now() FROM generate_series(1, " + count + ") g";
    }

    private long tuplesRead(String index) throws SQLException {
        return stat("SELECT idx_tup_read FROM pg_stat_user_indexes WHERE indexrelname = '" + index + "'");
    }

    /** Index scans of the release table, whichever index they took: the statistics have counted the reads. */
    private long releaseScans() throws SQLException {
        return stat("SELECT idx_scan FROM pg_stat_user_tables WHERE relname = 'release'");
    }

    private long stat(String query) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery(query)) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
