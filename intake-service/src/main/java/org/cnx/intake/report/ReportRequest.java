package org.cnx.intake.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A report as a partner submits it. Server-owned fields (id, status, agency, receivedAt) are absent:
 * the agency comes from the caller's token.
 */
public record ReportRequest(
        @NotBlank @Size(max = 100) String externalRef,
        @NotNull ReportType type,
        @NotBlank @Size(max = 300) String title,
        @Size(max = 10_000) String summary,
        Instant occurredAt,
        @NotNull Tlp tlp,
        @Valid Handling handling,
        @NotEmpty @Size(max = 50) List<@NotNull @Valid Substance> substances) {

    public record Handling(
            @Size(max = 50) List<@Pattern(regexp = "[A-Z]{2}-[A-Z0-9]{2,10}") String> releasableTo,
            boolean originatorControl,
            @Size(max = 50) String useRestriction) {
    }

    public record Substance(
            @NotBlank @Size(max = 200) String name,
            @Pattern(regexp = "\\d{2,7}-\\d{2}-\\d") String casNumber,
            @DecimalMin(value = "0", inclusive = false) BigDecimal quantity,
            @Pattern(regexp = "g|kg|mg|L|mL|tablets|units") String unit) {
    }
}
