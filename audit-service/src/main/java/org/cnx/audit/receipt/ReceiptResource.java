package org.cnx.audit.receipt;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.cnx.audit.problem.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/receipts/{deliveryId}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("partner")
public class ReceiptResource {

    private final ReceiptService receipts;
    private final JsonWebToken token;

    ReceiptResource(ReceiptService receipts, JsonWebToken token) {
        this.receipts = receipts;
        this.token = token;
    }

    @GET
    @Operation(summary = "Receipt for one of the caller's deliveries",
            description = "The delivery's DELIVERY_SUCCEEDED event (event, and leaf: its exact canonical JSON), its "
                    + "inclusion proof and the signed tree head it leads to. Only for deliveries to the caller's agency "
                    + "(404 otherwise). Verify offline: java deploy/verifier/VerifyReceipt.java receipt.json jwks.json")
    public Receipt receipt(@PathParam("deliveryId") String deliveryId) {
        UUID id;
        try {
            id = UUID.fromString(deliveryId);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "invalid-parameter", "Bad Request",
                    "Path parameter 'deliveryId' is not a UUID: " + deliveryId + ".");
        }
        return receipts.receipt(id, token);
    }
}
