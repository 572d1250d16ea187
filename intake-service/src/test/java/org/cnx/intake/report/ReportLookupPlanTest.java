package org.cnx.intake.report;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.intake.FakePeers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every submission looks its (agency, externalRef) up; that lookup must take its own index whatever the planner's
 * statistics say. Here an agency's reports arrive after the last ANALYZE, so the agency looks rare: a lookup by
 * "agency = ? and external_ref = ?" could then take an agency-led list index and read the agency's whole history.
 */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class ReportLookupPlanTest {

    @Inject
    DataSource dataSource;

    @Inject
    ReportRepository reports;

    @AfterEach
    void removeTheRows() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM report WHERE agency IN ('PLAN-OLD', 'PLAN-NEW')");
        }
    }

    @Test
    void lookupsTakeTheirKeyIndexEvenWhenTheAgencyLooksRare() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(insert("PLAN-OLD", 2000));
            s.execute("ANALYZE report");
            s.execute(insert("PLAN-NEW", 3000)); // after the statistics were taken

            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE by_key(text, int) AS SELECT id FROM report WHERE external_key = $1 FETCH FIRST $2 ROWS ONLY");
            s.execute("PREPARE by_id(uuid) AS SELECT id FROM report WHERE id = $1");
            assertTrue(plan(s, "EXPLAIN EXECUTE by_key('8:PLAN-NEWref-2999', 1)").contains("report_external_key"),
                    "the lookup by externalRef uses its key");
            assertTrue(plan(s, "EXPLAIN EXECUTE by_id('" + UUID.randomUUID() + "')").contains("report_pkey"),
                    "the lookup by id uses the primary key");
            s.execute("DISCARD ALL");
        }

        // what the repository itself does: its lookups show up on the key index, never on an agency-led one
        long keyScans = indexScans("report_external_key");
        long listScans = indexScans("report_agency_type_received") + indexScans("report_agency_received");
        for (int i = 0; i < 20; i++) {
            String ref = "ref-" + (2000 + i);
            assertTrue(QuarkusTransaction.requiringNew().call(() -> reports.findByExternalRef("PLAN-NEW", ref)).isPresent());
        }
        // a session reports its reads when it goes idle, or, where it reported less than a second before, 10 s later
        await().atMost(Duration.ofSeconds(30)).until(() -> indexScans("report_external_key") >= keyScans + 20);
        assertEquals(listScans, indexScans("report_agency_type_received") + indexScans("report_agency_received"),
                "no lookup went through an agency-led list index");

        Report found = QuarkusTransaction.requiringNew().call(() -> reports.findByExternalRef("PLAN-NEW", "ref-2999"))
                .orElseThrow();
        assertEquals("8:PLAN-NEWref-2999", found.externalKey, "the database's key is the one Java computes");
        assertEquals(Report.externalKey("PLAN-NEW", "ref-2999"), found.externalKey);
        assertTrue(QuarkusTransaction.requiringNew().call(() -> reports.findByExternalRef("PLAN-OLD", "ref-1999")).isPresent());
        assertTrue(QuarkusTransaction.requiringNew().call(() -> reports.findByExternalRef("PLAN-NE", "Wref-2999")).isEmpty(),
                "the length prefix keeps agency and reference apart");
        assertTrue(QuarkusTransaction.requiringNew().call(() -> reports.findOwned(found.id, "PLAN-OLD")).isEmpty(),
                "another agency's report is not found by id");
    }

    private long indexScans(String index) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = '" + index + "'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String insert(String agency, int count) {
        return """
                INSERT INTO report (id, agency, country, external_ref, type, tlp, title, status, submitted_by,
                                    received_at, body, payload_sha256, content_sha256, watchlist_hits)
                SELECT gen_random_uuid(), '%s', 'US', 'ref-' || n, (ARRAY['SEIZURE', 'EMERGING_TREND'])[1 + n %% 2],
                       'GREEN', 't', 'RECEIVED', 's', now(), '{}', repeat('a', 64), repeat('b', 64), '[]'
                  FROM generate_series(1, %d) n""".formatted(agency, count);
    }

    private static String plan(Statement s, String explain) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = s.executeQuery(explain)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
