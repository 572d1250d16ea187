package org.cnx.audit.log;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A signed tree head (checkpoint): at most one per tree size, inserted once, never changed. */
@Entity
@Table(name = "tree_head")
public class TreeHead {

    @Id
    @Column(name = "tree_size")
    public long treeSize;

    /** MTH of the first {@link #treeSize} events. */
    @Column(nullable = false)
    public byte[] root;

    @Column(name = "signed_at", nullable = false)
    public Instant signedAt;

    /** Key id of the signing key (RFC 7638 thumbprint), as in the JWS header. */
    @Column(nullable = false)
    public String kid;

    /** Compact JWS (RS256) over {@code {"root": hex, "size": n, "timestamp": ISO-8601}}. */
    @Column(nullable = false)
    public String jws;
}
