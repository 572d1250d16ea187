package org.cnx.sharing.recall;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A withdrawal as intake-service hands it over ({@code POST /internal/v1/recalls}). {@code withdrawnBy}, the subject
 * of the partner token that withdrew the report, is absent from an intake-service older than this field.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecallNotice(
        @NotNull UUID reportId,
        @NotBlank @Size(max = 32) String agency,
        @Size(max = 2000) String reason,
        @NotNull Instant withdrawnAt,
        @Size(max = 255) String withdrawnBy) {
}
