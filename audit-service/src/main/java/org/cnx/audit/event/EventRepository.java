package org.cnx.audit.event;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;

@ApplicationScoped
public class EventRepository implements PanacheRepositoryBase<AuditEvent, Long> {

    /** The log's state row, locked until the transaction ends: appends run one after another. */
    LogState lockState() {
        return getEntityManager().find(LogState.class, LogState.ID, LockModeType.PESSIMISTIC_WRITE);
    }

    /** eventId → canonical text of those of {@code ids} that are already logged, in one query. */
    Map<UUID, String> findCanonicalByEventIds(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return getEntityManager()
                .createQuery("select e.eventId, e.canonical from AuditEvent e where e.eventId in :ids", Object[].class)
                .setParameter("ids", ids)
                .getResultList().stream()
                .collect(Collectors.toMap(row -> (UUID) row[0], row -> (String) row[1]));
    }

    /**
     * The first {@code DELIVERY_SUCCEEDED} event of a delivery that sharing-service logged: what a partner's receipt
     * proves. Any producer may append any action; only sharing delivers, and a receipt proves what it recorded.
     */
    public Optional<AuditEvent> firstSuccess(UUID deliveryId) {
        return find("deliveryId = ?1 and action = ?2 and service = ?3 order by seq", deliveryId,
                Action.DELIVERY_SUCCEEDED.name(), ServiceName.SHARING.code()).firstResultOptional();
    }

    /** The number of events in the log, committed ones only: its highest {@code seq}. */
    long size() {
        return getEntityManager().createQuery("select s.size from LogState s where s.id = :id", Long.class)
                .setParameter("id", LogState.ID).getSingleResult();
    }

    /**
     * Up to {@code max} events matching {@code filter} with {@code after < seq <= upTo}, in seq order. An event
     * about an {@code originAgency}'s report that audit recorded before the report's receipt (intake's relay was
     * late) counts as recorded with the receipt: as new to a review after {@code afterSeq}, and not yet in a walk
     * up to {@code upTo}.
     */
    List<AuditEvent> page(EventFilter filter, long after, long upTo, int max) {
        StringBuilder query = new StringBuilder("seq > :after and seq <= :upTo");
        Parameters params = Parameters.with("after", after).and("upTo", upTo);
        String receipts = "select r.reportId from AuditEvent r where r.action = :received and r.service = :intake"
                + " and r.actorAgency = :originAgency and r.seq <= :upTo";
        if (filter.originAgency() == null) {
            query.append(" and seq > :afterSeq");
        } else {
            query.append(" and reportId in (").append(receipts).append(") and (seq > :afterSeq or reportId in (")
                    .append(receipts).append(" and r.seq > :afterSeq))");
            params.and("received", Action.REPORT_RECEIVED.name()).and("intake", ServiceName.INTAKE.code())
                    .and("originAgency", filter.originAgency());
        }
        params.and("afterSeq", filter.afterSeq());
        if (filter.from() != null) {
            query.append(" and occurredAt >= :from");
            params.and("from", filter.from());
        }
        if (filter.to() != null) {
            query.append(" and occurredAt < :to");
            params.and("to", filter.to());
        }
        if (filter.action() != null) {
            query.append(" and action = :action");
            params.and("action", filter.action().name());
        }
        if (filter.agency() != null) {
            query.append(" and actorAgency = :agency");
            params.and("agency", filter.agency());
        }
        if (filter.actor() != null) {
            query.append(" and actorSub = :actor");
            params.and("actor", filter.actor());
        }
        if (filter.reportId() != null) {
            query.append(" and reportId = :reportId");
            params.and("reportId", filter.reportId());
        }
        if (filter.partner() != null) {
            query.append(" and partner = :partner");
            params.and("partner", filter.partner());
        }
        if (filter.outcome() != null) {
            query.append(" and outcome = :outcome");
            params.and("outcome", filter.outcome().name());
        }
        query.append(" order by seq");
        return find(query.toString(), params).range(0, max - 1).list();
    }
}
