package org.cnx.sharing.delivery;

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

/**
 * One released record (or recall) on its way to one partner; its id is the {@code jti} the partner
 * de-duplicates by. A relay claims it by setting {@code claim} and {@code lease_until} and counting the
 * attempt; only the holder of that claim and attempt number may record the outcome.
 */
@Entity
@Table(name = "delivery")
public class Delivery {

    /** CANCELLED: the report was withdrawn; the record is not sent (again). */
    public enum Status { PENDING, DELIVERED, FAILED, DEAD, CANCELLED }

    /** RECORD carries the released record; RECALL tells a partner that the originator withdrew it. */
    public enum Kind { RECORD, RECALL }

    @Id
    public UUID id;

    /** Insertion order, for cursor pagination (assigned by the database, not read back on insert). */
    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "release_id", nullable = false)
    public UUID releaseId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Kind kind;

    @Column(name = "report_id", nullable = false)
    public UUID reportId;

    @Column(nullable = false)
    public String partner;

    /** Read by the relay in SQL; lists and views never load it. */
    @Basic(fetch = FetchType.LAZY)
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

    /** When the latest attempt was claimed. */
    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;

    /**
     * How many times its attempts started again at 0: an officer's replay once it was dead or failed, or its partner's
     * move once the old endpoint had dead-lettered it.
     */
    @Column(nullable = false)
    public int replays;

    /** Attempts cut short by a shutdown and given back uncounted: each may have reached the partner. */
    @Column(name = "given_back", nullable = false)
    public int givenBack;

    @Column(name = "last_status")
    public Integer lastStatus;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    /**
     * Whether the partner's entry registered at {@code registeredAt} (null: none) is the one this delivery's attempts
     * went to, not one registered under its code after a removal. A delivery made before V3 has no
     * {@code last_attempt_at}: its creation stands for it (the entry it was decided for was registered by then).
     */
    public boolean attemptedTo(Instant registeredAt) {
        Instant attempted = lastAttemptAt != null ? lastAttemptAt : createdAt;
        return registeredAt != null && attempted != null && !registeredAt.isAfter(attempted);
    }
}
