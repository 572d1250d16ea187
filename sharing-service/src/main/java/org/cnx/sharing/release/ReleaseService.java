package org.cnx.sharing.release;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
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
import org.cnx.sharing.partner.Partners;
import org.cnx.sharing.partner.Partners.Partner;
import org.cnx.sharing.policy.Decision;
import org.cnx.sharing.policy.ReleasePolicy;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.report.IncomingReport;
import org.cnx.sharing.report.SharedReport;
import org.cnx.sharing.report.SharedReportRepository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

@ApplicationScoped
public class ReleaseService {

    private final SharedReportRepository reports;
    private final ReleaseRepository releases;
    private final Partners partners;
    private final ReleasePolicy policy;
    private final Deliveries deliveries;
    private final AuditTrail audit;
    private final ObjectMapper json;

    ReleaseService(SharedReportRepository reports, ReleaseRepository releases, Partners partners,
            ReleasePolicy policy, Deliveries deliveries, AuditTrail audit, ObjectMapper json) {
        this.reports = reports;
        this.releases = releases;
        this.partners = partners;
        this.policy = policy;
        this.deliveries = deliveries;
        this.audit = audit;
        this.json = json;
    }

    /**
     * Stores new reports and decides, per partner, in one transaction with the deliveries and audit
     * events that follow. Returns how many reports were new.
     */
    @Transactional
    public int receive(List<IncomingReport> batch) {
        Map<UUID, IncomingReport> unique = new LinkedHashMap<>();
        batch.forEach(r -> unique.putIfAbsent(r.id(), r));
        Set<UUID> known = reports.known(unique.keySet());
        int accepted = 0;
        for (IncomingReport incoming : unique.values()) {
            if (known.contains(incoming.id())) {
                continue;
            }
            store(incoming);
            for (Partner partner : partners.active()) {
                if (!partner.code().equals(incoming.agency())) {
                    decide(incoming, partner);
                }
            }
            accepted++;
        }
        return accepted;
    }

    private void store(IncomingReport incoming) {
        SharedReport report = new SharedReport();
        report.id = incoming.id();
        report.agency = incoming.agency();
        report.country = incoming.country();
        report.tlp = incoming.tlp();
        report.type = incoming.type();
        report.receivedAt = incoming.receivedAt();
        report.body = write(incoming.report());
        reports.persist(report);
    }

    private void decide(IncomingReport incoming, Partner partner) {
        Decision decision = policy.decide(incoming, partner);
        Release release = new Release();
        release.id = UUID.randomUUID();
        release.reportId = incoming.id();
        release.partner = partner.code();
        release.originAgency = incoming.agency();
        release.originCountry = incoming.country();
        release.action = decision.action();
        release.requiredApprovals = decision.requiredApprovals();
        release.rule = decision.rule();
        release.reasons = write(decision.reasons());
        release.decidedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (decision.action() == Decision.Action.DENY) {
            release.status = Release.Status.DENIED;
            release.closedAt = release.decidedAt;
        } else {
            release.payload = write(record(incoming, partner));
            release.payloadSha256 = sha256(release.payload);
            release.status = decision.action() == Decision.Action.RELEASE
                    ? Release.Status.RELEASED : Release.Status.PENDING_APPROVAL;
        }
        releases.persist(release);
        audit.record("RELEASE_DECIDED", "SUCCESS", AuditTrail.SYSTEM,
                AuditEvent.Subject.release(release.reportId, release.id, release.partner), release.payloadSha256,
                Map.of("action", decision.action().name(), "rule", decision.rule(), "reasons", decision.reasons(),
                        "requiredApprovals", decision.requiredApprovals()));
        if (release.status == Release.Status.RELEASED) {
            deliveries.schedule(release.id, release.reportId, release.partner, release.payload, release.payloadSha256);
        }
    }

    /** The record as the partner will receive it. Redaction profiles come with the policy engine. */
    private ObjectNode record(IncomingReport incoming, Partner partner) {
        ObjectNode record = json.createObjectNode();
        record.put("reportId", incoming.id().toString());
        record.put("recipient", partner.code());
        ObjectNode originator = record.putObject("originator");
        originator.put("agency", incoming.agency());
        originator.put("country", incoming.country());
        record.put("receivedAt", incoming.receivedAt().toString());
        record.set("watchlistHits", json.valueToTree(
                incoming.watchlistHits() == null ? List.of() : incoming.watchlistHits()));
        record.set("report", incoming.report());
        record.putArray("withheld");
        return record;
    }

    @Transactional
    public Release approve(Officer officer, UUID id, String comment) {
        Release release = releases.lockForCountry(id, officer.country()).orElseThrow(() -> forbiddenOrMissing(id));
        if (release.status != Release.Status.PENDING_APPROVAL) {
            throw new ProblemException(409, "not-pending", "Conflict",
                    "The release is " + release.status + ", not waiting for approval.");
        }
        List<Approval> approvals = releases.approvals(id);
        if (approvals.stream().anyMatch(a -> a.officerSub.equals(officer.sub()))) {
            throw new ProblemException(403, "already-approved", "Forbidden",
                    "This officer has already approved this release; approvals must come from distinct officers.");
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
        audit.record("RELEASE_APPROVED", "SUCCESS", AuditTrail.actor(officer.token()),
                AuditEvent.Subject.release(release.reportId, release.id, release.partner), release.payloadSha256,
                Map.of("approvals", count, "requiredApprovals", release.requiredApprovals));
        if (count >= release.requiredApprovals) {
            release.status = Release.Status.RELEASED;
            release.closedAt = approval.approvedAt;
            deliveries.schedule(release.id, release.reportId, release.partner, release.payload, release.payloadSha256);
        }
        return release;
    }

    @Transactional
    public Release reject(Officer officer, UUID id, String reason) {
        Release release = releases.lockForCountry(id, officer.country()).orElseThrow(() -> forbiddenOrMissing(id));
        if (release.status != Release.Status.PENDING_APPROVAL) {
            throw new ProblemException(409, "not-pending", "Conflict",
                    "The release is " + release.status + ", not waiting for approval.");
        }
        release.status = Release.Status.REJECTED;
        release.rejectionReason = reason;
        release.closedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        audit.record("RELEASE_REJECTED", "SUCCESS", AuditTrail.actor(officer.token()),
                AuditEvent.Subject.release(release.reportId, release.id, release.partner), release.payloadSha256,
                Map.of("reason", reason));
        return release;
    }

    /** Another country's release exists but is not the officer's to govern: 403; an unknown id: 404. */
    private ProblemException forbiddenOrMissing(UUID id) {
        if (releases.findById(id) != null) {
            return new ProblemException(403, "other-country", "Forbidden",
                    "Only officers of the originating country may decide on this release.");
        }
        return new ProblemException(404, "not-found", "Not Found", "No such release.");
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
