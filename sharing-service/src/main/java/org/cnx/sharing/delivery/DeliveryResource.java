package org.cnx.sharing.delivery;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cnx.sharing.paging.Cursor;
import org.cnx.sharing.paging.QueryParams;
import org.cnx.sharing.release.Officer;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Delivery status for liaison officers (their own country's releases), and partner health: in full for admins,
 * the endpoints' state for officers.
 */
@Path("/api/v1/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryResource {

    private final DeliveryService service;
    private final JsonWebToken token;

    DeliveryResource(DeliveryService service, JsonWebToken token) {
        this.service = service;
        this.token = token;
    }

    @GET
    @RolesAllowed("liaison-officer")
    @Operation(summary = "Deliveries of releases of the officer's country's reports, oldest first",
            description = "Status, attempts, the last HTTP status and error, and when a pending one is tried next. "
                    + "Filters: status, partner, reportId. Cursor-paginated: {items, next}.")
    public DeliveryViews.Page list(
            @QueryParam("status") @Parameter(schema = @Schema(implementation = Delivery.Status.class)) String status,
            @QueryParam("partner") String partner,
            @QueryParam("reportId") @Parameter(schema = @Schema(format = "uuid")) String reportId,
            @QueryParam("after") String after,
            @QueryParam("limit") @Parameter(description = "1 to 100 (default 50)") String limitText) {
        int limit = QueryParams.limit(limitText);
        DeliveryService.Slice page = service.page(Officer.of(token),
                QueryParams.constant("status", status, Delivery.Status.class), QueryParams.partner(partner),
                QueryParams.uuid("reportId", reportId), Cursor.decodeSeq(after), limit);
        return new DeliveryViews.Page(page.items(), page.lastSeq() == null ? null : Cursor.encode(page.lastSeq()));
    }

    @GET
    @Path("/health")
    @RolesAllowed({"exchange-admin", "liaison-officer"})
    @Operation(summary = "Per partner: last success, backlog, dead letters and failure rate",
            description = "The failure rate is over the attempts within cnx.delivery.health-window (1 h); a partner "
                    + "whose endpoint answered 410 Gone shows active=false with disabledAt and disabledReason. The "
                    + "counts (backlog, dead letters, attempts) take in every country's deliveries: exchange-admins "
                    + "get them, liaison officers the endpoint's state and failure rate only.")
    public DeliveryViews.Health health() {
        return service.health(token.getGroups().contains("exchange-admin"));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed("liaison-officer")
    @Operation(summary = "One delivery of the officer's country's releases, with its attempt history")
    public DeliveryViews.Detail get(@PathParam("id") UUID id) {
        return service.detail(Officer.of(token), id);
    }

    @POST
    @Path("/{id}/redelivery")
    @RolesAllowed("liaison-officer")
    @Operation(summary = "Replay a dead-lettered (or failed) delivery",
            description = "202: back to PENDING with a fresh attempt budget, sent at once (same delivery id, so the "
                    + "partner can drop a duplicate). 409 unless DEAD or FAILED, or when the report was withdrawn. "
                    + "Audited as DELIVERY_REQUEUED.")
    @APIResponse(responseCode = "202", description = "Queued again", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeliveryViews.Summary.class)))
    public Response redeliver(@PathParam("id") UUID id) {
        return Response.accepted(service.redeliver(Officer.of(token), id)).build();
    }
}
