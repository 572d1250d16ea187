package org.cnx.intake.report;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ReportRepository implements PanacheRepositoryBase<Report, UUID> {

    /** A report, only if it belongs to {@code agency}: other agencies' reports do not exist for the caller. */
    public Optional<Report> findOwned(UUID id, String agency) {
        return find("id = ?1 and agency = ?2", id, agency).firstResultOptional();
    }
}
