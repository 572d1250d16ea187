package org.cnx.sharing.recall;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A withdrawal as intake-service hands it over ({@code POST /internal/v1/recalls}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecallNotice(
        @NotNull UUID reportId,
        @NotBlank @Size(max = 32) String agency,
        @Size(max = 2000) String reason,
        @NotNull Instant withdrawnAt) {
}
