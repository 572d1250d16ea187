package org.cnx.sharing.release;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.delivery.Deliveries;
import org.cnx.sharing.partner.PartnerService;
import org.cnx.sharing.policy.Decision;
import org.cnx.sharing.policy.PolicyService;
import org.cnx.sharing.policy.Recipient;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.recall.RecallRepository;
import org.cnx.sharing.redaction.Withheld;
import org.cnx.sharing.report.IncomingReport;
import org.cnx.sharing.report.SharedReport;
import org.cnx.sharing.report.SharedReportRepository;
import org.jboss.logging.Logger;

@ApplicationScoped
public class ReleaseService {

    private static final Logger LOG = Logger.getLogger(ReleaseService.class);

    private final SharedReportRepository reports;
    private final ReleaseRepository releases;
    private final RecallRepository recalls;
    private final PartnerService partners;
    private final PolicyService policies;
    private final ReleaseDecider decider;
    private final ReleaseRecords records;
    private final Deliveries deliveries;
    private final AuditTrail audit;
    private final Clearances clearances;

    ReleaseService(SharedReportRepository reports, ReleaseRepository releases, RecallRepository recalls,
            PartnerService partners, PolicyService policies, ReleaseDecider decider, ReleaseRecords records,
            Deliveries deliveries, AuditTrail audit, Clearances clearances) {
        this.reports = reports;
        this.releases = releases;
        this.recalls = recalls;
        this.partners = partners;
        this.policies = policies;
        this.decider = decider;
        this.records = records;
        this.deliveries = deliveries;
        this.audit = audit;
        this.clearances = clearances;
    }

    private static final String NO_RECIPIENT = "no partner other than the originator was active: nothing was decided, "
            + "and a partner switched on later is not decided for on this report";

    /**
     * Stores new reports and decides, per active partner other than the originator, under the policy
     * version in force, in one transaction with the deliveries and audit events that follow. Returns
     * how many reports were new.
     */
    @Transactional
    public int receive(List<IncomingReport> batch, AuditEvent.Actor intake) {
        Map<UUID, IncomingReport> unique = new LinkedHashMap<>();
        batch.forEach(r -> unique.putIfAbsent(r.id(), r));
        reports.hold(unique.keySet());
        Set<UUID> known = reports.known(unique.keySet());
        if (known.size() == unique.size()) {
            return 0;
        }
        clearances.deciding(); // a change to the policy or the registry waits for these decisions, and sees them
        List<Recipient> recipients = partners.recipients();
        PolicyService.Active policy = policies.active();
        Map<UUID, RecallRepository.Withdrawal> withdrawn = recalls.withdrawals(unique.keySet());
        List<IncomingReport> fresh = unique.values().stream().filter(r -> !known.contains(r.id())).toList();
        // Rows are written table by table (reports, then decisions, then deliveries), each table's in one batch of
        // plain SQL: as entities, Hibernate's insert machinery cost more than the statements (15 % of sharing's CPU).
        reports.insertAll(fresh.stream().map(this::shared).toList());
        // the decisions' events go to the outbox in one statement, in decision order
        AuditTrail.Batch events = audit.batch();
        List<Release> decided = new ArrayList<>();
        for (IncomingReport incoming : fresh) {
            RecallRepository.Withdrawal withdrawal = withdrawn.get(incoming.id());
            if (withdrawal != null && incoming.agency().equals(withdrawal.agency())) {
                // said in the log too: an auditor saw intake's REPORT_RECEIVED and REPORT_WITHDRAWN, then nothing,
                // as if sharing had lost the report; by whoever withdrew it, as when the report was there first
                LOG.infof("report %s was withdrawn before it arrived: nothing is released", incoming.id());
                events.add("RELEASE_CANCELLED", "SUCCESS", withdrawal.actor(intake),
                        new AuditEvent.Subject(incoming.id(), null, null, null), null,
                        Map.of("reason", "withdrawn by " + incoming.agency() + " before it reached sharing-service: "
                                + "nothing was decided for any partner"));
                continue;
            }
            int before = decided.size();
            for (Recipient partner : recipients) {
                if (!partner.code().equals(incoming.agency())) {
                    decided.add(decide(incoming, partner, policy, events));
                }
            }
            if (decided.size() == before) {
                // no partner to decide for (all others switched off): the log showed REPORT_RECEIVED and then
                // nothing, as if sharing had lost the report
                events.add("RELEASE_DECIDED", "SUCCESS", AuditTrail.SYSTEM,
                        new AuditEvent.Subject(incoming.id(), null, null, null), null,
                        Map.of("decisions", 0, "policyVersion", policy.version(), "reason", NO_RECIPIENT));
            }
        }
        releases.insertAll(decided);
        deliveries.scheduleAll(decided.stream().filter(r -> r.status == Release.Status.RELEASED)
                .map(r -> new Deliveries.Scheduled(r.id, r.reportId, r.partner, r.payload, r.payloadSha256)).toList());
        events.record();
        return fresh.size();
    }

    private SharedReport shared(IncomingReport incoming) {
        SharedReport report = new SharedReport();
        report.id = incoming.id();
        report.agency = incoming.agency();
        report.country = incoming.country();
        report.tlp = incoming.tlp();
        report.type = incoming.type();
        report.receivedAt = incoming.receivedAt();
        report.body = records.write(incoming.report());
        report.watchlistHits = incoming.watchlist().toArray(String[]::new);
        return report;
    }

    private Release decide(IncomingReport incoming, Recipient partner, PolicyService.Active policy,
            AuditTrail.Batch events) {
        ReleaseDecider.Assessment assessment = decider.assess(incoming, partner, policy);
        Decision decision = assessment.decision();
        Release release = new Release();
        release.id = UUID.randomUUID();
        release.reportId = incoming.id();
        release.partner = partner.code();
        release.originAgency = incoming.agency();
        release.originCountry = incoming.country();
        release.action = decision.action();
        release.requiredApprovals = decision.requiredApprovals();
        release.rule = decision.rule();
        release.reasons = records.write(decision.reasons());
        release.policyVersion = assessment.policyVersion();
        release.decidedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<Withheld> withheld = List.of();
        if (assessment.record() == null) {
            release.status = Release.Status.DENIED;
            release.closedAt = release.decidedAt;
        } else {
            release.redaction = decision.redaction();
            release.payload = assessment.record().payload();
            release.payloadSha256 = assessment.record().sha256();
            withheld = assessment.record().withheld();
            release.status = decision.action() == Decision.Action.RELEASE
                    ? Release.Status.RELEASED : Release.Status.PENDING_APPROVAL;
            if (release.status == Release.Status.RELEASED) {
                release.closedAt = release.decidedAt; // released as it was decided: no longer pending, as approved
            }
        }
        release.withheld = records.write(withheld);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", decision.action().name());
        details.put("rule", decision.rule());
        details.put("reasons", decision.reasons());
        details.put("requiredApprovals", decision.requiredApprovals());
        details.put("policyVersion", assessment.policyVersion());
        if (decision.redaction() != null) {
            details.put("redaction", decision.redaction());
        }
        details.put("withheld", withheld.stream().map(Withheld::path).toList());
        events.add("RELEASE_DECIDED", "SUCCESS", AuditTrail.SYSTEM,
                AuditEvent.Subject.release(release.reportId, release.id, release.partner), release.payloadSha256,
                details);
        return release;
    }

    /**
     * One approval by an officer of the originating country. The same officer never counts twice
     * (403, also once the release has left); a release that is no longer pending is 409. The last
     * required approval releases the stored payload as it is: what was previewed is what leaves. With the hash of
     * the payload the officer read, only that record: 409 where a change gave it another form since; without it, 409
     * where a change gave it another form at all, which the officer may not have read.
     * A refusal with 403 is itself audited ({@link #denied}).
     */
    @Transactional(dontRollbackOn = RefusedDecision.class)
    public Release approve(Officer officer, UUID id, String comment, String readPayloadSha256) {
        clearances.deciding(); // a change to the policy or the registry under way decides first, or sees the approval
        Release release = releases.lockForCountry(id, officer.country())
                .orElseThrow(() -> forbiddenOrMissing(officer, id, "RELEASE_APPROVED"));
        List<Approval> approvals = releases.approvals(id);
        if (approvals.stream().anyMatch(a -> a.officerSub.equals(officer.sub()))) {
            throw denied(officer, release, "RELEASE_APPROVED", "already-approved",
                    "This officer has already approved this release; approvals must come from distinct officers.");
        }
        if (release.status != Release.Status.PENDING_APPROVAL) {
            throw notPending(release);
        }
        if (readPayloadSha256 == null && release.reformedAt != null) {
            // read before the change, an approval naming no form would release one the officer never read
            throw new ProblemException(409, "payload-unconfirmed", "Conflict", "The record was given another form at "
                    + release.reformedAt + " (policy version " + release.policyVersion + ", payloadSha256 now "
                    + release.payloadSha256 + "); read it again and approve naming the payloadSha256 of what will "
                    + "leave.");
        }
        if (readPayloadSha256 != null && !readPayloadSha256.equals(release.payloadSha256)) {
            // a change gave the record another form after the officer read it: approved, it would leave unread
            throw new ProblemException(409, "payload-changed", "Conflict", "The record was decided again since it "
                    + "was read (policy version " + release.policyVersion + ", payloadSha256 now "
                    + release.payloadSha256 + "); read it again and approve what will leave.");
        }
        Approval approval = new Approval();
        approval.id = UUID.randomUUID();
        approval.releaseId = id;
        approval.officerSub = officer.sub();
        approval.officerAgency = officer.agency();
        approval.officerCountry = officer.country();
        approval.approvedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        approval.comment = comment;
        releases.getEntityManager().persist(approval);
        int count = approvals.size() + 1;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("approvals", count);
        details.put("requiredApprovals", release.requiredApprovals);
        details.put("released", count >= release.requiredApprovals);
        details.put("officerCountry", officer.country()); // what allowed it: the actor names no country
        if (comment != null) {
            details.put("comment", comment);
        }
        audit.record("RELEASE_APPROVED", "SUCCESS", AuditTrail.actor(officer.token()),
                AuditEvent.Subject.release(release.reportId, release.id, release.partner), release.payloadSha256,
                details);
        if (count >= release.requiredApprovals) {
            release.status = Release.Status.RELEASED;
            release.closedAt = approval.approvedAt;
            deliveries.schedule(release.id, release.reportId, release.partner, release.payload, release.payloadSha256);
        }
        return release;
    }

    /** A rejection by an officer of the originating country; as for an approval, a refusal with 403 is audited. */
    @Transactional(dontRollbackOn = RefusedDecision.class)
    public Release reject(Officer officer, UUID id, String reason) {
        Release release = releases.lockForCountry(id, officer.country())
                .orElseThrow(() -> forbiddenOrMissing(officer, id, "RELEASE_REJECTED"));
        if (release.status != Release.Status.PENDING_APPROVAL) {
            throw notPending(release);
        }
        release.status = Release.Status.REJECTED;
        release.rejectionReason = reason;
        release.closedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        audit.record("RELEASE_REJECTED", "SUCCESS", AuditTrail.actor(officer.token()),
                AuditEvent.Subject.release(release.reportId, release.id, release.partner), release.payloadSha256,
                Map.of("reason", reason, "status", release.status.name(), "officerCountry", officer.country()));
        return release;
    }

    private static ProblemException notPending(Release release) {
        String why = release.rejectionReason == null ? "" : " (" + release.rejectionReason + ")";
        return new ProblemException(409, "not-pending", "Conflict",
                "The release is " + release.status + why + ", not waiting for approval.");
    }

    /** Another country's release exists but is not the officer's to govern: 403, audited; an unknown id: 404. */
    private ProblemException forbiddenOrMissing(Officer officer, UUID id, String attempted) {
        Release release = releases.findById(id);
        if (release != null) {
            return denied(officer, release, attempted, "other-country",
                    "Only officers of the originating country may decide on this release.");
        }
        return new ProblemException(404, "not-found", "Not Found", "No such release.");
    }

    /**
     * Logs a decision refused to an officer as {@code ACCESS_DENIED} (outcome {@code DENIED}): who tried what on which
     * release, and why not. Auditors of either country see an attempt to release what an originator controls, or to
     * count one officer twice. The refusal comes before any change, and its transaction commits with the event alone
     * ({@code dontRollbackOn}): one connection, as for any other request.
     */
    private RefusedDecision denied(Officer officer, Release release, String attempted, String problem, String detail) {
        audit.record("ACCESS_DENIED", "DENIED", AuditTrail.actor(officer.token()),
                AuditEvent.Subject.release(release.reportId, release.id, release.partner), release.payloadSha256,
                Map.of("attempted", attempted, "problem", problem));
        return new RefusedDecision(problem, detail);
    }

    /** A decision refused to an officer (403), thrown before the transaction changed anything but the audit trail. */
    static final class RefusedDecision extends ProblemException {

        RefusedDecision(String type, String detail) {
            super(403, type, "Forbidden", detail);
        }
    }
}
