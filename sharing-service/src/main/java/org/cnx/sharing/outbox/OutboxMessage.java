package org.cnx.sharing.outbox;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A message written in the same transaction as the state change it announces. */
@Entity
@Table(name = "outbox_message")
public class OutboxMessage {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String destination;

    /** One JSON document; the relay sends a batch as a JSON array of these, byte for byte. */
    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "available_at", nullable = false)
    public Instant availableAt;
}
