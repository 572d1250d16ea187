package org.cnx.sharing.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Records a batch of attempts in one transaction: the fenced row updates, the attempt history, the audit
 * events (DELIVERY_ATTEMPTED for every attempt, then DELIVERY_SUCCEEDED, DELIVERY_FAILED or DELIVERY_DEAD
 * when the delivery reached that state) and, for a 410 Gone, the partner's endpoint disabled
 * (PARTNER_CHANGED by cnx-sharing). An attempt whose claim was lost (its lease ran out and another relay
 * claimed the row) records nothing.
 */
@ApplicationScoped
class DeliveryOutcomes {

    private static final Logger LOG = Logger.getLogger(DeliveryOutcomes.class);

    /** This replica in the attempt history and audit details: host (the pod name in Kubernetes) and process. */
    static final String RELAY = System.getenv().getOrDefault("HOSTNAME", "localhost") + "/"
            + ProcessHandle.current().pid();

    /** A claimed delivery and what its attempt came to. */
    record Attempted(DeliveryStore.Claimed delivery, DeliverySender.Result result) {
    }

    /** The delivery's next state and how the attempt history names the attempt. */
    private record Plan(Delivery.Status status, Instant next, DeliveryAttempt.Outcome outcome) {
    }

    private final EntityManager em;
    private final DeliveryStore store;
    private final AuditTrail audit;
    private final RetryPolicy policy;
    private final String relay;
    private final Duration outage;
    /**
     * When this relay last saw a delivery land, per partner: one it saw land within the outage window was not down,
     * and the next that lands asks the database nothing (the other relays' successes count only where this one saw
     * none).
     */
    private final Map<String, Instant> lastLanded = new ConcurrentHashMap<>();

    DeliveryOutcomes(EntityManager em, DeliveryStore store, AuditTrail audit, DeliveryConfig config) {
        this.em = em;
        this.store = store;
        this.audit = audit;
        this.policy = RetryPolicy.of(config);
        this.relay = RELAY;
        this.outage = config.outageAfter();
    }

    /** Returns how many of the attempts still held their claim (and were recorded). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    int record(List<Attempted> batch) {
        Map<UUID, Plan> plans = new LinkedHashMap<>();
        List<DeliveryStore.Completion> completions = new ArrayList<>();
        for (Attempted a : batch) {
            Plan plan = plan(a);
            plans.put(a.delivery().id(), plan);
            DeliverySender.Result r = a.result();
            completions.add(new DeliveryStore.Completion(a.delivery().id(), a.delivery().attempt(),
                    a.delivery().claim(), plan.status(), r.httpStatus(), r.error(), plan.next(), r.finishedAt()));
        }
        Session session = em.unwrap(Session.class);
        // the partners of what did not land before their deliveries, as an exchange-admin's change of one locks them:
        // a change in progress commits first, so that an endpoint it moves is the one those outcomes are compared with
        // (an attempt failed at the address being left stayed failed), and a partner to disable (410) is not locked
        // the other way round (the two deadlocked). Exclusively where one is to be disabled: a rare batch, in which
        // all wait alike. A batch that all landed compares nothing, and waits for no change.
        boolean disabling = batch.stream().anyMatch(a -> a.result().verdict() == RetryPolicy.Verdict.GONE);
        List<String> partners = batch.stream().filter(a -> a.result().verdict() != RetryPolicy.Verdict.DELIVERED)
                .map(a -> a.delivery().partner()).distinct().sorted().toList();
        if (!partners.isEmpty()) {
            session.doWork(c -> store.lockPartners(c, partners, disabling));
        }
        DeliveryStore.Completed completed = session.doReturningWork(c -> store.complete(c, completions));
        Map<UUID, Delivery.Status> applied = completed.after();
        Set<UUID> revived = revivedAtNewEndpoint(session, batch, plans, applied);
        List<DeliveryAttempt> history = new ArrayList<>();
        AuditTrail.Batch events = audit.batch();
        Map<String, DeliveryStore.Claimed> gone = new LinkedHashMap<>();
        List<UUID> retried = new ArrayList<>();
        List<String> retriedAt = new ArrayList<>();
        for (Attempted a : batch) {
            DeliveryStore.Claimed d = a.delivery();
            Delivery.Status now = applied.get(d.id());
            if (now == null) {
                LOG.infof("delivery %s: claim lost (lease ran out), outcome of attempt %d discarded", d.id(), d.attempt());
                continue;
            }
            Plan plan = plans.get(d.id());
            history.add(row(a, plan));
            audited(events, a, plan, completed.before().get(d.id()), now);
            if (revived.contains(d.id())) {
                requeued(events, a, plan);
            }
            if (a.result().verdict() == RetryPolicy.Verdict.GONE) {
                gone.putIfAbsent(d.partner(), d);
            } else if (now == Delivery.Status.PENDING) {
                retried.add(d.id());
                retriedAt.add(d.endpoint());
            }
        }
        List<String> back = landedAfterAWhile(batch, applied);
        // asked before this batch's attempts are in the history: they are not the partner's earlier successes
        if (!back.isEmpty()) {
            session.doReturningWork(c -> store.dueOnRecovery(c, back, outage)).forEach((partner, due) -> LOG.infof(
                    "partner %s took a delivery after none landed for %s: %d retries waiting out their backoff are due"
                            + " now", partner, outage, due));
        }
        session.doWork(c -> store.insertAttempts(c, history));
        // the partner may have moved while these were asked at its old endpoint: they do not wait out its backoff
        if (!retried.isEmpty()) {
            session.doReturningWork(c -> store.dueAtNewEndpoint(c, retried, retriedAt));
        }
        for (Map.Entry<String, DeliveryStore.Claimed> g : gone.entrySet()) {
            String reason = "the endpoint answered 410 Gone (delivery " + g.getValue().id() + ")";
            if (session.doReturningWork(c -> store.disablePartner(c, g.getKey(), g.getValue().endpoint(), reason))) {
                LOG.warnf("partner %s disabled: %s; an exchange-admin re-enables it", g.getKey(), reason);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("change", "DISABLED");
                details.put("reason", reason);
                details.put("deliveryId", g.getValue().id().toString());
                events.add("PARTNER_CHANGED", "SUCCESS", AuditTrail.SYSTEM,
                        new AuditEvent.Subject(null, null, null, g.getKey()), null, details);
            }
        }
        events.record();
        return history.size();
    }

    /**
     * An attempt cut short by the shutdown, given back uncounted and due at once, is recorded as what it was in the
     * attempt history and the log: one whose request may have reached the partner. Without them, the next attempt
     * took its number and the partner held two requests of a delivery the log said was tried once. False when the
     * claim was lost meanwhile (nothing is recorded: the lease's end retries it, as an attempt of its own).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    boolean givenBack(Attempted cut) {
        Session session = em.unwrap(Session.class);
        if (!session.doReturningWork(c -> store.giveBack(c, cut.delivery()))) {
            return false;
        }
        Plan plan = new Plan(Delivery.Status.PENDING, cut.result().finishedAt(), DeliveryAttempt.Outcome.GIVEN_BACK);
        session.doWork(c -> store.insertAttempts(c, List.of(row(cut, plan))));
        AuditTrail.Batch events = audit.batch();
        audited(events, cut, plan, Delivery.Status.PENDING, Delivery.Status.PENDING);
        events.record();
        return true;
    }

    /**
     * What this batch just failed or dead-lettered at an endpoint its partner has left since the claim is pending again
     * ({@link DeliveryStore#revivedAtNewEndpoint}), and {@code applied} says so: no terminal event is audited for it.
     * Returns those deliveries.
     */
    private Set<UUID> revivedAtNewEndpoint(Session session, List<Attempted> batch, Map<UUID, Plan> plans,
            Map<UUID, Delivery.Status> applied) {
        List<UUID> ids = new ArrayList<>();
        List<String> endpoints = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        for (Attempted a : batch) {
            Delivery.Status now = applied.get(a.delivery().id());
            if ((now == Delivery.Status.FAILED || now == Delivery.Status.DEAD)
                    && plans.get(a.delivery().id()).status() == now) {
                ids.add(a.delivery().id());
                endpoints.add(a.delivery().endpoint());
                statuses.add(now.name());
            }
        }
        Set<UUID> revived = new HashSet<>();
        if (!ids.isEmpty()) {
            session.doReturningWork(c -> store.revivedAtNewEndpoint(c, ids, endpoints, statuses)).forEach(id -> {
                applied.put(id, Delivery.Status.PENDING);
                revived.add(id);
            });
        }
        return revived;
    }

    /**
     * The partners a delivery of this batch landed at for which this relay saw no other land within the outage window:
     * perhaps back after one ({@link DeliveryStore#dueOnRecovery} asks the history).
     */
    private List<String> landedAfterAWhile(List<Attempted> batch, Map<UUID, Delivery.Status> applied) {
        Set<String> partners = new TreeSet<>();
        for (Attempted a : batch) {
            if (a.result().verdict() == RetryPolicy.Verdict.DELIVERED && applied.containsKey(a.delivery().id())) {
                Instant landed = a.result().finishedAt();
                Instant before = lastLanded.put(a.delivery().partner(), landed);
                if (before == null || before.isBefore(landed.minus(outage))) {
                    partners.add(a.delivery().partner());
                }
            }
        }
        return List.copyOf(partners);
    }

    /**
     * Said in the log: an auditor saw an attempt FAILED or DEAD, then attempts again from 1 and perhaps a success, and
     * no event why (an officer's replay is a DELIVERY_REQUEUED with the officer).
     */
    private void requeued(AuditTrail.Batch events, Attempted a, Plan plan) {
        DeliveryStore.Claimed d = a.delivery();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", d.kind().name());
        details.put("previousStatus", plan.status().name());
        details.put("previousAttempts", d.attempt());
        details.put("reason", "the partner moved to another endpoint while the attempt at " + d.endpoint()
                + " was under way: tried again at the new one" + (plan.status() == Delivery.Status.DEAD
                        ? ", with a fresh attempt budget" : ""));
        details.put("relay", relay);
        events.add("DELIVERY_REQUEUED", "SUCCESS", AuditTrail.SYSTEM,
                new AuditEvent.Subject(d.reportId(), d.releaseId(), d.id(), d.partner()), d.sha256(), details);
    }

    private Plan plan(Attempted a) {
        Instant finished = a.result().finishedAt();
        return switch (a.result().verdict()) {
            case DELIVERED -> new Plan(Delivery.Status.DELIVERED, finished, DeliveryAttempt.Outcome.DELIVERED);
            case FAILED -> new Plan(Delivery.Status.FAILED, finished, DeliveryAttempt.Outcome.FAILED);
            // stays pending, due at once: the claim skips it until an exchange-admin re-enables the partner
            case GONE -> new Plan(Delivery.Status.PENDING, finished, DeliveryAttempt.Outcome.GONE);
            case RETRY -> policy.exhausted(a.delivery().attempt())
                    ? new Plan(Delivery.Status.DEAD, finished, DeliveryAttempt.Outcome.DEAD)
                    : new Plan(Delivery.Status.PENDING,
                            finished.plus(policy.delay(a.delivery().attempt(), a.result().retryAfter())),
                            DeliveryAttempt.Outcome.RETRY);
        };
    }

    private DeliveryAttempt row(Attempted a, Plan plan) {
        DeliveryAttempt row = new DeliveryAttempt();
        row.deliveryId = a.delivery().id();
        row.partner = a.delivery().partner();
        row.attempt = a.delivery().attempt();
        row.startedAt = a.result().startedAt();
        row.finishedAt = a.result().finishedAt();
        row.outcome = plan.outcome().name();
        row.httpStatus = a.result().httpStatus();
        row.error = a.result().error();
        row.relay = relay;
        return row;
    }

    private void audited(AuditTrail.Batch events, Attempted a, Plan plan, Delivery.Status before,
            Delivery.Status now) {
        DeliveryStore.Claimed d = a.delivery();
        DeliverySender.Result r = a.result();
        AuditEvent.Subject subject = new AuditEvent.Subject(d.reportId(), d.releaseId(), d.id(), d.partner());
        boolean delivered = r.verdict() == RetryPolicy.Verdict.DELIVERED;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", d.kind().name());
        // where it went: an admin may have changed the partner's endpoint while this attempt was on its way
        details.put("endpoint", d.endpoint());
        details.put("attempt", d.attempt());
        details.put("maxAttempts", policy.maxAttempts());
        details.put("result", plan.outcome().name());
        if (r.httpStatus() != null) {
            details.put("httpStatus", r.httpStatus());
        }
        if (r.error() != null) {
            details.put("error", r.error());
        }
        details.put("durationMs", r.finishedAt().toEpochMilli() - r.startedAt().toEpochMilli());
        if (plan.outcome() == DeliveryAttempt.Outcome.RETRY && now == Delivery.Status.PENDING) {
            details.put("nextAttemptAt", plan.next().toString());
        }
        details.put("relay", relay);
        events.add("DELIVERY_ATTEMPTED", delivered ? "SUCCESS" : "FAILURE", AuditTrail.SYSTEM, subject, d.sha256(),
                details);

        // a failure ends a delivery that was pending: one its partner's removal failed meanwhile was audited as such,
        // and stays failed for that reason, not for this answer
        boolean ended = before == Delivery.Status.PENDING;
        String action = delivered ? "DELIVERY_SUCCEEDED"
                : ended && now == Delivery.Status.FAILED && plan.status() == Delivery.Status.FAILED ? "DELIVERY_FAILED"
                : ended && now == Delivery.Status.DEAD && plan.status() == Delivery.Status.DEAD ? "DELIVERY_DEAD"
                : null;
        if (action == null) {
            return;
        }
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("kind", d.kind().name());
        outcome.put("endpoint", d.endpoint());
        outcome.put("attempts", d.attempt());
        if (r.httpStatus() != null) {
            outcome.put("httpStatus", r.httpStatus());
        }
        if (r.error() != null) {
            outcome.put("error", r.error());
        }
        outcome.put("relay", relay);
        events.add(action, delivered ? "SUCCESS" : "FAILURE", AuditTrail.SYSTEM, subject, d.sha256(), outcome);
    }
}
