package org.cnx.audit.receipt;

import java.util.UUID;

import org.cnx.audit.log.Checkpoint;
import org.cnx.audit.log.InclusionProof;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Proof for a partner that the exchange logged its delivery: the {@code DELIVERY_SUCCEEDED} event ({@code event}, and
 * {@code leaf}, the exact canonical JSON text whose SHA-256(0x00 ‖ UTF-8) is the Merkle leaf), its inclusion proof and
 * the signed tree head that the proof leads to. Checked offline by {@code deploy/verifier/VerifyReceipt.java}.
 */
public record Receipt(UUID deliveryId, long seq,
        @Schema(type = SchemaType.OBJECT, implementation = Object.class,
                description = "the event, as audit's list shows it") JsonNode event,
        String leaf, InclusionProof inclusionProof, Checkpoint checkpoint) {
}
