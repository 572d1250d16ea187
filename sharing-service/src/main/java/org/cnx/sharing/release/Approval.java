package org.cnx.sharing.release;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "approval")
public class Approval {

    @Id
    public UUID id;

    @Column(name = "release_id", nullable = false)
    public UUID releaseId;

    @Column(name = "officer_sub", nullable = false)
    public String officerSub;

    @Column(name = "officer_agency", nullable = false)
    public String officerAgency;

    @Column(name = "officer_country", nullable = false)
    public String officerCountry;

    @Column(name = "approved_at", nullable = false)
    public Instant approvedAt;

    public String comment;
}
