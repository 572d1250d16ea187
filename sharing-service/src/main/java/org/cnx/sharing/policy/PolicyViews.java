package org.cnx.sharing.policy;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

public final class PolicyViews {

    private PolicyViews() {
    }

    @Schema(name = "PolicyVersion", description = "One published version of the release policy")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Version(int version, Instant createdAt, Author createdBy,
            @Schema(description = "SHA-256 of the document as published (also in the POLICY_CHANGED audit event)")
            String documentSha256,
            PolicyDocument document,
            @Schema(description = "in the answer to its publication only: how many releases, waiting for approval or "
                    + "released and not yet delivered, this version cancelled because it denies them")
            Integer releasesCancelled) {

        Version cancelling(int releases) {
            return new Version(version, createdAt, createdBy, documentSha256, document, releases);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Author(String sub, String agency) {
    }
}
