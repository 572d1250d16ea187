package org.cnx.intake.report;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * The message sharing-service receives on {@code POST /internal/v1/reports}; idempotent by {@code id}. {@code report}
 * is the report's JSON as accepted and stored (the {@link ReportRequest} written once, not twice per submission).
 */
public record SharedReport(UUID id, String agency, String country, Instant receivedAt,
        List<String> watchlistHits, @JsonRawValue String report) {

    /**
     * The message sharing-service receives on {@code POST /internal/v1/recalls}; idempotent by report id.
     * {@code withdrawnBy} is the subject of the partner token that withdrew the report: the actor of what follows.
     */
    public record Recall(UUID reportId, String agency, String reason, Instant withdrawnAt, String withdrawnBy) {
    }
}
