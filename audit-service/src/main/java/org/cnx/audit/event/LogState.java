package org.cnx.audit.event;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The single row that serialises appends: locked for update by each append transaction, it hands out
 * the next sequence numbers, so the log has no gaps even when a transaction rolls back, and it carries the
 * frontier of the Merkle tree, so that each append extends the tree in O(log n).
 */
@Entity
@Table(name = "log_state")
public class LogState {

    public static final int ID = 1;

    @Id
    public int id;

    /** Number of events in the log, which is also the highest {@code seq}. */
    @Column(nullable = false)
    public long size;

    /** {@link org.cnx.audit.merkle.Frontier#encode()} of the tree over events 1..size. */
    @Column(nullable = false)
    public byte[] frontier;
}
