package org.cnx.sharing.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The relay's claim reads a destination's due messages in order from {@code outbox_pending} and stops at its
 * limit, whatever the planner believes about a table whose rows come and go. Each case runs the relay's own
 * statement, under its own planner settings, as a generic plan (the pool's prepared statements end up with one),
 * on a copy of the outbox in a schema of its own that the test's rollback removes.
 */
@QuarkusTest
class OutboxClaimPlanTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A batch of 100 messages to sharing, as the relay claims it. */
    private static final String EXECUTE_CLAIM = "EXECUTE claim('sharing', 100, 1048576, '60 seconds', gen_random_uuid())";

    @Inject
    DataSource dataSource;

    @Test
    void aPlanCachedWhileTheOutboxWasEmptyStillWalksTheIndex() throws Exception {
        inOutboxCopy(s -> {
            s.execute(EXECUTE_CLAIM); // plans the claim on the empty table, and caches it
            enqueue(s, "sharing", 2000);
            enqueue(s, "audit", 2000);

            JsonNode scan = candidateScan(s);
            assertIndexWalk(scan);
        });
    }

    @Test
    void statisticsFromAnotherDestinationsBacklogDoNotMakeItWalkEveryMessage() throws Exception {
        inOutboxCopy(s -> {
            enqueue(s, "audit", 3000);
            s.execute("ANALYZE outbox_message");
            s.execute("DELETE FROM outbox_message");
            enqueue(s, "sharing", 2000);
            enqueue(s, "audit", 2000);

            JsonNode scan = candidateScan(s);
            assertIndexWalk(scan);
        });
    }

    private static void assertIndexWalk(JsonNode scan) {
        assertEquals("Index Scan", scan.path("Node Type").asText(), scan.toPrettyString());
        assertTrue(scan.path("Index Cond").asText().contains("destination"), scan.toPrettyString());
        assertEquals(100, scan.path("Actual Rows").asInt(), "the claim took a batch");
    }

    private interface Case {
        void run(Statement s) throws Exception;
    }

    private void inOutboxCopy(Case test) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            boolean prepared = false;
            try {
                // a copy in a schema of its own, gone with the rollback: with the pages' room for HOT updates that
                // the real one has (V4), since the planner counts pages
                s.execute("CREATE SCHEMA claim_plan");
                s.execute("SET LOCAL search_path = claim_plan");
                s.execute("CREATE TABLE outbox_message (LIKE public.outbox_message INCLUDING ALL) WITH (fillfactor = 50)");
                s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                s.execute(OutboxRelay.CLAIM_PLAN);
                // the parameters' types are those the relay binds
                s.execute("PREPARE claim(varchar, int, bigint, varchar, uuid) AS " + numbered(OutboxRelay.CLAIM));
                prepared = true;
                test.run(s);
            } finally {
                c.rollback();
                if (prepared) { // a prepared statement outlives the transaction; the pool's own stay
                    s.execute("DEALLOCATE claim");
                }
            }
        }
    }

    /** The JDBC placeholders as PostgreSQL's numbered parameters. */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            out.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        return out.toString();
    }

    private static void enqueue(Statement s, String destination, int count) throws SQLException {
        s.execute("INSERT INTO outbox_message (id, destination, payload, created_at, available_at) "
                + "SELECT gen_random_uuid(), '" + destination + "', repeat('x', 900), now(), now() "
                + "FROM generate_series(1, " + count + ")");
    }

    /** The scan that finds the candidates, from the claim's plan as executed. */
    private static JsonNode candidateScan(Statement s) throws Exception {
        JsonNode plan;
        try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + EXECUTE_CLAIM)) {
            rs.next();
            plan = JSON.readTree(rs.getString(1)).get(0).get("Plan");
        }
        List<JsonNode> scans = new ArrayList<>();
        collect(plan, false, scans);
        assertEquals(1, scans.size(), "one scan finds the candidates: " + plan.toPrettyString());
        return scans.get(0);
    }

    private static void collect(JsonNode node, boolean inCandidates, List<JsonNode> scans) {
        boolean here = inCandidates || "candidates".equals(node.path("Subplan Name").asText().replace("CTE ", ""));
        if (here && "outbox_message".equals(node.path("Relation Name").asText())) {
            scans.add(node);
        }
        for (JsonNode child : node.path("Plans")) {
            collect(child, here, scans);
        }
    }
}
