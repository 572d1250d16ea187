package org.cnx.sharing.release;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.partner.PartnerMapper;
import org.cnx.sharing.policy.Decision;
import org.cnx.sharing.policy.PolicyDocument;
import org.cnx.sharing.policy.PolicyEvaluator;
import org.cnx.sharing.policy.Recipient;
import org.cnx.sharing.redaction.Withheld;
import org.cnx.sharing.report.IncomingReport;
import org.hibernate.Session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A change to what a partner may receive holds from that moment for what has not left yet, not only for reports
 * decided afterwards: a new policy version, the partner's registry entry changed (a lower maximum TLP, a report type
 * it no longer accepts, another country), or its removal from the registry.
 * <p>
 * What waits is decided again under the change, with the evaluator that made the decision: releases waiting for
 * approval, so that no officer can approve what the change denies, and released records not delivered (pending, in
 * flight, dead or failed, the last two replayable by an officer). What the change denies is cancelled, its pending
 * delivery with it; a release waiting for approval that it allows with more approvals waits for them, and one it gives
 * another form (a profile that withholds more, or less) takes that form, its approvals void. What it still allows
 * otherwise stays as decided and previewed: a looser change releases nothing by itself, and a record released but not
 * delivered keeps its form. A record already delivered stays delivered: it was cleared when it went.
 */
@ApplicationScoped
public class Clearances {

    /**
     * What waits, for every partner or one ({@code ?} null or its code), with what its decision was made of; the
     * partner's columns are null once it is removed. Locked against an approval or a redelivery meanwhile.
     */
    /**
     * A report's hits are its own column's; where that is empty, those its record carries: a report handed over by a
     * replica still running the code before V10, during the rolling upgrade that brings it, was stored without them.
     */
    private static final String WAITING = """
            SELECT r.id, r.report_id, r.partner, r.status, r.payload_sha256, s.agency, s.country, s.received_at, s.body,
                   p.country, p.accepted_types, p.max_tlp,
                   CASE WHEN cardinality(s.watchlist_hits) > 0 THEN s.watchlist_hits
                        ELSE ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(recorded.hits) = 'array'
                                                                          THEN recorded.hits ELSE '[]' END)) END,
                   r.required_approvals
              FROM release r JOIN shared_report s ON s.id = r.report_id LEFT JOIN partner p ON p.code = r.partner
                   CROSS JOIN LATERAL (SELECT CASE WHEN cardinality(s.watchlist_hits) = 0
                                                   THEN r.payload::jsonb -> 'watchlistHits' END AS hits) recorded
             WHERE (r.status = 'PENDING_APPROVAL'
                    OR r.status = 'RELEASED' AND r.id IN (SELECT d.release_id FROM delivery d WHERE d.kind = 'RECORD'
                                                             AND d.status IN ('PENDING', 'DEAD', 'FAILED')))
               AND (CAST(? AS text) IS NULL OR r.partner = ?)
             ORDER BY r.seq
               FOR UPDATE OF r""";

    private static final String LOCK_RECORDS = """
            SELECT id FROM delivery WHERE kind = 'RECORD' AND status = 'PENDING' AND release_id = ANY(?::uuid[])
             ORDER BY id FOR UPDATE""";

    /** A release waiting for more approvals under the decision that asks for them, which it now shows. */
    private static final String RAISE_APPROVALS = """
            UPDATE release SET required_approvals = ?1, rule = ?2, reasons = CAST(?3 AS jsonb), policy_version = ?4,
                   redaction = ?6
             WHERE id = ?5""";

    /** JSON values alike, numbers compared by value ({@code 2.5E7} and {@code 25000000}). */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /**
     * A release waiting for approval in the form the decision under the change gives it, which it now shows: what
     * waited in the old form (a profile tightened after an incident) would otherwise have been approved and sent so.
     */
    private static final String REFORM = """
            UPDATE release SET payload = ?1, payload_sha256 = ?2, redaction = ?3, withheld = CAST(?4 AS jsonb),
                   required_approvals = ?5, rule = ?6, reasons = CAST(?7 AS jsonb), policy_version = ?8,
                   reformed_at = clock_timestamp()
             WHERE id = ?9""";

    /** The approvals given to a form that will not leave: the officers approve the new one, if they do. */
    private static final String VOID_APPROVALS = "DELETE FROM approval WHERE release_id = ?1";

    /**
     * Closed when it is cancelled: {@code now()} is the change's transaction's start, before it waited for the
     * decisions and approvals in flight, and stamped some releases closed before they were decided or approved.
     */
    private static final String CANCEL_RELEASE = """
            UPDATE release SET status = 'CANCELLED', closed_at = clock_timestamp(), rejection_reason = ?1
             WHERE id = ?2""";

    /**
     * A record delivery still to be attempted is not; an attempt in flight may still land, and the relay then records
     * it as delivered without undoing the release's cancellation. A dead or failed one keeps its status: its release's
     * cancellation is what refuses an officer's replay, and a withdrawal still recalls what a dead one may have
     * delivered.
     */
    private static final String CANCEL_RECORD = """
            UPDATE delivery SET status = 'CANCELLED' WHERE release_id = ?1 AND kind = 'RECORD' AND status = 'PENDING'
            RETURNING id, attempts""";

    /**
     * The advisory lock that orders decisions against changes: a hand-over holds it shared from before it reads the
     * policy, the registry and the withdrawals until it commits, a change (or a withdrawal) exclusively before it reads
     * what waits (or what arrived). A hand-over deciding under the old policy or entry while the change commits would
     * otherwise add releases the change never saw, and one deciding on a report while its withdrawal commits would
     * release what the withdrawal never saw.
     */
    public static final long DECISIONS = 0x636e78_6465636eL; // "cnx" "decn"

    /** A release that has not left; {@code recipient} is null when its partner is no longer registered. */
    private record Waiting(UUID id, UUID reportId, String partner, String status, String payloadSha256,
            IncomingReport report, Recipient recipient, int requiredApprovals) {
    }

    private final EntityManager em;
    private final ObjectMapper json;
    private final ReleaseRecords records;

    Clearances(EntityManager em, ObjectMapper json, ReleaseRecords records) {
        this.em = em;
        this.json = json;
        this.records = records;
    }

    /**
     * Under a newly published policy, cancels what it denies, e.g. after an incident ("no AMBER to that country"),
     * and has what it gives more approvers wait for them. Returns how many releases were cancelled; their events, and
     * those of the releases raised, go to {@code events}, for the caller to record after the change that caused them.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int policyPublished(int version, PolicyDocument policy, AuditEvent.Actor admin, AuditTrail.Batch events) {
        return reconsider(null, version, policy, "policy version " + version, admin, events);
    }

    /** As {@link #policyPublished}, for one partner whose registry entry an exchange-admin changed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int partnerChanged(String partner, int version, PolicyDocument policy, AuditEvent.Actor admin,
            AuditTrail.Batch events) {
        return reconsider(partner, version, policy,
                "as " + partner + " is now registered, policy version " + version, admin, events);
    }

    /**
     * Cancels all that waits for a partner removed from the registry: an approval would have scheduled a delivery to
     * nowhere, and a partner registered later under the same code (another endpoint, another clearance) would have
     * got it, or a replay.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int removed(String partner, AuditEvent.Actor admin, AuditTrail.Batch events) {
        List<Waiting> waiting = waiting(partner);
        lockRecords(waiting);
        waiting.forEach(w -> cancel(w, partner + " was removed from the registry", null, admin, events));
        return waiting.size();
    }

    /**
     * Called by a hand-over before it reads the policy, the registry and the withdrawals, and by an approval before
     * it releases: see {@link #DECISIONS}. A change's reading of what waits, under way when an approval committed, saw
     * the release as no longer waiting for approval and not yet as a record waiting for delivery, and let it go.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void deciding() {
        em.createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock_shared(?1)").setParameter(1, DECISIONS)
                .getSingleResult();
    }

    /**
     * Called by a withdrawal before it reads which of its reports arrived: a hand-over deciding on one of them
     * meanwhile commits first, so that its releases are withdrawn too, and the next hand-over reads the withdrawal.
     * It also queues the withdrawal behind a change reconsidering the same releases, and the change behind it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void withdrawing() {
        changing();
    }

    /**
     * Every hand-over deciding under what a change replaces has committed, and the next ones wait for it; so do the
     * approvals, and other changes. Called by a change before it reads what it decides under: a partner's change that
     * read the policy in force before another change's publish committed went on to decide under the old version.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void changing() {
        em.createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(?1)").setParameter(1, DECISIONS).getSingleResult();
    }

    /** {@code decider} names what decides again, in the reasons it gives: "policy version 5 denies it: …". */
    private int reconsider(String partner, int version, PolicyDocument policy, String decider,
            AuditEvent.Actor admin, AuditTrail.Batch events) {
        List<Map.Entry<Waiting, Decision>> denied = new ArrayList<>();
        for (Waiting waiting : waiting(partner)) {
            if (waiting.recipient() == null) {
                continue; // removed: its removal cancelled what waited, and housekeeping fails its recalls
            }
            Decision decision = PolicyEvaluator.decide(waiting.report(), waiting.recipient(), policy);
            if (decision.action() == Decision.Action.DENY) {
                denied.add(Map.entry(waiting, decision));
            } else if (waiting.status().equals(Release.Status.PENDING_APPROVAL.name())) {
                ReleaseRecords.Prepared form = records.prepare(waiting.report(), waiting.partner(),
                        policy.profile(decision.redaction()));
                if (!form.sha256().equals(waiting.payloadSha256()) && !sameForm(waiting, form)) {
                    reform(waiting, decision, form, version, decider, admin, events);
                } else if (decision.requiredApprovals() > waiting.requiredApprovals()) {
                    raise(waiting, decision, version, decider, admin, events);
                }
            }
        }
        lockRecords(denied.stream().map(Map.Entry::getKey).toList());
        denied.forEach(d -> cancel(d.getKey(), decider + " denies it: " + String.join("; ", d.getValue().reasons()),
                d.getValue().rule(), admin, events));
        return denied.size();
    }

    /**
     * A release waiting for approval that the change still allows with more approvals than it was decided with waits
     * for them: one officer's approval released what the policy published after an incident gives two to decide.
     */
    private void raise(Waiting waiting, Decision decision, int version, String decider, AuditEvent.Actor admin,
            AuditTrail.Batch events) {
        em.createNativeQuery(RAISE_APPROVALS).setParameter(1, decision.requiredApprovals())
                .setParameter(2, decision.rule()).setParameter(3, records.write(decision.reasons()))
                .setParameter(4, version)
                .setParameter(5, waiting.id()).setParameter(6, decision.redaction()).executeUpdate();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", Decision.Action.APPROVE.name());
        details.put("status", Release.Status.PENDING_APPROVAL.name());
        details.put("requiredApprovals", decision.requiredApprovals());
        details.put("previousRequiredApprovals", waiting.requiredApprovals());
        details.put("reason", decider + " needs " + decision.requiredApprovals() + " approvals");
        details.put("policyVersion", version);
        details.put("rule", decision.rule());
        details.put("reasons", decision.reasons());
        events.add("RELEASE_DECIDED", "SUCCESS", admin,
                AuditEvent.Subject.release(waiting.reportId(), waiting.id(), waiting.partner()),
                waiting.payloadSha256(), details);
    }

    /**
     * Whether a release's stored payload and the form a change gives it say the same, numbers read by value: the
     * payload was written from the report as handed over, the form from the report read back from the database, which
     * writes a number its own way ({@code 2.5E7} reads back as {@code 25000000}), and a publish that left the profile
     * as it was voided the release's approvals. Anything else that differs (a step that withholds more now, under the
     * same profile) is another form.
     */
    private boolean sameForm(Waiting waiting, ReleaseRecords.Prepared form) {
        Object stored = em.createNativeQuery("SELECT payload FROM release WHERE id = ?1")
                .setParameter(1, waiting.id()).getSingleResult();
        try {
            return stored != null && json.readTree(stored.toString()).equals(NUMBERS_BY_VALUE,
                    json.readTree(form.payload()));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /**
     * A release waiting for approval that the change gives another form (more or less withheld) is shown, approved and
     * sent in that form: the approvals given to the old one are void, and it waits for as many as either decision asks
     * (a looser change lowers none).
     */
    private void reform(Waiting waiting, Decision decision, ReleaseRecords.Prepared form, int version,
            String decider, AuditEvent.Actor admin, AuditTrail.Batch events) {
        int required = Math.max(decision.requiredApprovals(), waiting.requiredApprovals());
        List<String> reasons = new ArrayList<>(decision.reasons());
        if (required > decision.requiredApprovals()) {
            // the release says why it waits for more than the rule now asks
            reasons.add("approval by " + required + " distinct officer(s), as the release was decided with: a "
                    + "looser change lowers none");
        }
        em.createNativeQuery(REFORM).setParameter(1, form.payload()).setParameter(2, form.sha256())
                .setParameter(3, decision.redaction()).setParameter(4, records.write(form.withheld()))
                .setParameter(5, required).setParameter(6, decision.rule())
                .setParameter(7, records.write(reasons)).setParameter(8, version)
                .setParameter(9, waiting.id()).executeUpdate();
        int voided = em.createNativeQuery(VOID_APPROVALS).setParameter(1, waiting.id()).executeUpdate();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("action", Decision.Action.APPROVE.name());
        details.put("status", Release.Status.PENDING_APPROVAL.name());
        details.put("requiredApprovals", required);
        details.put("previousRequiredApprovals", waiting.requiredApprovals());
        details.put("reason", decider + " gives it another form: approvals given to the previous one are void");
        details.put("previousPayloadSha256", waiting.payloadSha256());
        details.put("approvalsVoided", voided);
        details.put("policyVersion", version);
        details.put("rule", decision.rule());
        details.put("reasons", reasons);
        if (decision.redaction() != null) {
            details.put("redaction", decision.redaction());
        }
        details.put("withheld", form.withheld().stream().map(Withheld::path).toList());
        events.add("RELEASE_DECIDED", "SUCCESS", admin,
                AuditEvent.Subject.release(waiting.reportId(), waiting.id(), waiting.partner()), form.sha256(),
                details);
    }

    /**
     * Locks the record deliveries of releases about to be cancelled in id order, as the relay recording outcomes locks
     * deliveries: release by release, a change cancelling two records in flight deadlocked with the relay recording
     * both the other way round, and PostgreSQL failed one of the two (the admin's change a 500).
     */
    private void lockRecords(List<Waiting> cancelling) {
        if (cancelling.isEmpty()) {
            return;
        }
        UUID[] releases = cancelling.stream().map(Waiting::id).toArray(UUID[]::new);
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(LOCK_RECORDS)) {
                ps.setArray(1, c.createArrayOf("uuid", releases));
                ps.executeQuery().close();
            }
        });
    }

    private void cancel(Waiting waiting, String reason, String rule, AuditEvent.Actor admin,
            AuditTrail.Batch events) {
        em.createNativeQuery(CANCEL_RELEASE).setParameter(1, reason).setParameter(2, waiting.id()).executeUpdate();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", Release.Status.CANCELLED.name());
        details.put("was", waiting.status());
        details.put("reason", reason);
        if (rule != null) {
            details.put("rule", rule);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> records = em.createNativeQuery(CANCEL_RECORD).setParameter(1, waiting.id()).getResultList();
        records.forEach(record -> {
            details.put("cancelledDeliveryId", record[0].toString());
            details.put("attempts", record[1]);
        });
        events.add("RELEASE_CANCELLED", "SUCCESS", admin,
                AuditEvent.Subject.release(waiting.reportId(), waiting.id(), waiting.partner()),
                waiting.payloadSha256(), details);
    }

    private List<Waiting> waiting(String partner) {
        em.flush(); // the registry's or the policy's change, which the decisions read
        changing();
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(WAITING)) {
                ps.setString(1, partner);
                ps.setString(2, partner);
                List<Waiting> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(waiting(rs));
                    }
                }
                return rows;
            }
        });
    }

    /** The report as intake handed it over, its watch-list hits included (a record may withhold them). */
    private Waiting waiting(ResultSet rs) throws SQLException {
        try {
            List<String> hits = List.of((String[]) rs.getArray(13).getArray());
            JsonNode body = json.readTree(rs.getString(9));
            IncomingReport report = new IncomingReport(rs.getObject(2, UUID.class), rs.getString(6), rs.getString(7),
                    rs.getObject(8, OffsetDateTime.class).toInstant(), hits, body);
            String code = rs.getString(3);
            Recipient recipient = rs.getString(10) == null ? null
                    : PartnerMapper.recipient(code, rs.getString(10), rs.getString(11), rs.getString(12));
            return new Waiting(rs.getObject(1, UUID.class), report.id(), code, rs.getString(4), rs.getString(5),
                    report, recipient, rs.getInt(14));
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored report is not JSON", e);
        }
    }
}
