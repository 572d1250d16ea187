package org.cnx.audit.receipt;

import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.audit.event.Action;
import org.cnx.audit.event.AuditEvent;
import org.cnx.audit.event.EventRepository;
import org.cnx.audit.event.EventRequest;
import org.cnx.audit.event.EventService;
import org.cnx.audit.event.Outcome;
import org.cnx.audit.log.Checkpoint;
import org.cnx.audit.log.CheckpointService;
import org.cnx.audit.log.InclusionProof;
import org.cnx.audit.log.ProofService;
import org.cnx.audit.merkle.Merkle;
import org.cnx.audit.problem.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

@ApplicationScoped
public class ReceiptService {

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventRepository events;
    private final EventService eventService;
    private final CheckpointService checkpoints;
    private final ProofService proofs;

    ReceiptService(EventRepository events, EventService eventService, CheckpointService checkpoints,
            ProofService proofs) {
        this.events = events;
        this.eventService = eventService;
        this.checkpoints = checkpoints;
        this.proofs = proofs;
    }

    /**
     * The receipt of a delivery to the caller's own agency. Another partner's delivery is as unknown as one that never
     * succeeded (404, nothing about it leaks), and the attempt is logged as {@code ACCESS_DENIED}.
     */
    public Receipt receipt(UUID deliveryId, JsonWebToken partner) {
        Optional<AuditEvent> found = events.firstSuccess(deliveryId);
        EventRequest.Subject subject = new EventRequest.Subject(null, null, deliveryId, null);
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("query", "receipt");
        if (found.isEmpty()) {
            throw notFound(deliveryId);
        }
        AuditEvent event = found.get();
        if (!Objects.equals(event.partner, partner.getClaim("agency"))) {
            eventService.recordRead(partner, Action.ACCESS_DENIED, Outcome.DENIED, subject, details);
            throw notFound(deliveryId);
        }
        Checkpoint head = checkpoints.covering(event.seq);
        InclusionProof proof;
        try {
            proof = proofs.inclusion(event.seq, head.size());
        } catch (ProblemException outsideTheLog) {
            // the signed head covers more events than the stored log holds (its tail is gone): the partner asked for
            // no size, and a 400 about one sent it looking for a fault of its own
            throw inconsistent(deliveryId);
        }
        byte[] leaf = Merkle.leafHash(event.canonical);
        if (!Merkle.verifyInclusion(event.seq - 1, head.size(), leaf,
                proof.auditPath().stream().map(HEX::parseHex).toList(), HEX.parseHex(head.root()))) {
            throw inconsistent(deliveryId);
        }
        eventService.recordRead(partner, Action.AUDIT_QUERIED, Outcome.SUCCESS,
                new EventRequest.Subject(event.reportId, event.releaseId, deliveryId, event.partner), details);
        try {
            return new Receipt(deliveryId, event.seq, JSON.readTree(event.canonical), event.canonical, proof, head);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event " + event.seq + " is not valid JSON", e);
        }
    }

    private static ProblemException inconsistent(UUID deliveryId) {
        return new ProblemException(409, "log-inconsistent", "Conflict", "The stored log does not prove delivery "
                + deliveryId + " against the signed tree head; an auditor can locate the damage with "
                + "GET /api/v1/log/verification.");
    }

    private static ProblemException notFound(UUID deliveryId) {
        return new ProblemException(404, "not-found", "Not Found",
                "No successful delivery " + deliveryId + " to your agency is logged.");
    }
}
