package org.cnx.intake.idempotency;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** The first response given to an {@code Idempotency-Key}, replayed for a retry with the same body. */
@Entity
@Table(name = "idempotency_key")
public class IdempotencyRecord {

    @Embeddable
    public static class Key implements Serializable {
        @Column(nullable = false)
        public String agency;

        @Column(name = "idempotency_key", nullable = false)
        public String key;

        public Key() {
        }

        public Key(String agency, String key) {
            this.agency = agency;
            this.key = key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.agency.equals(agency) && k.key.equals(key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(agency, key);
        }
    }

    @EmbeddedId
    public Key id;

    /** SHA-256 of the request body bytes. */
    @Column(nullable = false)
    public String fingerprint;

    @Column(name = "report_id", nullable = false)
    public UUID reportId;

    @Column(name = "response_status", nullable = false)
    public int responseStatus;

    @Column(name = "response_body", nullable = false, columnDefinition = "text")
    public String responseBody;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;
}
