package org.cnx.sharing.recall;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A withdrawal received from intake; its report id de-duplicates re-sent batches. */
@Entity
@Table(name = "recall")
public class Recall {

    @Id
    @Column(name = "report_id")
    public UUID reportId;

    @Column(nullable = false)
    public String agency;

    public String reason;

    /** The subject of the partner token that withdrew the report, as intake names it; null where it does not. */
    @Column(name = "withdrawn_by")
    public String withdrawnBy;

    @Column(name = "withdrawn_at", nullable = false)
    public Instant withdrawnAt;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;
}
