package org.cnx.sharing.upkeep;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Does PostgreSQL autovacuum's work on this service's own tables where the server runs without it (the CI
 * machines do: {@code autovacuum = off}). Without it the planner never gets statistics, so a prepared plan made
 * while a table was empty stays in use however large the table grows, and the delivery and outbox queues fill
 * with dead rows that every claim has to step over.
 * With autovacuum's own thresholds: ANALYZE a table after 50 + 10 % of its rows changed, VACUUM it once
 * 50 + 20 % of its rows are dead. With {@code cnx.upkeep.mode=auto} (the default) it stays idle while the server
 * runs autovacuum; {@code always} and {@code off} are for tests and for operators. It looks every
 * {@code cnx.upkeep.interval} (20 s).
 * <p>
 * Its ANALYZE samples 3,000 rows instead of the default 30,000 (a statistics target of {@value #STATISTICS_TARGET}
 * instead of 100): this service's statements look rows up by key and read index ranges, and need the row counts
 * and the common values of a few short columns, which such a sample gives. At 50,000 reports that took ANALYZE of
 * the largest tables from 0.3–0.6 s each to under 0.1 s, time in which it held one of a 2-core machine's cores.
 */
@ApplicationScoped
public class TableUpkeep {

    private static final Logger LOG = Logger.getLogger(TableUpkeep.class);

    static final int STATISTICS_TARGET = 10;

    private static final String DUE = """
            SELECT relname,
                   n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0) AS analyze_due,
                   n_dead_tup > 50 + 0.2 * greatest(n_live_tup, 0) AS vacuum_due
              FROM pg_stat_user_tables WHERE schemaname = current_schema()""";

    /** One table's due work, as PostgreSQL's statistics counters see it. */
    public record Done(String table, boolean analysed, boolean vacuumed) {
    }

    private final DataSource dataSource;
    private final UpkeepConfig config;
    private volatile Boolean autovacuumOn;

    TableUpkeep(DataSource dataSource, UpkeepConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    @Scheduled(every = "${cnx.upkeep.interval:20s}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run();
        } catch (SQLException e) {
            LOG.warnf("table upkeep failed: %s", e.getMessage());
        }
    }

    /** Analyses and vacuums the tables that are due; returns what it did (nothing where autovacuum runs). */
    public List<Done> run() throws SQLException {
        List<Done> done = new ArrayList<>();
        if (config.mode() == UpkeepConfig.Mode.OFF) {
            return done;
        }
        // VACUUM cannot run inside a transaction block: autocommit, one statement at a time
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            if (config.mode() == UpkeepConfig.Mode.AUTO && autovacuumOn(s)) {
                return done;
            }
            List<Done> due = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(DUE)) {
                while (rs.next()) {
                    if (rs.getBoolean(2) || rs.getBoolean(3)) {
                        due.add(new Done(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3)));
                    }
                }
            }
            if (due.isEmpty()) {
                return done;
            }
            // the connection goes back to the pool afterwards: the setting must not stay with it
            s.execute("SET default_statistics_target = " + STATISTICS_TARGET);
            try {
                for (Done table : due) {
                    String name = '"' + table.table().replace("\"", "\"\"") + '"';
                    s.execute((table.vacuumed() ? "VACUUM (ANALYZE) " : "ANALYZE ") + name);
                    LOG.debugf("upkeep: %s %s", table.vacuumed() ? "vacuumed and analysed" : "analysed", table.table());
                    done.add(new Done(table.table(), true, table.vacuumed()));
                }
            } finally {
                s.execute("RESET default_statistics_target");
            }
        }
        return done;
    }

    private boolean autovacuumOn(Statement s) throws SQLException {
        if (autovacuumOn == null) {
            try (ResultSet rs = s.executeQuery("SELECT current_setting('autovacuum') = 'on'")) {
                rs.next();
                autovacuumOn = rs.getBoolean(1);
            }
            if (!autovacuumOn) {
                LOG.info("PostgreSQL runs without autovacuum: this service analyses and vacuums its own tables");
            }
        }
        return autovacuumOn;
    }
}
