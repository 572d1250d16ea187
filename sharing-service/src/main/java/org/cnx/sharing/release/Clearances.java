package org.cnx.sharing.release;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.jdbc.InTransaction;
import org.cnx.sharing.partner.PartnerMapper;
import org.cnx.sharing.policy.Decision;
import org.cnx.sharing.policy.PolicyDocument;
import org.cnx.sharing.policy.PolicyEvaluator;
import org.cnx.sharing.policy.Recipient;
import org.cnx.sharing.policy.Tlp;
import org.cnx.sharing.report.IncomingReport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A change to what a partner may receive holds from that moment for what has not left yet, not only for reports
 * decided afterwards: its clearance narrowed by an exchange-admin (a lower maximum TLP, a report type it no longer
 * accepts), its removal from the registry, or a new policy version that denies it the report.
 * <p>
 * The partner's releases waiting for approval that it no longer covers are cancelled, so that no officer can approve
 * them; so are its released records still waiting to go out, or dead or failed and so replayable, whose deliveries
 * are cancelled with them. A record already delivered stays delivered: it was cleared when it went.
 */
@ApplicationScoped
public class Clearances {

    /**
     * Why, per release, in its rejection reason. TLP first: a record above the partner's ceiling is refused for that
     * whatever its type.
     */
    private static final String REASON = """
            CASE WHEN ?5 THEN format('%s was removed from the registry', r.partner)
                 WHEN s.tlp <> ALL(CAST(?1 AS text[]))
                 THEN format('%s is now cleared up to TLP:%s, and this report is TLP:%s', r.partner, ?2, s.tlp)
                 ELSE format('%s no longer accepts %s reports', r.partner, s.type) END""";

    private static final String BEYOND = "s.id = r.report_id AND r.partner = ?3 "
            + "AND (s.tlp <> ALL(CAST(?1 AS text[])) OR s.type <> ALL(CAST(?4 AS text[])))";

    private static final String CANCEL_PENDING_APPROVAL = "UPDATE release r SET status = 'CANCELLED', "
            + "closed_at = now(), rejection_reason = " + REASON + " FROM shared_report s WHERE " + BEYOND
            + " AND r.status = 'PENDING_APPROVAL' RETURNING r.id, r.report_id, r.payload_sha256, r.rejection_reason";

    /**
     * Record deliveries not delivered (pending, in flight, dead or failed: the last two an officer could replay): the
     * delivery and its release are cancelled. An attempt in flight may still land; the relay then records it without
     * undoing the cancellation.
     */
    private static final String CANCEL_UNDELIVERED = "WITH cut AS (UPDATE delivery d SET status = 'CANCELLED' "
            + "FROM release r, shared_report s WHERE d.release_id = r.id AND d.kind = 'RECORD' "
            + "AND d.status IN ('PENDING', 'DEAD', 'FAILED') AND " + BEYOND
            + " RETURNING d.id, d.release_id, d.status AS was, d.attempts) "
            + "UPDATE release r SET status = 'CANCELLED', closed_at = now(), rejection_reason = " + REASON
            + " FROM cut, shared_report s WHERE r.id = cut.release_id AND s.id = r.report_id "
            + "RETURNING r.id, r.report_id, r.payload_sha256, r.rejection_reason, cut.id, cut.attempts";

    /**
     * What waits for a partner still registered: releases waiting for approval, and released records not delivered
     * (as above). Locked against an approval or a redelivery deciding otherwise meanwhile.
     */
    private static final String WAITING = """
            SELECT r.id, r.report_id, r.partner, r.status, r.payload_sha256, r.payload, s.agency, s.country,
                   s.received_at, s.body, p.country, p.accepted_types, p.max_tlp
              FROM release r JOIN shared_report s ON s.id = r.report_id JOIN partner p ON p.code = r.partner
             WHERE r.status = 'PENDING_APPROVAL'
                OR r.status = 'RELEASED' AND r.id IN (SELECT d.release_id FROM delivery d WHERE d.kind = 'RECORD'
                                                         AND d.status IN ('PENDING', 'DEAD', 'FAILED'))
             ORDER BY r.seq
               FOR UPDATE OF r""";

    private static final String CANCEL_RELEASE = """
            UPDATE release SET status = 'CANCELLED', closed_at = now(), rejection_reason = ?1 WHERE id = ?2""";

    private static final String CANCEL_RECORD = """
            UPDATE delivery SET status = 'CANCELLED'
             WHERE release_id = ?1 AND kind = 'RECORD' AND status IN ('PENDING', 'DEAD', 'FAILED')
            RETURNING id, attempts""";

    /** A release that has not left, with what its decision was made of. */
    private record Waiting(UUID id, UUID reportId, String partner, String status, String payloadSha256,
            IncomingReport report, Recipient recipient) {
    }

    private final EntityManager em;
    private final ObjectMapper json;

    Clearances(EntityManager em, ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    /**
     * Decides again, under a newly published policy, what has not left yet, and cancels what it denies: a policy
     * tightened after an incident ("no AMBER to that country") holds at once, not only for reports decided
     * afterwards. What it still allows, in whatever form, stays as decided and previewed: a looser policy releases
     * nothing by itself. Returns how many releases were cancelled; their events go to {@code events}.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int policyPublished(int version, PolicyDocument policy, AuditEvent.Actor admin, AuditTrail.Batch events) {
        int cancelled = 0;
        for (Waiting waiting : InTransaction.select(em, WAITING, this::waiting)) {
            Decision decision = PolicyEvaluator.decide(waiting.report(), waiting.recipient(), policy);
            if (decision.action() != Decision.Action.DENY) {
                continue;
            }
            String reason = "policy version " + version + " denies it: " + String.join("; ", decision.reasons());
            em.createNativeQuery(CANCEL_RELEASE).setParameter(1, reason).setParameter(2, waiting.id())
                    .executeUpdate();
            Map<String, Object> details = details(reason, waiting.status());
            details.put("rule", decision.rule());
            @SuppressWarnings("unchecked")
            List<Object[]> records = em.createNativeQuery(CANCEL_RECORD).setParameter(1, waiting.id())
                    .getResultList();
            records.forEach(record -> {
                details.put("cancelledDeliveryId", record[0].toString());
                details.put("attempts", record[1]);
            });
            events.add("RELEASE_CANCELLED", "SUCCESS", admin,
                    AuditEvent.Subject.release(waiting.reportId(), waiting.id(), waiting.partner()),
                    waiting.payloadSha256(), details);
            cancelled++;
        }
        return cancelled;
    }

    /** The report as intake handed it over: its watch-list hits are those its record carries. */
    private Waiting waiting(ResultSet rs) throws SQLException {
        try {
            JsonNode record = json.readTree(rs.getString(6));
            List<String> hits = new ArrayList<>();
            record.path("watchlistHits").forEach(hit -> hits.add(hit.asText()));
            IncomingReport report = new IncomingReport(rs.getObject(2, UUID.class), rs.getString(7), rs.getString(8),
                    rs.getObject(9, OffsetDateTime.class).toInstant(), hits, json.readTree(rs.getString(10)));
            return new Waiting(rs.getObject(1, UUID.class), report.id(), rs.getString(3), rs.getString(4),
                    rs.getString(5), report,
                    PartnerMapper.recipient(rs.getString(3), rs.getString(11), rs.getString(12), rs.getString(13)));
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored report or record is not JSON", e);
        }
    }

    /**
     * Cancels what {@code partner} may no longer receive under its clearance as it now stands, each cancellation to
     * be audited as RELEASE_CANCELLED with the admin who changed the registry: the events go to {@code events}, for
     * the caller to record after the change that caused them. Returns how many releases were cancelled.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int narrowed(String partner, Tlp maxTlp, List<String> acceptedTypes, AuditEvent.Actor admin,
            AuditTrail.Batch events) {
        String[] cleared = Arrays.stream(Tlp.values()).filter(t -> t.atMost(maxTlp)).map(Tlp::label)
                .toArray(String[]::new);
        return cancel(partner, cleared, maxTlp, acceptedTypes.toArray(String[]::new), false, admin, events);
    }

    /**
     * Cancels all that waits for a partner an exchange-admin removed from the registry: an approval would have
     * scheduled a delivery to nowhere, and a partner registered later under the same code (another endpoint, another
     * clearance) would have got it, or a replay. Returns how many releases were cancelled.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int removed(String partner, AuditEvent.Actor admin, AuditTrail.Batch events) {
        return cancel(partner, new String[0], Tlp.CLEAR, new String[0], true, admin, events);
    }

    private int cancel(String partner, String[] cleared, Tlp maxTlp, String[] types, boolean removed,
            AuditEvent.Actor admin, AuditTrail.Batch events) {
        List<Object[]> waiting = rows(CANCEL_PENDING_APPROVAL, cleared, maxTlp, partner, types, removed);
        waiting.forEach(row -> events.add("RELEASE_CANCELLED", "SUCCESS", admin, subject(row, partner),
                (String) row[2], details((String) row[3], "PENDING_APPROVAL")));
        List<Object[]> undelivered = rows(CANCEL_UNDELIVERED, cleared, maxTlp, partner, types, removed);
        undelivered.forEach(row -> {
            Map<String, Object> details = details((String) row[3], "RELEASED");
            details.put("cancelledDeliveryId", row[4].toString());
            details.put("attempts", row[5]);
            events.add("RELEASE_CANCELLED", "SUCCESS", admin, subject(row, partner), (String) row[2], details);
        });
        return waiting.size() + undelivered.size();
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows(String sql, String[] cleared, Tlp maxTlp, String partner, String[] types,
            boolean removed) {
        return em.createNativeQuery(sql).setParameter(1, cleared).setParameter(2, maxTlp.label())
                .setParameter(3, partner).setParameter(4, types).setParameter(5, removed).getResultList();
    }

    private static AuditEvent.Subject subject(Object[] row, String partner) {
        return AuditEvent.Subject.release((UUID) row[1], (UUID) row[0], partner);
    }

    private static Map<String, Object> details(String reason, String was) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", Release.Status.CANCELLED.name());
        details.put("was", was);
        details.put("reason", reason);
        return details;
    }
}
