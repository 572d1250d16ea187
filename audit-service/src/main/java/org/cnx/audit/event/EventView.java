package org.cnx.audit.event;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An event as auditors read it: what the producer sent, plus its place in the log, and the leaf: the canonical text
 * the log hashed at that place, from which an auditor rebuilds the tree and checks it against a signed head.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventView(long seq, UUID eventId, Instant occurredAt, Instant recordedAt, ServiceName service,
        @Schema(implementation = Action.class, description = "an action this version knows, or one a newer version "
                + "logged (a replica not yet upgraded shows it as logged)") String action,
        EventRequest.Actor actor, EventRequest.Subject subject,
        @Schema(implementation = Outcome.class) String outcome,
        String payloadSha256,
        @Schema(type = SchemaType.OBJECT, implementation = Object.class, description = "as the producer gave them")
        JsonNode details,
        @Schema(description = "the canonical JSON the log hashed: leaf hash = SHA-256(0x00 || leaf); the fields above "
                + "but seq and recordedAt are the leaf's") String leaf) {
}
