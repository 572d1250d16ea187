package org.cnx.sharing.policy;


import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.problem.ProblemMappers;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The versioned release policy, kept by exchange-admins. */
@Path("/api/v1/policy")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("exchange-admin")
public class PolicyResource {

    private final PolicyService service;
    private final JsonWebToken token;

    PolicyResource(PolicyService service, JsonWebToken token) {
        this.service = service;
        this.token = token;
    }

    @GET
    @Operation(summary = "The policy version in force", description = "ETag = the version number; send it back as "
            + "If-Match with a PUT to publish only if no one else has published since.")
    @APIResponse(responseCode = "200", description = "The version in force", headers = @Header(name = "ETag",
            description = "the version number, for If-Match"), content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyViews.Version.class)))
    public Response current() {
        PolicyViews.Version version = service.current().orElseThrow(
                () -> new ProblemException(404, "not-found", "Not Found", "No policy has been published yet."));
        return withTag(Response.ok(version), version).build();
    }

    @GET
    @Path("/versions/{version}")
    @Operation(summary = "One version of the policy, current or past (versions are never changed or removed)")
    @APIResponse(responseCode = "200", description = "The version", headers = @Header(name = "ETag",
            description = "the version number, for If-Match"), content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyViews.Version.class)))
    public Response version(@PathParam("version") int number) {
        PolicyViews.Version version = service.version(number).orElseThrow(
                () -> new ProblemException(404, "not-found", "Not Found", "No policy version " + number + "."));
        return withTag(Response.ok(version), version).build();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish a new version of the policy",
            description = "The body becomes the next version and is in force for every report received from then on; "
                    + "earlier versions stay readable. Rules are tried in order, the first match decides, no match "
                    + "denies. What has not left yet (releases waiting for approval, released records not delivered) "
                    + "is decided again: what the new version denies is CANCELLED with the reason (releasesCancelled "
                    + "in the answer and the event, a RELEASE_CANCELLED event each); a release waiting for approval "
                    + "that it gives more approvers waits for them (RELEASE_DECIDED), and one it gives another form "
                    + "(a profile that withholds more, or less) takes that form, its approvals void (RELEASE_DECIDED "
                    + "with previousPayloadSha256 and approvalsVoided); the rest stays as decided. "
                    + "Audited as POLICY_CHANGED with the publishing admin. 412 when If-Match names another version "
                    + "than the one in force, or If-None-Match: * a version in force; 400 invalid-header when a header "
                    + "is no list of quoted tags (an ETag without its quotes).")
    @APIResponse(responseCode = "200", description = "Published: the new version", headers = @Header(name = "ETag",
            description = "the version number, for If-Match"), content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyViews.Version.class)))
    public Response publish(
            @Parameter(description = "the version this change is based on, as the ETag of GET /api/v1/policy")
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @Parameter(description = "* to publish only the first version (412 once one is in force)")
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @NotNull(message = ProblemMappers.ROOT) PolicyDocument document) {
        PolicyViews.Version version = service.publish(document, IfMatch.parse(ifMatch, ifNoneMatch),
                AuditTrail.actor(token));
        return withTag(Response.ok(version), version)
                // relative, as a partner's Location: made absolute, it named the pod's http behind the TLS ingress
                .header(HttpHeaders.CONTENT_LOCATION, "/api/v1/policy/versions/" + version.version()).build();
    }

    private static Response.ResponseBuilder withTag(Response.ResponseBuilder response, PolicyViews.Version version) {
        return response.tag(new EntityTag(Integer.toString(version.version())));
    }
}
