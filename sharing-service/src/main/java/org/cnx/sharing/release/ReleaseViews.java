package org.cnx.sharing.release;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.cnx.sharing.redaction.Withheld;
import org.cnx.sharing.validation.HasText;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** What a liaison officer sees of releases. */
public final class ReleaseViews {

    private ReleaseViews() {
    }

    /** Pending longer than the approval SLA. */
    static boolean isOverdue(Release r, Duration sla, Instant now) {
        return r.status == Release.Status.PENDING_APPROVAL && r.decidedAt.plus(sla).isBefore(now);
    }

    @Schema(name = "ReleaseSummary")
    public record Summary(UUID id, UUID reportId, String partner, Release.Status status, String rule,
            int requiredApprovals, long approvals, Instant decidedAt,
            @Schema(description = "pending approval for longer than the approval SLA (cnx.releases.approval-sla)")
            boolean overdue,
            @Schema(description = "when it left the queue (released, rejected, cancelled, recalled); absent if pending")
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant closedAt,
            @Schema(description = "why it was rejected, cancelled or recalled, as its own page says")
            @JsonInclude(JsonInclude.Include.NON_NULL) String rejectionReason) {

        static Summary of(Release r, long approvals, Duration sla, Instant now) {
            return new Summary(r.id, r.reportId, r.partner, r.status, r.rule, r.requiredApprovals, approvals,
                    r.decidedAt, isOverdue(r, sla, now), leftQueueAt(r), r.rejectionReason);
        }
    }

    /**
     * When it left the queue: a release a rule released at once before that was kept for it (closed_at null) left it
     * when it was decided. (One a withdrawal ended before then has no such time to give: it stays without.)
     */
    private static Instant leftQueueAt(Release r) {
        return r.closedAt == null && r.status == Release.Status.RELEASED ? r.decidedAt : r.closedAt;
    }

    public record Page(List<Summary> items, String next) {
    }

    /**
     * The exact payload that would leave (raw, byte for byte as stored), why (rule, reasons, policy
     * version), what the redaction withheld (paths, as in the payload) and the approvals so far.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "ReleaseDetail")
    public record Detail(UUID id, UUID reportId, String partner, String originAgency, String originCountry,
            Release.Status status, String rule,
            @Schema(type = SchemaType.ARRAY, implementation = String.class) @JsonRawValue String reasons,
            Integer policyVersion, String redaction,
            @Schema(type = SchemaType.ARRAY, implementation = Withheld.class,
                    description = "withheld field paths: [{path, op}], pointers into the original report")
            @JsonRawValue String withheld,
            int requiredApprovals, List<ApprovalView> approvals, boolean overdue,
            @Schema(type = SchemaType.OBJECT, description = "the record exactly as it is (or will be) delivered")
            @JsonRawValue String payload,
            String payloadSha256, Instant decidedAt, Instant closedAt, String rejectionReason) {

        static Detail of(Release r, List<Approval> approvals, Duration sla, Instant now) {
            return new Detail(r.id, r.reportId, r.partner, r.originAgency, r.originCountry, r.status, r.rule,
                    r.reasons, r.policyVersion, r.redaction, r.withheld, r.requiredApprovals,
                    approvals.stream().map(ApprovalView::of).toList(), isOverdue(r, sla, now), r.payload,
                    r.payloadSha256, r.decidedAt, leftQueueAt(r), r.rejectionReason);
        }
    }

    public record ApprovalView(String officer, String agency, Instant approvedAt, String comment) {

        static ApprovalView of(Approval a) {
            return new ApprovalView(a.officerSub, a.officerAgency, a.approvedAt, a.comment);
        }
    }

    public record ApprovalRequest(@Size(max = 2000) String comment,
            @Schema(description = "The payloadSha256 of the release as the officer read it: the approval counts only "
                    + "for that record (409 payload-changed if a change has given it another form since); required "
                    + "once a change has given the release another form (409 payload-unconfirmed without it)")
            @Pattern(regexp = "[0-9a-f]{64}", message = "must be a SHA-256 in lowercase hex") String payloadSha256) {
    }

    public record RejectionRequest(@Schema(required = true) @HasText @Size(max = 2000) String reason) {
    }
}
