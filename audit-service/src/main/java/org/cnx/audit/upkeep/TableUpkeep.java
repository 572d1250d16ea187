package org.cnx.audit.upkeep;

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
 * Keeps the planner's statistics of the log's tables current where PostgreSQL runs without autovacuum (the CI
 * machines do: {@code autovacuum = off}). Without them a statement prepared while the log was small keeps its plan
 * as the log grows: the append's duplicate check went on reading the whole log, slower with every event.
 * The application role may not ANALYZE tables it does not own, so it calls {@code analyze_due_tables()} (V3
 * migration), which the schema owner owns: it analyses the tables with autovacuum's threshold, 50 + 10 % of their
 * rows changed. The log is append-only and nothing here needs VACUUM. With {@code cnx.upkeep.mode=auto} (the
 * default) it stays idle while the server runs autovacuum; {@code always} and {@code off} are for tests and for
 * operators. It looks every {@code cnx.upkeep.interval} (20 s).
 */
@ApplicationScoped
public class TableUpkeep {

    private static final Logger LOG = Logger.getLogger(TableUpkeep.class);

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

    /** Analyses the tables that are due; returns their names (none where autovacuum runs). */
    public List<String> run() throws SQLException {
        List<String> analysed = new ArrayList<>();
        if (config.mode() == UpkeepConfig.Mode.OFF) {
            return analysed;
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            if (config.mode() == UpkeepConfig.Mode.AUTO && autovacuumOn(s)) {
                return analysed;
            }
            try (ResultSet rs = s.executeQuery("SELECT analyze_due_tables()")) {
                while (rs.next()) {
                    analysed.add(rs.getString(1));
                }
            }
        }
        if (!analysed.isEmpty()) {
            LOG.debugf("upkeep: analysed %s", analysed);
        }
        return analysed;
    }

    private boolean autovacuumOn(Statement s) throws SQLException {
        if (autovacuumOn == null) {
            try (ResultSet rs = s.executeQuery("SELECT current_setting('autovacuum') = 'on'")) {
                rs.next();
                autovacuumOn = rs.getBoolean(1);
            }
            if (!autovacuumOn) {
                LOG.info("PostgreSQL runs without autovacuum: this service keeps the log's planner statistics itself");
            }
        }
        return autovacuumOn;
    }
}
