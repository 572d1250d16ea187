package org.cnx.sharing.delivery;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One attempt at a delivery, as the relay recorded it (behind the failure rate and the delivery detail). */
@Entity
@Table(name = "delivery_attempt")
public class DeliveryAttempt {

    /** DELIVERED, RETRY (will be tried again), FAILED, DEAD (was the last attempt), GONE (410: endpoint disabled). */
    /** What an attempt came to; GIVEN_BACK: cut short by a shutdown and given back uncounted, maybe arrived. */
    public enum Outcome { DELIVERED, RETRY, FAILED, DEAD, GONE, GIVEN_BACK }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "delivery_id", nullable = false)
    public UUID deliveryId;

    @Column(nullable = false)
    public String partner;

    @Column(nullable = false)
    public int attempt;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "finished_at", nullable = false)
    public Instant finishedAt;

    @Column(nullable = false)
    public String outcome;

    @Column(name = "http_status")
    public Integer httpStatus;

    public String error;

    /** The replica (host and process) that made the attempt. */
    @Column(nullable = false)
    public String relay;
}
