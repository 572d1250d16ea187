package org.cnx.sharing.policy;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

public final class PolicyViews {

    private PolicyViews() {
    }

    @Schema(name = "PolicyVersion", description = "One published version of the release policy")
    public record Version(int version, Instant createdAt, Author createdBy,
            @Schema(description = "SHA-256 of the document as published (also in the POLICY_CHANGED audit event)")
            String documentSha256,
            PolicyDocument document) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Author(String sub, String agency) {
    }
}
