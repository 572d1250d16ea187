package org.cnx.sharing.partner;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.paging.Cursor;
import org.cnx.sharing.paging.QueryParams;
import org.cnx.sharing.policy.IfMatch;
import org.cnx.sharing.problem.ProblemMappers;
import org.cnx.sharing.report.IncomingReport;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The partner registry, kept by exchange-admins. */
@Path("/api/v1/partners")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("exchange-admin")
public class PartnerResource {

    private final PartnerService service;
    private final JsonWebToken token;

    PartnerResource(PartnerService service, JsonWebToken token) {
        this.service = service;
        this.token = token;
    }

    @GET
    @Operation(summary = "Registered partners in code order", description = "Cursor-paginated: `{items, next}`.")
    public PartnerViews.Page list(@QueryParam("after") String after,
            @QueryParam("limit") @Parameter(description = "1 to 100 (default 50)") String limitText) {
        int limit = QueryParams.limit(limitText);
        List<PartnerViews.PartnerView> page = service.page(Cursor.decode(after, IncomingReport.AGENCY), limit + 1);
        boolean more = page.size() > limit;
        List<PartnerViews.PartnerView> items = more ? page.subList(0, limit) : page;
        return new PartnerViews.Page(items, more ? Cursor.encode(items.get(items.size() - 1).code()) : null);
    }

    @GET
    @Path("/{code}")
    @Operation(summary = "One partner: name, country, endpoint, accepted report types, maximum TLP, active",
            description = "ETag = the entry's last change; send it back as If-Match with a PUT or DELETE to change "
                    + "the entry only as it was read.")
    @APIResponse(responseCode = "200", description = "The entry", headers = @Header(name = HttpHeaders.ETAG,
            description = "the entry's last change", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(schema = @Schema(implementation = PartnerViews.PartnerView.class)))
    public Response get(@PathParam("code") String code) {
        PartnerService.checkCode(code);
        PartnerViews.PartnerView partner = service.find(code).orElseThrow(() -> PartnerService.notFound(code));
        return Response.ok(partner).tag(tag(partner)).build();
    }

    @PUT
    @Path("/{code}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register (201) or replace (200) a partner",
            description = "Outside dev and test the endpoint must be https and resolve to public addresses only "
                    + "(no loopback, private or link-local ones). A new endpoint, or active: true again, makes the "
                    + "partner's deliveries waiting out a retry's backoff due at once (deliveriesDueNow in the event). "
                    + "A changed entry (maxTlp, acceptedTypes, country) holds for what has not left: releases to the "
                    + "partner waiting for approval, or released and not yet delivered, that the policy in force now "
                    + "denies it are CANCELLED with the reason (releasesCancelled in the answer and the event, a "
                    + "RELEASE_CANCELLED event each); one waiting for approval that the policy now gives another form "
                    + "takes it, its approvals void; records already delivered stay so. Audited as PARTNER_CHANGED. "
                    + "The endpoint may carry no credentials and no query string. "
                    + "412 when If-Match names another state of the entry than the current one, or If-None-Match: * "
                    + "an entry that exists; 400 invalid-header when a header is no list of quoted tags.")
    @APIResponse(responseCode = "200", description = "Replaced", headers = @Header(name = "ETag",
            description = "the entry as it is now, for If-Match"), content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PartnerViews.PartnerView.class)))
    @APIResponse(responseCode = "201", description = "Registered", headers = {@Header(name = "Location"),
            @Header(name = "ETag", description = "the entry as it is now, for If-Match")}, content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PartnerViews.PartnerView.class)))
    public Response put(@Parameter(description = "partner code, e.g. US-CBP") @PathParam("code") String code,
            @Parameter(description = "the entry as read, as the ETag of GET /api/v1/partners/{code}; * for any entry "
                    + "that exists (412 if none)")
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @Parameter(description = "* to register the partner only if its code is free (412 if it is registered)")
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @NotNull(message = ProblemMappers.ROOT) PartnerViews.PartnerRequest request) {
        PartnerService.Saved saved = service.put(code, request, IfMatch.parse(ifMatch, ifNoneMatch),
                AuditTrail.actor(token));
        Response.ResponseBuilder response = saved.created()
                // relative (RFC 9110, 10.2.2): made absolute, it named the pod's http behind the TLS ingress
                ? Response.status(Response.Status.CREATED).header(HttpHeaders.LOCATION, "/api/v1/partners/" + code)
                : Response.ok();
        return response.entity(saved.partner()).tag(tag(saved.partner())).build();
    }

    private static EntityTag tag(PartnerViews.PartnerView partner) {
        return new EntityTag(PartnerMapper.tag(partner.updatedAt()));
    }

    @DELETE
    @Path("/{code}")
    @Operation(summary = "Remove a partner from the registry (audited as PARTNER_CHANGED)",
            description = "It gets no further decisions. Its releases waiting for approval, and its records not yet "
                    + "delivered, are CANCELLED (a RELEASE_CANCELLED event each, releasesCancelled in this one), so "
                    + "that nothing decided for it goes to a partner registered later under the same code; recalls "
                    + "still queued for it fail with the removal (audited DELIVERY_FAILED with the admin).")
    @APIResponse(responseCode = "204", description = "Removed; no body")
    public Response delete(@PathParam("code") String code,
            @Parameter(description = "the entry as read, as the ETag of GET /api/v1/partners/{code}")
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @Parameter(description = "as on PUT: the entry's ETag, or *, for which it is not removed (412)")
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        service.delete(code, IfMatch.parse(ifMatch, ifNoneMatch), AuditTrail.actor(token));
        return Response.noContent().build();
    }
}
