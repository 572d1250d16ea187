package org.cnx.intake.report;

import java.time.Instant;
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

    @Column(name = "payload_sha256", nullable = false)
    public String payloadSha256;
}
