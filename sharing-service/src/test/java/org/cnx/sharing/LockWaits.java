package org.cnx.sharing;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.awaitility.core.ConditionTimeoutException;

/**
 * Lines up transactions that race each other, from what PostgreSQL says of its locks: a test holds a lock in a
 * transaction of its own, starts the requests, and lets go once they are where the race is decided.
 */
final class LockWaits {

    /**
     * The sessions of this database waiting for a lock, but the outbox relay's: its claim and its clean-up wait on a
     * test holding {@code outbox_message} as the change under test does, and counted with it they let the test go
     * before the request it lines up had started (the race then decided for the code, whatever it does).
     */
    private static final String WAITING = """
            SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE NOT l.granted AND a.datname = current_database()
               AND a.query NOT LIKE '%UPDATE outbox_message %' AND a.query NOT LIKE 'DELETE FROM outbox_message %'""";

    private LockWaits() {
    }

    /**
     * Waits until {@code backends} sessions of this database wait for a lock, or {@code request} is done without
     * waiting: where the code under test takes no lock, the race is then decided for it, which the test's assertions
     * see. Up to 10 seconds.
     */
    static void until(DataSource dataSource, int backends, Future<?> request) {
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> request.isDone() || waiting(dataSource) >= backends);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the request neither finished nor waited for a lock in 10 s", e);
        }
    }

    /** Whether another transaction holds {@code table}'s row {@code id} locked (this look does not wait for it). */
    static boolean isLocked(DataSource dataSource, String table, UUID id) throws SQLException {
        String look = "SELECT 1 FROM " + table + " WHERE id = ? FOR UPDATE SKIP LOCKED";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(look)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next();
            }
        }
    }

    private static int waiting(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(WAITING);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
