package org.cnx.sharing.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Sends outbox messages in batches, one worker per destination. Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED} and a lease, so several replicas never send the same claim; a
 * claim token fences completion, so a worker whose lease ran out cannot delete rows another
 * worker has claimed since. Receivers de-duplicate by message id, which makes redelivery after a
 * crash harmless.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private static final String CLAIM = """
            WITH claimed AS (
              UPDATE outbox_message m SET lease_until = now() + ?::interval, claim = ?, attempts = m.attempts + 1
               WHERE m.id IN (SELECT id FROM outbox_message
                               WHERE destination = ? AND available_at <= now()
                                 AND (lease_until IS NULL OR lease_until < now())
                               ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED)
              RETURNING m.seq, m.payload, m.attempts)
            SELECT payload, attempts FROM claimed ORDER BY seq""";
    private static final String DONE = "DELETE FROM outbox_message WHERE claim = ?";
    private static final String RETRY = """
            UPDATE outbox_message SET lease_until = NULL, claim = NULL, last_error = ?,
                   available_at = now() + ?::interval
             WHERE claim = ?""";

    private final DataSource dataSource;
    private final OutboxConfig config;
    private final Map<String, OutboxSender> senders = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> signals = new ConcurrentHashMap<>();
    private ExecutorService workers;
    private volatile boolean running;

    OutboxRelay(DataSource dataSource, OutboxConfig config, Instance<OutboxSender> senders) {
        this.dataSource = dataSource;
        this.config = config;
        senders.forEach(s -> {
            this.senders.put(s.destination(), s);
            this.signals.put(s.destination(), new Semaphore(0));
        });
    }

    void start(@Observes StartupEvent event) {
        if (!config.relayEnabled() || senders.isEmpty()) {
            return;
        }
        running = true;
        workers = Executors.newFixedThreadPool(senders.size(), r -> {
            Thread t = new Thread(r, "outbox-relay");
            t.setDaemon(true);
            return t;
        });
        senders.values().forEach(sender -> workers.submit(() -> loop(sender)));
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** Called after a transaction that wrote messages for {@code destination} commits. */
    void wake(String destination) {
        Semaphore signal = signals.get(destination);
        if (signal != null && signal.availablePermits() == 0) {
            signal.release();
        }
    }

    private void loop(OutboxSender sender) {
        Semaphore signal = signals.get(sender.destination());
        while (running) {
            try {
                int sent = relayOnce(sender);
                if (sent < config.batchSize()) {
                    signal.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | SQLException e) {
                LOG.warnf("outbox relay to %s: %s", sender.destination(), e.getMessage());
                sleepQuietly(config.pollInterval());
            }
        }
    }

    /** Claims and sends one batch; returns how many messages were delivered. */
    int relayOnce(OutboxSender sender) throws SQLException {
        UUID claim = UUID.randomUUID();
        List<String> payloads = new ArrayList<>();
        int attempts = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setString(1, interval(config.lease()));
            ps.setObject(2, claim);
            ps.setString(3, sender.destination());
            ps.setInt(4, config.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    payloads.add(rs.getString(1));
                    attempts = Math.max(attempts, rs.getInt(2));
                }
            }
        }
        if (payloads.isEmpty()) {
            return 0;
        }
        try {
            sender.send("[" + String.join(",", payloads) + "]");
        } catch (RuntimeException e) {
            Duration backoff = backoff(attempts);
            LOG.debugf("outbox batch to %s failed (attempt %d), retry in %s: %s",
                    sender.destination(), attempts, backoff, e.getMessage());
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RETRY)) {
                ps.setString(1, String.valueOf(e.getMessage()));
                ps.setString(2, interval(backoff));
                ps.setObject(3, claim);
                ps.executeUpdate();
            }
            return 0;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DONE)) {
            ps.setObject(1, claim);
            ps.executeUpdate();
        }
        return payloads.size();
    }

    private Duration backoff(int attempts) {
        long base = config.initialBackoff().toMillis() << Math.min(attempts - 1, 20);
        long capped = Math.min(base, config.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static String interval(Duration d) {
        return d.toMillis() + " milliseconds";
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
