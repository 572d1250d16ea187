package org.cnx.intake.report;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the submitting agency sees of its report; {@code report} (the body as accepted) only in the detail view. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportView(UUID id, String externalRef, ReportType type, String title, String tlp, Report.Status status,
        Instant receivedAt, List<String> watchlistHits, Instant withdrawnAt, String withdrawalReason,
        @Schema(implementation = ReportRequest.class, description = "The report as accepted; in the detail view only")
        @JsonRawValue String report) {

    static ReportView summary(Report r) {
        return new ReportView(r.id, r.externalRef, r.type, r.title, r.tlp, r.status, r.receivedAt, r.watchlistHits,
                r.withdrawnAt, r.withdrawalReason, null);
    }

    static ReportView detail(Report r) {
        return new ReportView(r.id, r.externalRef, r.type, r.title, r.tlp, r.status, r.receivedAt, r.watchlistHits,
                r.withdrawnAt, r.withdrawalReason, r.body);
    }

    public record Page(List<ReportView> items, String next) {
    }
}
