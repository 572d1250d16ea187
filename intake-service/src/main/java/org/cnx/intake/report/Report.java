package org.cnx.intake.report;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "report")
public class Report {

    public enum Status { RECEIVED, WITHDRAWN }

    @Id
    public UUID id;

    @Column(nullable = false)
    public String agency;

    @Column(nullable = false)
    public String country;

    @Column(name = "external_ref", nullable = false)
    public String externalRef;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ReportType type;

    @Column(nullable = false)
    public String tlp;

    @Column(nullable = false)
    public String title;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "submitted_by", nullable = false)
    public String submittedBy;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    /** The validated request, as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String body;

    /** SHA-256 of the bytes the partner sent. */
    @Column(name = "payload_sha256", nullable = false)
    public String payloadSha256;

    /** SHA-256 of {@link #body}: equal for the same report content, whatever the spacing. */
    @Column(name = "content_sha256", nullable = false)
    public String contentSha256;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "watchlist_hits", nullable = false)
    public List<String> watchlistHits;

    @Column(name = "withdrawn_at")
    public Instant withdrawnAt;

    @Column(name = "withdrawal_reason")
    public String withdrawalReason;
}
