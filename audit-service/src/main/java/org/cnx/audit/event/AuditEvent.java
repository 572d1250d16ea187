package org.cnx.audit.event;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One entry of the append-only log; written once by {@link EventLog}, never changed. */
@Entity
@Table(name = "audit_event")
public class AuditEvent {

    /** Position in the log, 1..size without gaps. */
    @Id
    public long seq;

    @Column(name = "event_id", nullable = false, unique = true)
    public UUID eventId;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    /** {@link ServiceName#code()}. */
    @Column(nullable = false)
    public String service;

    /**
     * An {@link Action}'s name; as text, not the enum: a replica on the code before a new action is added, during the
     * rolling upgrade that brings it, failed every page and export holding one that the upgraded replica logged.
     */
    @Column(nullable = false)
    public String action;

    @Column(name = "actor_sub", nullable = false)
    public String actorSub;

    @Column(name = "actor_agency")
    public String actorAgency;

    /** JSON array of role names, or null when the producer sent none. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "actor_roles")
    public String actorRoles;

    @Column(name = "report_id")
    public UUID reportId;

    @Column(name = "release_id")
    public UUID releaseId;

    @Column(name = "delivery_id")
    public UUID deliveryId;

    public String partner;

    /** An {@link Outcome}'s name, as text for the same reason as {@link #action}. */
    @Column(nullable = false)
    public String outcome;

    @Column(name = "payload_sha256")
    public String payloadSha256;

    /** JSON object, or null. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String details;

    /** The leaf content: {@link CanonicalJson} of the event without {@code seq} and {@code recordedAt}. */
    @Column(nullable = false)
    public String canonical;

    /** SHA-256(0x00 ‖ canonical as UTF-8): this event's leaf in the log's Merkle tree. */
    @Column(name = "leaf_hash", nullable = false)
    public byte[] leafHash;
}
