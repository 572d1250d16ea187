package org.cnx.sharing.delivery;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Pushes released records, and recalls of them, to partner endpoints, one lane per partner:
 *
 * <ul>
 * <li>one claim loop claims due deliveries for every active partner with free capacity, in one statement
 * ({@code FOR UPDATE SKIP LOCKED}, a lease, the attempt counted), and hands each to its partner's lane;
 * it never waits for a partner, and a full lane leaves the rest of that partner's rows unclaimed;</li>
 * <li>a lane runs at most this relay's share of {@code per-partner-concurrency} requests to its partner at a
 * time, each with a time-out, so a partner that hangs or is down holds only its own lane; the relays running on
 * the database share the limit out among themselves ({@link RelayRoster}), so that N replicas keep to it
 * together;</li>
 * <li>one writer records the outcomes in batches, fenced by claim and attempt number
 * ({@link DeliveryOutcomes}).</li>
 * </ul>
 *
 * It wakes when a transaction that scheduled deliveries commits, when a lane frees a slot, and at the
 * poll interval (deliveries scheduled by another replica, backoffs that ran out). A relay that crashed
 * leaves its claims to expire: another relay retries them after at most one lease.
 */
@ApplicationScoped
public class DeliveryRelay {

    private static final Logger LOG = Logger.getLogger(DeliveryRelay.class);

    private final DeliveryConfig config;
    private final DeliveryStore store;
    private final DeliverySender sender;
    private final DeliveryOutcomes outcomes;
    private final RelayRoster roster;
    private final UUID id = UUID.randomUUID();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Semaphore signal = new Semaphore(0);
    private final BlockingQueue<DeliveryOutcomes.Attempted> completed = new LinkedBlockingQueue<>();
    private ExecutorService lanes;
    private Thread claimer;
    private Thread writer;
    private volatile boolean running;
    private volatile boolean draining;
    /** Requests this relay may have in flight to one partner: its share of the limit. */
    private volatile int share;
    private long sharedAt;

    DeliveryRelay(DeliveryConfig config, DeliveryStore store, DeliverySender sender, DeliveryOutcomes outcomes,
            RelayRoster roster) {
        this.config = config;
        this.store = store;
        this.sender = sender;
        this.outcomes = outcomes;
        this.roster = roster;
    }

    void start(@Observes StartupEvent event) {
        Duration longestAttempt = config.connectTimeout().plus(config.requestTimeout());
        if (config.lease().compareTo(longestAttempt) <= 0) {
            throw new IllegalStateException("cnx.delivery.lease (" + config.lease() + ") must exceed connect-timeout + "
                    + "request-timeout (" + longestAttempt + "), or a live attempt could be claimed again");
        }
        if (config.perPartnerConcurrency() < 1 || config.completionBatchSize() < 1) {
            throw new IllegalStateException("cnx.delivery.per-partner-concurrency and completion-batch-size must be ≥ 1");
        }
        if (config.relayLiveness().compareTo(config.pollInterval().multipliedBy(3)) < 0) {
            throw new IllegalStateException("cnx.delivery.relay-liveness (" + config.relayLiveness() + ") must be at "
                    + "least three poll intervals (" + config.pollInterval() + "), or a slow relay is thought gone");
        }
        RetryPolicy.of(config); // refuses an impossible schedule at startup
        if (!config.relayEnabled()) {
            return;
        }
        running = true;
        share = config.perPartnerConcurrency();
        AtomicInteger laneThreads = new AtomicInteger();
        lanes = Executors.newCachedThreadPool(r -> daemon(r, "delivery-lane-" + laneThreads.incrementAndGet()));
        claimer = daemon(this::claimLoop, "delivery-claimer");
        writer = daemon(this::writeLoop, "delivery-writer");
        writer.start();
        claimer.start();
    }

    /** Stops claiming, lets attempts in flight finish (up to the shutdown grace) and records them. */
    void stop(@Observes ShutdownEvent event) {
        if (!running) {
            return;
        }
        running = false;
        signal.release();
        try {
            claimer.join(config.pollInterval().toMillis() + 1000);
            lanes.shutdown();
            if (!lanes.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("delivery relay: attempts still in flight at shutdown are cut short and given back");
                lanes.shutdownNow();
                // each cut attempt is given back and recorded in a transaction of its own: before the pool closes
                lanes.awaitTermination(5, TimeUnit.SECONDS);
            }
            draining = true;
            writer.join(config.shutdownGrace().toMillis());
            roster.leave(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("delivery relay: could not leave the roster (%s); the others take its share once it is "
                    + "%s old", e.getMessage(), config.relayLiveness());
        }
    }

    /** Called after a transaction that made deliveries due commits, and when a lane frees a slot. */
    void wake() {
        if (signal.availablePermits() == 0) {
            signal.release();
        }
    }

    private void claimLoop() {
        join();
        sharedAt = System.nanoTime() - config.pollInterval().toNanos();
        while (running) {
            try {
                if (System.nanoTime() - sharedAt >= config.pollInterval().toNanos()) {
                    sharedAt = System.nanoTime();
                    updateShare();
                }
                List<DeliveryStore.Claimed> claimed = share == 0 ? List.of()
                        : store.claim(busy(), share, config.lease());
                for (DeliveryStore.Claimed delivery : claimed) {
                    inFlight.computeIfAbsent(delivery.partner(), p -> new AtomicInteger()).incrementAndGet();
                    lanes.execute(() -> attempt(delivery));
                }
                if (claimed.isEmpty()) {
                    signal.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warnf("delivery relay: claim failed: %s", e.getMessage());
                    pause(config.pollInterval());
                }
            }
        }
    }

    /**
     * Enters the roster and waits one poll interval before the first claim: by then the relays already running
     * have seen this one and taken their smaller shares, so a partner does not get both shares at once.
     */
    private void join() {
        try {
            roster.seen(id, DeliveryOutcomes.RELAY, config.relayLiveness());
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("delivery relay: could not enter the roster (%s); trying again at the first claim", e.getMessage());
        }
        pause(config.pollInterval()); // not woken by commits meanwhile
    }

    /**
     * Says this relay is alive and takes its share of the per-partner limit among the relays alive now. Requests
     * in flight beyond a smaller share finish; the lane takes no more until it is under its share.
     */
    private void updateShare() throws SQLException {
        RelayRoster.Share place = roster.seen(id, DeliveryOutcomes.RELAY, config.relayLiveness());
        int now = place.of(config.perPartnerConcurrency());
        if (now != share) {
            LOG.infof("delivery relay: up to %d requests at a time to each partner, its share of "
                    + "cnx.delivery.per-partner-concurrency (%d) among the %d relays running", now,
                    config.perPartnerConcurrency(), place.live());
            share = now;
        }
    }

    /** This relay's share of the per-partner limit, as it last took it. */
    int share() {
        return share;
    }

    /** The requests this relay has in flight, per partner (those with none are left out). */
    private Map<String, Integer> busy() {
        Map<String, Integer> busy = new HashMap<>();
        inFlight.forEach((partner, n) -> {
            int count = n.get();
            if (count > 0) {
                busy.put(partner, count);
            }
        });
        return busy;
    }

    private void attempt(DeliveryStore.Claimed delivery) {
        DeliverySender.Result result;
        try {
            result = sender.send(delivery);
        } catch (RuntimeException e) {
            LOG.warnf(e, "delivery %s: attempt %d could not be made", delivery.id(), delivery.attempt());
            Instant now = Instant.now();
            result = new DeliverySender.Result(RetryPolicy.Verdict.RETRY, null,
                    "could not be sent: " + e.getClass().getSimpleName(), Duration.ZERO, now, now);
        } finally {
            inFlight.get(delivery.partner()).decrementAndGet();
            wake();
        }
        if (!running && Thread.currentThread().isInterrupted() && result.httpStatus() == null) {
            // cut short, with no answer, when the shutdown grace ran out: no failure of the partner's, nothing to back
            // off from (a retry's backoff, up to hours) nor to count towards the dead letter. Given back uncounted,
            // due at once; if that fails too, its lease runs out and it is retried then.
            giveBack(new DeliveryOutcomes.Attempted(delivery, new DeliverySender.Result(RetryPolicy.Verdict.RETRY,
                    null, "cut short by the shutdown, given back uncounted"
                            + (result.error() == null ? "" : " (" + result.error() + ")"),
                    Duration.ZERO, result.startedAt(), result.finishedAt())));
            return;
        }
        completed.add(new DeliveryOutcomes.Attempted(delivery, result));
    }

    private void giveBack(DeliveryOutcomes.Attempted cut) {
        Thread.interrupted(); // the JDBC driver's I/O must not see the shutdown's interrupt
        DeliveryStore.Claimed delivery = cut.delivery();
        try {
            if (outcomes.givenBack(cut)) {
                LOG.infof("delivery %s: attempt %d cut short by the shutdown; given back, due at once", delivery.id(),
                        delivery.attempt());
            } else {
                LOG.infof("delivery %s: attempt %d cut short by the shutdown; its claim was lost meanwhile",
                        delivery.id(), delivery.attempt());
            }
        } catch (RuntimeException e) {
            LOG.infof("delivery %s: attempt %d cut short by the shutdown; retried once its lease runs out (%s)",
                    delivery.id(), delivery.attempt(), e.getMessage());
        }
    }

    private void writeLoop() {
        while (!(draining && completed.isEmpty())) {
            try {
                DeliveryOutcomes.Attempted first = completed.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<DeliveryOutcomes.Attempted> batch = new ArrayList<>();
                batch.add(first);
                // a transaction costs more than the rows in it: wait a moment for more outcomes to record with these
                long deadline = System.nanoTime() + config.completionLinger().toNanos();
                while (batch.size() < config.completionBatchSize()) {
                    completed.drainTo(batch, config.completionBatchSize() - batch.size());
                    long left = deadline - System.nanoTime();
                    DeliveryOutcomes.Attempted next = left > 0 && batch.size() < config.completionBatchSize()
                            ? completed.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One transaction per batch; if it fails, one per attempt, so that one bad row cannot hold back the rest. */
    private void write(List<DeliveryOutcomes.Attempted> batch) {
        try {
            outcomes.record(batch);
            return;
        } catch (RuntimeException e) {
            LOG.warnf("delivery relay: recording %d outcomes failed (%s); recording them one by one",
                    batch.size(), e.getMessage());
        }
        for (DeliveryOutcomes.Attempted attempted : batch) {
            try {
                outcomes.record(List.of(attempted));
            } catch (RuntimeException e) {
                LOG.errorf("delivery %s: outcome of attempt %d not recorded (%s); it is retried when its lease expires",
                        attempted.delivery().id(), attempted.delivery().attempt(), e.getMessage());
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
