package org.cnx.sharing.partner;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A receiving agency; {@code code} is also the audience of the deliveries it receives. */
@Entity
@Table(name = "partner")
public class Partner {

    @Id
    public String code;

    @Column(nullable = false)
    public String name;

    /** ISO 3166-1 alpha-2. */
    @Column(nullable = false)
    public String country;

    @Column(nullable = false)
    public String endpoint;

    /** Report types the partner accepts, comma-separated. */
    @Column(name = "accepted_types", nullable = false)
    public String acceptedTypes;

    /** The most restricted TLP label the partner accepts. */
    @Column(name = "max_tlp", nullable = false)
    public String maxTlp;

    /** Inactive partners get no decisions, and their pending deliveries wait (they are not failed). */
    @Column(nullable = false)
    public boolean active;

    /** Set when the relay disabled the endpoint (the partner answered 410 Gone); cleared when re-enabled. */
    @Column(name = "disabled_at")
    public Instant disabledAt;

    @Column(name = "disabled_reason")
    public String disabledReason;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
