package org.cnx.sharing.release;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.cnx.sharing.policy.Decision;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** The decision for one report and one receiving partner, and the exact record that would leave. */
@Entity
@Table(name = "release")
public class Release {

    /**
     * PENDING_APPROVAL → RELEASED or REJECTED by officers; DENIED by the policy; CANCELLED when the
     * originator withdrew the report before it left; RECALLED when it withdrew it after it had left.
     */
    public enum Status { PENDING_APPROVAL, RELEASED, DENIED, REJECTED, CANCELLED, RECALLED }

    @Id
    public UUID id;

    /**
     * Insertion order, for stable cursor pagination: assigned by the database and not read back on insert, so
     * that a hand-over's releases go in one batch (a value read back is an INSERT … RETURNING per row).
     */
    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "report_id", nullable = false)
    public UUID reportId;

    @Column(nullable = false)
    public String partner;

    @Column(name = "origin_agency", nullable = false)
    public String originAgency;

    /** Only officers of this country may approve or reject (the originator keeps release authority). */
    @Column(name = "origin_country", nullable = false)
    public String originCountry;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Decision.Action action;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "required_approvals", nullable = false)
    public int requiredApprovals;

    @Column(nullable = false)
    public String rule;

    /** This, the manifest and the payload are a release's page's, loaded when read: a queue page never shows them. */
    @Basic(fetch = FetchType.LAZY)
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String reasons;

    /** The policy version that decided (0: none was published yet). */
    @Column(name = "policy_version")
    public Integer policyVersion;

    /** The redaction profile applied to the payload; null when none. */
    public String redaction;

    /** The manifest of withheld paths (JSON array of {path, op}), as inside the payload. */
    @Basic(fetch = FetchType.LAZY)
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String withheld;

    /**
     * The record exactly as it will be delivered; absent when denied. Not loaded by a queue page: a hundred records
     * of a 256 KiB report each held 50 MB per page of an officer's dashboard.
     */
    @Basic(fetch = FetchType.LAZY)
    @Column(columnDefinition = "text")
    public String payload;

    @Column(name = "payload_sha256")
    public String payloadSha256;

    /** When a change last gave it another form while it waited for approval; null: the form it was decided in. */
    @Column(name = "reformed_at")
    public Instant reformedAt;

    @Column(name = "decided_at", nullable = false)
    public Instant decidedAt;

    @Column(name = "closed_at")
    public Instant closedAt;

    @Column(name = "rejection_reason")
    public String rejectionReason;
}
