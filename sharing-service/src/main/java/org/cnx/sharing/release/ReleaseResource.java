package org.cnx.sharing.release;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.cnx.sharing.paging.Cursor;
import org.cnx.sharing.paging.QueryParams;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.problem.ProblemMappers;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** The liaison officer's queue: releases of their own country's reports. */
@Path("/api/v1/releases")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("liaison-officer")
public class ReleaseResource {

    private final ReleaseService service;
    private final ReleaseRepository releases;
    private final JsonWebToken token;
    private final Duration sla;

    ReleaseResource(ReleaseService service, ReleaseRepository releases, JsonWebToken token, ReleaseConfig config) {
        this.service = service;
        this.releases = releases;
        this.token = token;
        this.sla = config.approvalSla();
    }

    @GET
    @Operation(summary = "Releases of reports from the officer's country, oldest first",
            description = "The officer's queue with status=PENDING_APPROVAL; items pending longer than the approval "
                    + "SLA carry overdue=true. Filters: status, partner, reportId. Cursor-paginated: {items, next}.")
    public ReleaseViews.Page list(
            @QueryParam("status") @Parameter(schema = @Schema(implementation = Release.Status.class)) String status,
            @QueryParam("partner") String partner,
            @QueryParam("reportId") @Parameter(schema = @Schema(format = "uuid")) String reportId,
            @QueryParam("after") String after,
            @QueryParam("limit") @Parameter(description = "1 to 100 (default 50)") String limitText) {
        int limit = QueryParams.limit(limitText);
        Release.Status wanted = QueryParams.constant("status", status, Release.Status.class);
        UUID report = QueryParams.uuid("reportId", reportId);
        Officer officer = Officer.of(token);
        List<Release> page = releases.page(officer.country(), wanted, QueryParams.partner(partner), report,
                Cursor.decodeSeq(after), limit + 1);
        boolean more = page.size() > limit;
        List<Release> items = more ? page.subList(0, limit) : page;
        Instant now = Instant.now();
        Map<UUID, Long> counts = releases.approvalCounts(items.stream().map(r -> r.id).toList());
        String next = more ? Cursor.encode(items.get(items.size() - 1).seq) : null;
        return new ReleaseViews.Page(
                items.stream().map(r -> ReleaseViews.Summary.of(r, counts.getOrDefault(r.id, 0L), sla, now)).toList(),
                next);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "The exact payload that would leave, the rule that matched, the manifest of withheld "
            + "fields and the approvals so far")
    public ReleaseViews.Detail get(@PathParam("id") UUID id) {
        Officer officer = Officer.of(token);
        return releases.snapshot(() -> releases.findForCountry(id, officer.country())
                .map(release -> ReleaseViews.Detail.of(release, releases.approvals(id), sla, Instant.now()))
                .orElseThrow(() -> new ProblemException(404, "not-found", "Not Found", "No such release.")));
    }

    @POST
    @Path("/{id}/approvals")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Approve a pending release",
            description = "Only officers of the originating country (403 otherwise); an officer who already approved "
                    + "gets 403; a release that is not pending gets 409. Where the rule asks for two approvers, the "
                    + "second distinct officer's approval releases it. Each 403 is audited as ACCESS_DENIED. With "
                    + "payloadSha256, only the record the officer read is approved: 409 payload-changed where a "
                    + "change to the policy or the registry has given it another form since; without it, 409 "
                    + "payload-unconfirmed where a change has given it another form at all.")
    public ReleaseViews.Detail approve(@PathParam("id") UUID id, @RequestBody(required = false, content = @Content(
            schema = @Schema(implementation = ReleaseViews.ApprovalRequest.class)))
            @Valid ReleaseViews.ApprovalRequest request) {
        service.approve(Officer.of(token), id, request == null ? null : request.comment(),
                request == null ? null : request.payloadSha256());
        return committed(id);
    }

    @POST
    @Path("/{id}/rejection")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Reject a pending release, with a reason",
            description = "Only officers of the originating country (403 otherwise, audited as ACCESS_DENIED); a "
                    + "release that is not pending gets 409.")
    public ReleaseViews.Detail reject(@PathParam("id") UUID id,
            @Valid @NotNull(message = ProblemMappers.ROOT) ReleaseViews.RejectionRequest request) {
        service.reject(Officer.of(token), id, request.reason());
        return committed(id);
    }

    /**
     * The release as its decision committed it, read anew in one snapshot: the service's entity is detached once its
     * transaction ends, and its payload, manifest and reasons are loaded only when read.
     */
    private ReleaseViews.Detail committed(UUID id) {
        return releases.snapshot(
                () -> ReleaseViews.Detail.of(releases.findById(id), releases.approvals(id), sla, Instant.now()));
    }
}
