package org.cnx.intake.report;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class ReportRepository implements PanacheRepositoryBase<Report, UUID> {

    /** A report, only if it belongs to {@code agency}: other agencies' reports do not exist for the caller. */
    public Optional<Report> findOwned(UUID id, String agency) {
        return find("id = ?1 and agency = ?2", id, agency).firstResultOptional();
    }

    public Optional<Report> lockOwned(UUID id, String agency) {
        return find("id = ?1 and agency = ?2", id, agency).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public Optional<Report> findByExternalRef(String agency, String externalRef) {
        return find("agency = ?1 and externalRef = ?2", agency, externalRef).firstResultOptional();
    }

    /** One page of an agency's reports, newest first, after the (receivedAt, id) cursor position. */
    public List<Report> page(String agency, ReportType type, Instant since, ReportCursor after, int limit) {
        StringBuilder query = new StringBuilder("agency = :agency");
        Parameters params = Parameters.with("agency", agency);
        if (type != null) {
            query.append(" and type = :type");
            params = params.and("type", type);
        }
        if (since != null) {
            query.append(" and receivedAt >= :since");
            params = params.and("since", since);
        }
        if (after != null) {
            query.append(" and (receivedAt < :at or (receivedAt = :at and id < :id))");
            params = params.and("at", after.receivedAt()).and("id", after.id());
        }
        return find(query.toString(), Sort.descending("receivedAt", "id"), params).page(0, limit).list();
    }
}
