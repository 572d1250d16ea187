package org.cnx.intake.report;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The message sharing-service receives on {@code POST /internal/v1/reports}; idempotent by {@code id}. */
public record SharedReport(UUID id, String agency, String country, Instant receivedAt,
        List<String> watchlistHits, ReportRequest report) {

    /**
     * The message sharing-service receives on {@code POST /internal/v1/recalls}; idempotent by report id.
     * {@code withdrawnBy} is the subject of the partner token that withdrew the report: the actor of what follows.
     */
    public record Recall(UUID reportId, String agency, String reason, Instant withdrawnAt, String withdrawnBy) {
    }
}
