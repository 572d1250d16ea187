package org.cnx.sharing.policy;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One version of the release policy; never changed once written. The highest version is in force. */
@Entity
@Table(name = "policy_version")
public class PolicyVersion {

    @Id
    public Integer version;

    /** The document exactly as serialised when published. */
    @Column(nullable = false, columnDefinition = "text")
    public String document;

    @Column(name = "document_sha256", nullable = false)
    public String documentSha256;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by_sub", nullable = false)
    public String createdBySub;

    @Column(name = "created_by_agency")
    public String createdByAgency;
}
