package org.cnx.sharing.release;

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
import org.cnx.sharing.policy.Tlp;

/**
 * A partner's clearance narrowed by an exchange-admin (a lower maximum TLP, a report type it no longer accepts)
 * holds from that moment for what had not left yet, not only for reports decided afterwards. Its releases waiting
 * for approval that the new clearance does not cover are cancelled, so that no officer can approve them; so are its
 * released records still waiting to go out, or dead or failed and so replayable, whose deliveries are cancelled with
 * them. A record already delivered stays delivered: it was cleared when it went.
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

    private final EntityManager em;

    Clearances(EntityManager em) {
        this.em = em;
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
