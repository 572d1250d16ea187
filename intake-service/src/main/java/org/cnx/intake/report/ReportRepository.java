package org.cnx.intake.report;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.Session;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class ReportRepository implements PanacheRepositoryBase<Report, UUID> {

    private static final String BY_EXTERNAL_KEY = "SELECT id FROM report WHERE external_key = ?";

    private static final String INSERT = """
            INSERT INTO report (id, agency, country, external_ref, type, tlp, title, status, submitted_by, received_at,
                                body, payload_sha256, content_sha256, watchlist_hits)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb)""";

    /*
     * Lookups go by a key no other index leads with (the primary key, external_key), and by id the agency is checked
     * in Java: with "agency = ? and ..." the planner may take an agency-led list index instead, and read the agency's whole
     * history, whenever the statistics make that agency look rare (see V3__report_lookup_key.sql).
     */

    /** A report, only if it belongs to {@code agency}: other agencies' reports do not exist for the caller. */
    public Optional<Report> findOwned(UUID id, String agency) {
        return findByIdOptional(id).filter(r -> r.agency.equals(agency));
    }

    public Optional<Report> lockOwned(UUID id, String agency) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE).filter(r -> r.agency.equals(agency));
    }

    /**
     * The report an agency filed under {@code externalRef}. The key is injective: the row it finds has exactly this
     * agency and reference. The lookup is plain JDBC (no auto-flush: call it before persisting in the transaction),
     * since a submission usually brings a new reference, and a Panache query's building and result handling cost a
     * tenth of intake's CPU per report; only a known reference loads the entity.
     */
    public Optional<Report> findByExternalRef(String agency, String externalRef) {
        String key = Report.externalKey(agency, externalRef);
        UUID id = getEntityManager().unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(BY_EXTERNAL_KEY)) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getObject(1, UUID.class) : null;
                }
            }
        });
        return id == null ? Optional.empty() : findByIdOptional(id);
    }

    /**
     * Writes a new report at once, in plain SQL; {@code watchlistHits} is {@link Report#watchlistHits} as a JSON
     * array. The report is not managed afterwards. As a persisted entity, Hibernate's insert machinery (the action
     * queue, the flush, the bound values' conversions) cost about a tenth of intake's CPU per report.
     */
    public void insert(Report r, String watchlistHits) {
        getEntityManager().unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setObject(1, r.id);
                ps.setString(2, r.agency);
                ps.setString(3, r.country);
                ps.setString(4, r.externalRef);
                ps.setString(5, r.type.name());
                ps.setString(6, r.tlp);
                ps.setString(7, r.title);
                ps.setString(8, r.status.name());
                ps.setString(9, r.submittedBy);
                ps.setObject(10, r.receivedAt.atOffset(ZoneOffset.UTC));
                ps.setString(11, r.body);
                ps.setString(12, r.payloadSha256);
                ps.setString(13, r.contentSha256);
                ps.setString(14, watchlistHits);
                ps.executeUpdate();
            }
        });
    }

    /** What a list asks for; a null field asks for nothing. */
    public record Filter(ReportType type, Instant since, String externalRef) {
    }

    /** One page of an agency's reports, newest first, after the (receivedAt, id) cursor position. */
    public List<Report> page(String agency, Filter filter, ReportCursor after, int limit) {
        StringBuilder query = new StringBuilder("agency = :agency");
        Parameters params = Parameters.with("agency", agency);
        if (filter.type() != null) {
            query.append(" and type = :type");
            params = params.and("type", filter.type());
        }
        if (filter.since() != null) {
            query.append(" and receivedAt >= :since");
            params = params.and("since", filter.since());
        }
        if (filter.externalRef() != null) {
            query.append(" and externalKey = :key");
            params = params.and("key", Report.externalKey(agency, filter.externalRef()));
        }
        if (after != null) {
            // the first bound alone is redundant, but it is one the index (agency, received_at, id) can start at:
            // without it each page walked every newer report first, and a long history cost O(n²) to page through
            query.append(" and receivedAt <= :at and (receivedAt < :at or (receivedAt = :at and id < :id))");
            params = params.and("at", after.receivedAt()).and("id", after.id());
        }
        return find(query.toString(), Sort.descending("receivedAt", "id"), params).page(0, limit).list();
    }
}
