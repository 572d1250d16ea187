package org.cnx.sharing.release;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** What a liaison officer sees of releases. */
public final class ReleaseViews {

    private ReleaseViews() {
    }

    public record Summary(UUID id, UUID reportId, String partner, Release.Status status, String rule,
            int requiredApprovals, long approvals, Instant decidedAt) {

        static Summary of(Release r, long approvals) {
            return new Summary(r.id, r.reportId, r.partner, r.status, r.rule, r.requiredApprovals, approvals,
                    r.decidedAt);
        }
    }

    public record Page(List<Summary> items, String next) {
    }

    /** The exact payload that would leave (raw, byte for byte as stored), the rule and the approvals. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(UUID id, UUID reportId, String partner, String originAgency, String originCountry,
            Release.Status status, String rule, @JsonRawValue String reasons, int requiredApprovals,
            List<ApprovalView> approvals, @JsonRawValue String payload, String payloadSha256,
            List<String> withheld, Instant decidedAt, Instant closedAt, String rejectionReason) {

        static Detail of(Release r, List<Approval> approvals) {
            return new Detail(r.id, r.reportId, r.partner, r.originAgency, r.originCountry, r.status, r.rule,
                    r.reasons, r.requiredApprovals, approvals.stream().map(ApprovalView::of).toList(), r.payload,
                    r.payloadSha256, List.of(), r.decidedAt, r.closedAt, r.rejectionReason);
        }
    }

    public record ApprovalView(String officer, String agency, Instant approvedAt, String comment) {

        static ApprovalView of(Approval a) {
            return new ApprovalView(a.officerSub, a.officerAgency, a.approvedAt, a.comment);
        }
    }

    public record ApprovalRequest(String comment) {
    }

    public record RejectionRequest(@jakarta.validation.constraints.NotBlank
            @jakarta.validation.constraints.Size(max = 2000) String reason) {
    }
}
