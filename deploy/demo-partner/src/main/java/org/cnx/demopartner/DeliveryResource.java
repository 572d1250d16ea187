package org.cnx.demopartner;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * A partner agency's receiving endpoint, as sharing-service pushes to it. The GET is for demos and end-to-end
 * tests only; a real partner system would not show its inbox to anyone who asks.
 */
@Path("/partners/{code}/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryResource {

    static final String DELIVERY_ID_HEADER = "X-Cnx-Delivery-Id";

    private final DeliveryReceiver receiver;

    public DeliveryResource(DeliveryReceiver receiver) {
        this.receiver = receiver;
    }

    /** The body is read as raw bytes: its SHA-256 must match the token's body_sha256 claim exactly. */
    @POST
    @Consumes(MediaType.WILDCARD)
    public DeliveryAck receive(@RestPath String code, @RestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            @RestHeader(DELIVERY_ID_HEADER) String deliveryId, byte[] body) {
        return receiver.receive(code, authorization, deliveryId, body == null ? new byte[0] : body);
    }

    @GET
    public DeliveryList list(@RestPath String code) {
        return receiver.list(code);
    }

    /**
     * The body of a delivery still listed, byte for byte as it came: what {@code VerifyReceipt.java} checks against
     * the receipt's {@code payloadSha256}. 404 once it is no longer among the latest kept.
     */
    @GET
    @Path("/{deliveryId}/body")
    public Response body(@RestPath String code, @RestPath String deliveryId) {
        return receiver.body(code, deliveryId).map(bytes -> Response.ok(bytes, MediaType.APPLICATION_JSON).build())
                .orElseThrow(() -> DeliveryRejectedException.notHeld(deliveryId));
    }

    /** The compact arrival log, from position {@code from}, at most {@code limit} (≤ 100,000) entries. */
    @GET
    @Path("/arrivals")
    public Arrivals arrivals(@RestPath String code, @RestQuery @DefaultValue("0") int from,
            @RestQuery @DefaultValue("100000") int limit) {
        return receiver.arrivals(code, from, Math.min(limit, 100_000));
    }
}
