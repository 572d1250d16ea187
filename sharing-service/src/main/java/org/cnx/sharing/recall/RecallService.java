package org.cnx.sharing.recall;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.delivery.Deliveries;
import org.cnx.sharing.delivery.Delivery;
import org.cnx.sharing.delivery.DeliveryRepository;
import org.cnx.sharing.partner.PartnerRepository;
import org.cnx.sharing.release.Clearances;
import org.cnx.sharing.release.Release;
import org.cnx.sharing.release.ReleaseRecords;
import org.cnx.sharing.release.ReleaseRepository;
import org.cnx.sharing.report.SharedReport;
import org.cnx.sharing.report.SharedReportRepository;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Withdrawals: releases still waiting for approval are cancelled, records not yet sent are held back,
 * and every partner that got the record (or may have: an attempt was made) is sent a signed RECALL
 * through the same delivery relay. Idempotent by report id.
 */
@ApplicationScoped
public class RecallService {

    private static final Logger LOG = Logger.getLogger(RecallService.class);
    /** Why a recall is not sent: the registration that may hold the record is not the code's entry now. */
    static final String GONE = "the partner that may hold the record is no longer registered";

    public record Outcome(int accepted, int duplicates, int refused) {
    }

    private final RecallRepository recalls;
    private final SharedReportRepository reports;
    private final ReleaseRepository releases;
    private final DeliveryRepository deliveryRows;
    private final Deliveries deliveries;
    private final ReleaseRecords records;
    private final PartnerRepository partners;
    private final Clearances clearances;
    private final AuditTrail audit;
    private final ObjectMapper json;

    RecallService(RecallRepository recalls, SharedReportRepository reports, ReleaseRepository releases,
            DeliveryRepository deliveryRows, Deliveries deliveries, ReleaseRecords records, PartnerRepository partners,
            Clearances clearances, AuditTrail audit, ObjectMapper json) {
        this.recalls = recalls;
        this.reports = reports;
        this.releases = releases;
        this.deliveryRows = deliveryRows;
        this.deliveries = deliveries;
        this.records = records;
        this.partners = partners;
        this.clearances = clearances;
        this.audit = audit;
        this.json = json;
    }

    /**
     * {@code caller} is intake-service; each event's actor is the partner that withdrew the report (its token's
     * subject, as intake names it), or intake acting for the withdrawing agency where intake does not name it.
     * A withdrawal naming another agency than the report's originator is refused (and not stored).
     */
    @Transactional
    public Outcome recall(List<RecallNotice> batch, AuditEvent.Actor caller) {
        Map<UUID, RecallNotice> unique = batch.stream()
                .collect(Collectors.toMap(RecallNotice::reportId, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        clearances.withdrawing(); // a hand-over of one of these reports commits first, or reads the withdrawal
        Map<UUID, RecallRepository.Withdrawal> known = recalls.withdrawals(unique.keySet());
        Map<UUID, SharedReport> received = reports.byIds(unique.keySet());
        int accepted = 0;
        int duplicates = 0;
        int refused = 0;
        for (RecallNotice notice : unique.values()) {
            if (known.containsKey(notice.reportId())) {
                duplicates++;
                continue;
            }
            SharedReport report = received.get(notice.reportId());
            if (report != null && !report.agency.equals(notice.agency())) {
                LOG.warnf("withdrawal of report %s by %s refused: the report is %s's", notice.reportId(),
                        notice.agency(), report.agency);
                refused++;
                continue;
            }
            Recall recall = new Recall();
            recall.reportId = notice.reportId();
            recall.agency = notice.agency();
            recall.reason = notice.reason();
            recall.withdrawnBy = notice.withdrawnBy();
            recall.withdrawnAt = notice.withdrawnAt();
            recall.receivedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            recalls.persist(recall);
            accepted++;
            if (report != null) {
                withdraw(notice, new RecallRepository.Withdrawal(notice.agency(), notice.withdrawnBy()).actor(caller));
            }
        }
        return new Outcome(accepted, duplicates, refused);
    }

    private void withdraw(RecallNotice notice, AuditEvent.Actor actor) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String why = "withdrawn by " + notice.agency() + (notice.reason() == null ? "" : ": " + notice.reason());
        // releases before their deliveries, as an approval, a redelivery and a change lock them
        List<Release> decided = releases.lockForReport(notice.reportId());
        Map<UUID, Delivery> sent = deliveryRows.lockRecordsOf(notice.reportId()).stream()
                .collect(Collectors.toMap(d -> d.releaseId, Function.identity(), (a, b) -> a));
        // the registry as the withdrawal's lock leaves it: a removal or a change of an entry waits for it
        Map<String, Instant> registeredAt = partners.registeredAt(decided.stream().map(r -> r.partner).toList());
        Recalled recall = new Recalled(notice, recallPayload(notice), registeredAt, now, actor);
        int recorded = 0;
        for (Release release : decided) {
            Delivery delivery = sent.get(release.id);
            if (release.status == Release.Status.PENDING_APPROVAL) {
                release.status = Release.Status.CANCELLED;
                release.closedAt = now;
                release.rejectionReason = why;
                cancelled(release, Release.Status.PENDING_APPROVAL, null, null, notice, actor);
                recorded++;
            } else if (release.status == Release.Status.RELEASED) {
                boolean mayHaveLeft = mayHaveReached(delivery);
                Delivery.Status recordStatus = holdBack(delivery);
                release.rejectionReason = why;
                release.closedAt = now; // closed anew: it read as closed when it was released
                if (mayHaveLeft) {
                    release.status = Release.Status.RECALLED;
                    recall.of(release, delivery, recordStatus);
                } else {
                    release.status = Release.Status.CANCELLED;
                    cancelled(release, Release.Status.RELEASED, delivery, recordStatus, notice, actor);
                }
                recorded++;
            } else if (release.status == Release.Status.CANCELLED && mayHaveReached(delivery)) {
                // cancelled by a new policy or a registry change after an attempt that may have reached the partner:
                // it stays cancelled, for the reason it was, and the partner is told to drop what it may hold
                recall.of(release, delivery, holdBack(delivery));
                recorded++;
            }
        }
        if (recorded == 0) {
            nothingToWithdraw(notice, decided, why, actor);
        }
    }

    /**
     * A withdrawal of a report of which nothing waited or may have left (every decision a denial, a rejection or a
     * cancellation before any attempt, or none: no other partner was active) is said in the log too: an auditor saw intake's REPORT_RECEIVED and
     * REPORT_WITHDRAWN, then nothing from sharing, as if it had lost the withdrawal.
     */
    private void nothingToWithdraw(RecallNotice notice, List<Release> decided, String why, AuditEvent.Actor actor) {
        Map<String, Long> decisions = decided.stream()
                .collect(Collectors.groupingBy(r -> r.status.name(), TreeMap::new, Collectors.counting()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", why + " (nothing was waiting for approval or may have reached a partner)");
        details.put("decisions", decisions);
        details.put("withdrawnAt", notice.withdrawnAt().toString());
        audit.record("RELEASE_CANCELLED", "SUCCESS", actor, new AuditEvent.Subject(notice.reportId(), null, null, null),
                null, details);
    }

    /**
     * Whether the partner may hold the record, as it stood before {@link #holdBack}: delivered; dead after attempts
     * none of which it took for sure (a time-out may have hidden an arrival); pending, or cancelled by a change, after
     * such an attempt; failed after more than the one refusal that failed it (the partner may refuse what an earlier
     * attempt brought, 409, once it holds it), or by a 303 See Other, a partner's "processed, see what I made". A
     * replay starts the attempts at 0 again, and a shutdown gives a cut attempt back uncounted, not what those attempts
     * may have delivered. Recalling what never arrived costs the partner a notice it ignores; not recalling what did
     * leaves it a withdrawn report.
     */
    private static boolean mayHaveReached(Delivery delivery) {
        return delivery != null && switch (delivery.status) {
            case DELIVERED, DEAD -> true;
            case PENDING, CANCELLED -> delivery.attempts > 0 || delivery.replays > 0 || delivery.givenBack > 0;
            case FAILED -> delivery.attempts > 1 || delivery.replays > 0 || delivery.givenBack > 0
                    || Integer.valueOf(303).equals(delivery.lastStatus);
        };
    }

    /**
     * A record not delivered is not sent, nor replayed, after its report's withdrawal; the record's status as the
     * withdrawal found it (null without a record).
     */
    private static Delivery.Status holdBack(Delivery delivery) {
        if (delivery == null) {
            return null;
        }
        Delivery.Status found = delivery.status;
        if (found == Delivery.Status.PENDING || found == Delivery.Status.DEAD) {
            delivery.status = Delivery.Status.CANCELLED;
        }
        return found;
    }

    /** One withdrawal's recall notice, {@code registeredAt} the registry's entries for its releases' partners. */
    private final class Recalled {

        private final RecallNotice notice;
        private final String payload;
        private final String sha256;
        private final Map<String, Instant> registeredAt;
        private final Instant now;
        private final AuditEvent.Actor actor;

        Recalled(RecallNotice notice, String payload, Map<String, Instant> registeredAt, Instant now,
                AuditEvent.Actor actor) {
            this.notice = notice;
            this.payload = payload;
            this.sha256 = AuditTrail.sha256(payload);
            this.registeredAt = registeredAt;
            this.now = now;
            this.actor = actor;
        }

        /**
         * Schedules the recall of {@code delivery}'s record, audited as RECALL_SENT with the record's status as the
         * withdrawal found it ({@code recordStatus}, before it was held back); failed at once where the partner that
         * may hold the record is gone: removed, or its code registered anew since the record's last attempt
         * (RECALL_SENT a FAILURE, then DELIVERY_FAILED). The code's new holder hears nothing of a report it never had.
         */
        void of(Release release, Delivery delivery, Delivery.Status recordStatus) {
            boolean reachable = delivery.attemptedTo(registeredAt.get(release.partner));
            UUID deliveryId;
            if (reachable) {
                // after an attempt still in flight, so the recall does not overtake the record
                Instant notBefore = delivery.leaseUntil != null && delivery.leaseUntil.isAfter(now)
                        ? delivery.leaseUntil : now;
                deliveryId = deliveries.scheduleRecall(release.id, release.reportId, release.partner, payload, sha256,
                        notBefore);
            } else {
                deliveryId = deliveries.recallFailed(release.id, release.reportId, release.partner, payload, sha256,
                        GONE);
            }
            AuditEvent.Subject subject = new AuditEvent.Subject(release.reportId, release.id, deliveryId,
                    release.partner);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("recalledDeliveryId", delivery.id.toString());
            details.put("recordStatus", recordStatus.name());
            details.put("withdrawnAt", notice.withdrawnAt().toString());
            if (notice.reason() != null) {
                details.put("reason", notice.reason());
            }
            if (!reachable) {
                details.put("error", GONE);
            }
            audit.record("RECALL_SENT", reachable ? "SUCCESS" : "FAILURE", actor, subject, sha256, details);
            if (!reachable) {
                Map<String, Object> failed = new LinkedHashMap<>();
                failed.put("kind", Delivery.Kind.RECALL.name());
                failed.put("attempts", 0);
                failed.put("error", GONE);
                audit.record("DELIVERY_FAILED", "FAILURE", AuditTrail.SYSTEM, subject, sha256, failed);
            }
        }
    }

    /**
     * A release that will not leave because the originator withdrew the report: no officer rejected it. One released
     * whose record had not left names what it {@code was} and the record held back, as a cancellation by a policy or
     * registry change does: its event read as that of a release still waiting for approval.
     */
    private void cancelled(Release release, Release.Status was, Delivery record, Delivery.Status recordStatus,
            RecallNotice notice, AuditEvent.Actor actor) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", Release.Status.CANCELLED.name());
        details.put("was", was.name());
        if (record != null) {
            if (record.status != recordStatus) { // held back
                details.put("cancelledDeliveryId", record.id.toString());
            }
            details.put("recordStatus", recordStatus.name());
        }
        details.put("reason", release.rejectionReason);
        details.put("withdrawnAt", notice.withdrawnAt().toString());
        audit.record("RELEASE_CANCELLED", "SUCCESS", actor,
                AuditEvent.Subject.release(release.reportId, release.id, release.partner), release.payloadSha256,
                details);
    }

    private String recallPayload(RecallNotice notice) {
        ObjectNode body = json.createObjectNode();
        body.put("type", "RECALL");
        body.put("reportId", notice.reportId().toString());
        if (notice.reason() != null) {
            body.put("reason", notice.reason());
        }
        body.put("withdrawnAt", notice.withdrawnAt().toString());
        return records.write(body);
    }
}
