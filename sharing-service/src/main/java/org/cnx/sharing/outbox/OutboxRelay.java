package org.cnx.sharing.outbox;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
import jakarta.ws.rs.WebApplicationException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

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
    private static final Duration SAY_UNAVAILABLE_EVERY = Duration.ofMinutes(1);

    /**
     * Claims the oldest due messages, at most {@code batchSize} of them and at most {@code maxBatchBytes} in all
     * (the first always, whatever its size, so that no message can block the queue), and says whether more were
     * due: the receiver's body limit caps a POST, not only the number of messages in it.
     */
    static final String CLAIM = """
            WITH candidates AS (
              SELECT id, seq, octet_length(payload) AS size FROM outbox_message
               WHERE destination = ? AND available_at <= now() AND (lease_until IS NULL OR lease_until < now())
               ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED),
            chosen AS (
              SELECT id FROM (SELECT id, row_number() OVER w AS n, sum(size) OVER w AS running
                                FROM candidates WINDOW w AS (ORDER BY seq)) c
               WHERE n = 1 OR running <= ?),
            claimed AS (
              UPDATE outbox_message m SET lease_until = now() + ?::interval, claim = ?, attempts = m.attempts + 1
               WHERE m.id IN (SELECT id FROM chosen)
              RETURNING m.id, m.seq, m.payload, m.attempts)
            SELECT id, payload, attempts, (SELECT count(*) FROM candidates) FROM claimed ORDER BY seq""";
    /**
     * The claim walks {@code outbox_pending} in order and stops at its limit, whatever the statistics of a table
     * whose rows come and go say at the moment. Left to them, the planner read every row of the destination with a
     * bitmap scan and sorted it, or scanned the whole table on a plan cached while it was empty (thousands of
     * buffers per claim in the benchmark, most of them the dead rows of messages sent since the last VACUUM). For
     * the claim's transaction only.
     */
    static final String CLAIM_PLAN = "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off";
    /*
     * Completion finds the claimed rows by primary key and is fenced by the claim token. No index covers
     * lease_until, claim or attempts, so the claim's UPDATE can stay on the row's page (a HOT update, with
     * the table's fillfactor leaving room): each message adds no index entries after its insert (V4).
     */
    private static final String DONE = "DELETE FROM outbox_message WHERE id = ANY(?) AND claim = ?";
    private static final String RETRY = """
            UPDATE outbox_message SET lease_until = NULL, claim = NULL, last_error = ?,
                   available_at = now() + ?::interval
             WHERE id = ANY(?) AND claim = ?""";

    /** What one claim leaves the worker to do next. */
    enum Pass {
        /** More messages were due: claim again at once. */
        MORE,
        /** Nothing more is due: wait for a commit's signal (or the poll interval). */
        WAIT,
        /** The receiver failed what it was sent, whatever it was: wait out the worker's backoff, signals or not. */
        BACK_OFF
    }

    private final DataSource dataSource;
    private final OutboxConfig config;
    private final Map<String, OutboxSender> senders = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> signals = new ConcurrentHashMap<>();
    private ExecutorService workers;
    /** Destinations whose receiver took nothing, and when that was last said. */
    private final Map<String, Instant> unavailableSaid = new ConcurrentHashMap<>();
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

    /**
     * While the receiver is down (unreachable, or failing whatever it is sent) the worker backs off, not the messages:
     * they stay due, at the head of the index a claim walks, and go in order as soon as the receiver is back. Backing
     * them off one batch at a time left each claim walking a backlog of messages not yet due (every commit woke the
     * worker for it), and let later batches come due before earlier ones.
     */
    private void loop(OutboxSender sender) {
        Semaphore signal = signals.get(sender.destination());
        long linger = sender.linger().toMillis();
        int failures = 0;
        while (running) {
            try {
                Pass pass = relayOnce(sender);
                if (pass == Pass.BACK_OFF) {
                    Thread.sleep(backoff(++failures).toMillis());
                    signal.drainPermits();
                    continue;
                }
                failures = 0;
                if (pass == Pass.WAIT && signal.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS)
                        && linger > 0) {
                    Thread.sleep(linger);
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

    /**
     * Claims and sends one batch; says whether to go on at once (it was sent, and more messages were due when it was
     * claimed), to wait for a signal, or to back off (the receiver failed).
     */
    Pass relayOnce(OutboxSender sender) throws SQLException {
        int batchSize = sender.batchSize().orElse(config.batchSize());
        UUID claim = UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        int attempts = 0;
        int due = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // the pool restores autocommit when the connection goes back
            try (Statement plan = c.createStatement(); PreparedStatement ps = c.prepareStatement(CLAIM)) {
                plan.execute(CLAIM_PLAN);
                ps.setString(1, sender.destination());
                ps.setInt(2, batchSize);
                ps.setLong(3, config.maxBatchBytes());
                ps.setString(4, interval(config.lease()));
                ps.setObject(5, claim);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                        payloads.add(rs.getString(2));
                        attempts = Math.max(attempts, rs.getInt(3));
                        due = rs.getInt(4);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        if (payloads.isEmpty()) {
            return Pass.WAIT;
        }
        Batch batch = new Batch(sender, ids, payloads, attempts);
        batch.send(0, ids.size());
        if (!batch.failed.isEmpty()) {
            // a message the receiver will not take waits out its own backoff; what a failing receiver did not take
            // stays due (the worker backs off)
            Duration backoff = batch.unavailable ? Duration.ZERO : backoff(attempts);
            LOG.debugf("outbox: %d of %d messages to %s not accepted (attempt %d), retry in %s: %s",
                    batch.failed.size(), ids.size(), sender.destination(), attempts, backoff, batch.error);
            batch.failed.removeAll(batch.sent); // a message taken alone, and then failed with others
            retry(batch.failed, claim, batch.error, backoff);
        }
        if (!batch.sent.isEmpty()) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DONE)) {
                ps.setArray(1, c.createArrayOf("uuid", batch.sent.toArray()));
                ps.setObject(2, claim);
                ps.executeUpdate();
            }
        }
        if (batch.unavailable) {
            sayUnavailable(sender.destination(), batch.error);
            return Pass.BACK_OFF;
        }
        if (!batch.sent.isEmpty() && unavailableSaid.remove(sender.destination()) != null) {
            LOG.infof("outbox relay to %s: the receiver takes messages again", sender.destination());
        }
        return !batch.sent.isEmpty() && batch.failed.isEmpty() && (payloads.size() < due || due == batchSize)
                ? Pass.MORE : Pass.WAIT;
    }

    /**
     * A receiver that takes nothing (down, or refusing the relay's token: a clock ahead of its own by more than a
     * minute, a key it does not hold) is said in the log once a minute: the relay backed off in silence, forever,
     * while partners' reports piled up unsent.
     */
    private void sayUnavailable(String destination, String error) {
        Instant now = Instant.now();
        Instant said = unavailableSaid.get(destination);
        if (said == null || !now.isBefore(said.plus(SAY_UNAVAILABLE_EVERY))) {
            unavailableSaid.put(destination, now);
            LOG.warnf("outbox relay to %s: the receiver takes nothing (%s); its messages wait, sent again with "
                    + "backoff", destination, error);
        }
    }

    private void retry(List<UUID> failed, UUID claim, String error, Duration backoff) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RETRY)) {
            ps.setString(1, error);
            ps.setString(2, interval(backoff));
            ps.setArray(3, c.createArrayOf("uuid", failed.toArray()));
            ps.setObject(4, claim);
            ps.executeUpdate();
        }
    }

    /**
     * One claimed batch on its way. When the receiver refuses its content for good (400, 413 or 422: receivers
     * refuse a batch whole), the batch is split in halves and each sent on its own, down to single messages, so
     * that one message the receiver will not take (a version it does not know yet, a bug) holds back only itself,
     * not the messages claimed with it; it is retried after a backoff of its own.
     * <p>
     * A 500 may be such a message too (a receiver's bug that one report trips) or the receiver failing whatever it
     * is sent (its database down). Each half of the batch is then sent once: a half failing alone is halved again, down
     * to the one message; both failing, one message is sent alone ({@link Batch#takesOneAlone}), and taken, both halves
     * are halved (two such messages, one in each half, held the batch for good); failing too, the receiver fails
     * everything. That is three more requests per claim for a receiver that is down, and {@code 2⌈log2 n⌉} to isolate
     * one message among {@code n}. Any other failure (the receiver unreachable, 401, 502, 503, 504) fails the part
     * being sent as it is. A receiver failing whatever it is sent is {@link #unavailable}: its messages stay due, and
     * the worker backs off.
     */
    private static final class Batch {

        private static final int SENT = 200;

        private final OutboxSender sender;
        private final List<UUID> ids;
        private final List<String> payloads;
        private final List<UUID> sent = new ArrayList<>();
        private final List<UUID> failed = new ArrayList<>();
        private String error;
        /** The receiver failed whatever it was sent: unreachable, 401, 502, 503, 504, or a 500 to both halves. */
        private boolean unavailable;
        /** The most times one of these messages was claimed, this claim included. */
        private final int attempts;

        Batch(OutboxSender sender, List<UUID> ids, List<String> payloads, int attempts) {
            this.sender = sender;
            this.ids = ids;
            this.payloads = payloads;
            this.attempts = attempts;
        }

        void send(int from, int to) {
            int status = post(from, to);
            if (status != SENT) {
                failedWith(from, to, status);
            }
        }

        /** Sends {@code [from, to)} once; {@link #SENT}, or the receiver's status (0 when none came back). */
        private int post(int from, int to) {
            int status = post(String.join(",", payloads.subList(from, to)));
            if (status == SENT) {
                sent.addAll(ids.subList(from, to));
            }
            return status;
        }

        /** Sends these comma-joined messages as one array; {@link #SENT}, or the receiver's status (0: none). */
        private int post(String messages) {
            try {
                sender.send("[" + messages + "]");
                return SENT;
            } catch (RuntimeException e) {
                error = String.valueOf(e.getMessage());
                return e instanceof WebApplicationException w && w.getResponse() != null
                        ? w.getResponse().getStatus() : 0;
            }
        }

        /** The receiver refuses the content for good (it refuses a batch whole). */
        private static boolean refuses(int status) {
            return status == 400 || status == 413 || status == 422;
        }

        /**
         * Whether the receiver takes one of {@code [from, to)} alone: a receiver failing both halves may be down, or
         * each half may hold a message it fails on. Taken, it works, and the halves are halved down to those messages;
         * they stalled the relay, which held the batch due and backed off from it for good. The first message the
         * first time, the next each time the batch is claimed again: one that fails too is not asked again and again.
         */
        private boolean takesOneAlone(int from, int to) {
            int one = from + (attempts - 1) % (to - from);
            return post(one, one + 1) == SENT;
        }

        private void failedWith(int from, int to, int status) {
            boolean refused = refuses(status);
            int middle = (from + to) >>> 1;
            if (to - from > 1 && refused) {
                send(from, middle);
                send(middle, to);
                return;
            }
            if (to - from > 1 && status == 500) {
                int left = post(from, middle);
                int right = post(middle, to);
                if (left == 500 && right == 500 && sent.isEmpty() && !takesOneAlone(from, to)) {
                    failed.addAll(ids.subList(from, to)); // whatever it is sent
                    unavailable = true;
                    return;
                }
                if (left != SENT) {
                    failedWith(from, middle, left);
                }
                if (right != SENT) {
                    failedWith(middle, to, right);
                }
                return;
            }
            if (refused && to - from == 1 && splitPacked(from)) {
                return;
            }
            if (refused) {
                LOG.errorf("outbox: the message %s to %s was refused by the receiver and is retried with backoff: %s",
                        ids.get(from), sender.destination(), error);
            } else if (status == 500 && to - from == 1 && ids.size() > 1) {
                LOG.warnf("outbox: the receiver failed on the message %s to %s alone; retried with backoff: %s",
                        ids.get(from), sender.destination(), error);
            } else {
                unavailable = true;
            }
            failed.addAll(ids.subList(from, to));
        }

        /** See {@link Packed}: true when the message at {@code index} packed several events, each now sent alone. */
        private boolean splitPacked(int index) {
            List<String> events = Packed.elements(payloads.get(index));
            if (events.size() < 2) {
                return false;
            }
            int refusedEvents = 0;
            for (String event : events) {
                int status = post(event);
                if (status == SENT) {
                    continue;
                }
                if (!refuses(status)) {
                    unavailable = true; // the receiver failed meanwhile: the message stays due, whole
                    failed.add(ids.get(index));
                    return true;
                }
                refusedEvents++;
            }
            if (refusedEvents == 0) {
                sent.add(ids.get(index));
                return true;
            }
            LOG.errorf("outbox: %d of the %d events packed in message %s to %s were refused by the receiver (the "
                    + "others were taken); it is retried with backoff: %s", refusedEvents, events.size(),
                    ids.get(index), sender.destination(), error);
            failed.add(ids.get(index));
            return true;
        }
    }

    /**
     * A refused message that packs several events (sharing's audit events, ten to a message): each is sent alone, so
     * that the one the receiver will not take holds back no other of its transaction; the receiver keeps those it
     * took (audit-service de-duplicates by event id, so a retry of the whole message sends them again harmlessly).
     * The message itself is retried with backoff while any of them is refused.
     */
    private static final class Packed {

        private static final JsonFactory JSON = new JsonFactory();

        private Packed() {
        }

        /** The top-level values of {@code payload} (comma-joined), each as its exact text; one when unreadable. */
        static List<String> elements(String payload) {
            String array = "[" + payload + "]";
            List<String> parts = new ArrayList<>();
            try (JsonParser p = JSON.createParser(array)) {
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    return List.of(payload);
                }
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    parts.add(array.substring(start, (int) p.currentLocation().getCharOffset()));
                }
            } catch (IOException | RuntimeException e) {
                return List.of(payload);
            }
            return parts;
        }
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
