package org.cnx.intake.report;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the submitting partner sees of its report. */
public record ReportView(UUID id, String externalRef, Report.Status status, Instant receivedAt,
        List<String> watchlistHits) {

    static ReportView of(Report report) {
        return new ReportView(report.id, report.externalRef, report.status, report.receivedAt, List.of());
    }
}
