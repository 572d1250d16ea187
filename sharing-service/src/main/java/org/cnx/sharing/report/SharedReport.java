package org.cnx.sharing.report;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A report received from intake; its id de-duplicates re-sent batches. */
@Entity
@Table(name = "shared_report")
public class SharedReport {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String agency;

    @Column(nullable = false)
    public String country;

    @Column(nullable = false)
    public String tlp;

    @Column(nullable = false)
    public String type;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String body;

    /** What intake's watch list found, kept apart from any record: a record may withhold the substances they name. */
    @Column(name = "watchlist_hits", nullable = false)
    public String[] watchlistHits;
}
