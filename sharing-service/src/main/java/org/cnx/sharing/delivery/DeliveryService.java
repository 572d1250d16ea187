package org.cnx.sharing.delivery;

import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.partner.PartnerRepository;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.release.Clearances;
import org.cnx.sharing.release.Officer;
import org.cnx.sharing.release.Release;
import org.cnx.sharing.release.ReleaseRepository;

/**
 * What officers see of deliveries and may do with them. An officer sees the deliveries of releases of
 * their own country's reports (as for releases: the originating side keeps authority over them) and may
 * replay those that were dead-lettered or failed.
 */
@ApplicationScoped
public class DeliveryService {

    private final DeliveryRepository deliveries;
    private final ReleaseRepository releases;
    private final DeliveryStore store;
    private final Deliveries scheduler;
    private final AuditTrail audit;
    private final DeliveryConfig config;
    private final RelayRoster roster;
    private final PartnerRepository partners;
    private final Clearances clearances;

    DeliveryService(DeliveryRepository deliveries, ReleaseRepository releases, DeliveryStore store,
            Deliveries scheduler, AuditTrail audit, DeliveryConfig config, RelayRoster roster,
            PartnerRepository partners, Clearances clearances) {
        this.deliveries = deliveries;
        this.releases = releases;
        this.store = store;
        this.scheduler = scheduler;
        this.audit = audit;
        this.config = config;
        this.roster = roster;
        this.partners = partners;
        this.clearances = clearances;
    }

    /** One page and, when there are more, the position of its last item. */
    public record Slice(List<DeliveryViews.Summary> items, Long lastSeq) {
    }

    public Slice page(Officer officer, Delivery.Status status, String partner, UUID reportId, long afterSeq,
            int limit) {
        List<Delivery> rows = deliveries.page(officer.country(), status, partner, reportId, afterSeq, limit + 1);
        boolean more = rows.size() > limit;
        List<Delivery> items = more ? rows.subList(0, limit) : rows;
        return new Slice(items.stream().map(d -> DeliveryViews.Summary.of(d, config.maxAttempts())).toList(),
                more ? items.get(limit - 1).seq : null);
    }

    public DeliveryViews.Detail detail(Officer officer, UUID id) {
        Delivery delivery = deliveries.findForCountry(id, officer.country()).orElseThrow(DeliveryService::notFound);
        return new DeliveryViews.Detail(DeliveryViews.Summary.of(delivery, config.maxAttempts()),
                deliveries.attempts(id).stream().map(DeliveryViews.AttemptView::of).toList());
    }

    /**
     * Puts a dead-lettered or failed delivery back in the queue with a fresh attempt budget (audited
     * DELIVERY_REQUEUED with the officer). A record whose report has since been withdrawn is not sent again.
     */
    @Transactional
    public DeliveryViews.Summary redeliver(Officer officer, UUID id) {
        Delivery delivery = deliveries.findForCountry(id, officer.country()).orElseThrow(DeliveryService::notFound);
        // its release first, then itself, as a withdrawal and a policy or registry change lock them: one cancelling
        // the release meanwhile has committed, and its cancellation is read below
        Release release = delivery.kind == Delivery.Kind.RECORD
                ? releases.findById(delivery.releaseId, LockModeType.PESSIMISTIC_WRITE) : null;
        if (delivery.kind == Delivery.Kind.RECALL) {
            clearances.deciding(); // the partner's removal under way commits first, and is read below
        }
        deliveries.lock(delivery);
        if (delivery.status != Delivery.Status.DEAD && delivery.status != Delivery.Status.FAILED) {
            throw new ProblemException(409, "not-redeliverable", "Conflict", "The delivery is " + delivery.status
                    + "; only dead-lettered (DEAD) or FAILED deliveries are redelivered.");
        }
        if (delivery.kind == Delivery.Kind.RECORD) {
            if (release == null || release.status != Release.Status.RELEASED) {
                throw new ProblemException(409, "not-redeliverable", "Conflict",
                        "The release is " + (release == null ? "gone" : release.status) + "; its record is not sent again.");
            }
        } else if (!recallReachesHolder(delivery)) {
            throw new ProblemException(409, "not-redeliverable", "Conflict", "Partner " + delivery.partner
                    + " as registered now is not the one that may hold the record; the recall is not sent to it.");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", delivery.kind.name());
        details.put("previousStatus", delivery.status.name());
        details.put("previousAttempts", delivery.attempts);
        if (delivery.lastError != null) {
            details.put("lastError", delivery.lastError);
        }
        delivery.status = Delivery.Status.PENDING;
        delivery.attempts = 0;
        delivery.replays++;
        delivery.nextAttemptAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        delivery.leaseUntil = null;
        audit.record("DELIVERY_REQUEUED", "SUCCESS", AuditTrail.actor(officer.token()),
                new AuditEvent.Subject(delivery.reportId, delivery.releaseId, delivery.id, delivery.partner),
                delivery.payloadSha256, details);
        scheduler.wakeRelayOnCommit();
        return DeliveryViews.Summary.of(delivery, config.maxAttempts());
    }

    /** Whether the partner registered under a recall's code now is the one its record's attempts went to. */
    private boolean recallReachesHolder(Delivery recall) {
        Instant registered = partners.registeredAt(List.of(recall.partner)).get(recall.partner);
        return deliveries.recordOf(recall.releaseId).map(record -> record.attemptedTo(registered)).orElse(false);
    }

    /**
     * Partner health. {@code full} (exchange-admins): with the counts of every country's deliveries and the relays
     * sharing the per-partner limit; otherwise the endpoints' state and failure rates only.
     */
    public DeliveryViews.Health health(boolean full) {
        try {
            List<DeliveryViews.PartnerHealth> partners = store.health(config.healthWindow());
            if (!full) {
                return new DeliveryViews.Health(config.healthWindow().toString(), Instant.now(),
                        partners.stream().map(DeliveryViews.PartnerHealth::endpointOnly).toList(), null, null);
            }
            List<RelayRoster.Alive> alive = roster.alive(config.relayLiveness());
            List<DeliveryViews.RelayView> relays = new ArrayList<>();
            for (int rank = 0; rank < alive.size(); rank++) {
                relays.add(new DeliveryViews.RelayView(alive.get(rank).name(), alive.get(rank).seenAt(),
                        new RelayRoster.Share(rank, alive.size()).of(config.perPartnerConcurrency())));
            }
            return new DeliveryViews.Health(config.healthWindow().toString(), Instant.now(), partners,
                    config.perPartnerConcurrency(), relays);
        } catch (SQLException e) {
            throw new IllegalStateException("delivery health unavailable", e);
        }
    }

    private static ProblemException notFound() {
        return new ProblemException(404, "not-found", "Not Found", "No such delivery.");
    }
}
