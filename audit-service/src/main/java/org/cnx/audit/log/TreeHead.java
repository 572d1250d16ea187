package org.cnx.audit.log;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A signed tree head (checkpoint), inserted once, never changed. audit-service signs one per tree size (two replicas
 * signing at once may store two); a head anyone else stored may sit beside it, and is not audit's: its signature
 * does not verify.
 */
@Entity
@Table(name = "tree_head")
public class TreeHead {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "tree_size", nullable = false)
    public long treeSize;

    /** MTH of the first {@link #treeSize} events. */
    @Column(nullable = false)
    public byte[] root;

    @Column(name = "signed_at", nullable = false)
    public Instant signedAt;

    /** Key id of the signing key (RFC 7638 thumbprint), as in the JWS header. */
    @Column(nullable = false)
    public String kid;

    /**
     * {@link org.cnx.audit.merkle.Frontier#encode()} of the tree the head was signed over; null for heads signed
     * before V9. Not signed itself: it counts only where it gives the signed root.
     */
    public byte[] frontier;

    /** Compact JWS (RS256) over {@code {"root": hex, "size": n, "timestamp": ISO-8601}}. */
    @Column(nullable = false)
    public String jws;
}
