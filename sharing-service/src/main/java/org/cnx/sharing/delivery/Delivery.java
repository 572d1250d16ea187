package org.cnx.sharing.delivery;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One released record on its way to one partner; its id is the {@code jti} the partner de-duplicates by. */
@Entity
@Table(name = "delivery")
public class Delivery {

    /** CANCELLED: the report was withdrawn; the record is not sent (again). */
    public enum Status { PENDING, DELIVERED, FAILED, DEAD, CANCELLED }

    /** RECORD carries the released record; RECALL tells a partner that the originator withdrew it. */
    public enum Kind { RECORD, RECALL }

    @Id
    public UUID id;

    @Column(name = "release_id", nullable = false)
    public UUID releaseId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;

    @Column(name = "report_id", nullable = false)
    public UUID reportId;

    @Column(nullable = false)
    public String partner;

    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "payload_sha256", nullable = false)
    public String payloadSha256;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    /** Set while a relay attempts the delivery (and until the lease runs out if it crashed). */
    @Column(name = "lease_until")
    public Instant leaseUntil;

    @Column(name = "last_status")
    public Integer lastStatus;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;
}
