package org.cnx.sharing.partner;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.cnx.sharing.policy.PolicyDocument;
import org.cnx.sharing.policy.Tlp;
import org.cnx.sharing.validation.CountryCode;
import org.cnx.sharing.validation.HasText;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The partner registry's request and response bodies. */
public final class PartnerViews {

    private PartnerViews() {
    }

    /** A partner as an exchange-admin registers it; the code is in the path. */
    @Schema(name = "PartnerRequest")
    public record PartnerRequest(
            @Schema(example = "U.S. Customs and Border Protection", required = true)
            @HasText @Size(max = 200) String name,

            @Schema(description = "ISO 3166-1 alpha-2", example = "US")
            @NotNull @CountryCode String country,

            @Schema(description = "Where deliveries are POSTed: https, and a public address outside dev and test",
                    example = "https://cbp.example/cnx/deliveries")
            @NotBlank @Size(max = 2000) String endpoint,

            @Schema(description = "Report types the partner receives; others are denied for it")
            @NotNull @Size(min = 1, max = 6) List<@NotNull @Pattern(regexp = PolicyDocument.REPORT_TYPE,
                    message = PolicyDocument.REPORT_TYPE_MESSAGE) String> acceptedTypes,

            @Schema(description = "The most restricted TLP the partner receives", example = "AMBER",
                    enumeration = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"})
            @NotNull @Pattern(regexp = Tlp.PATTERN, message = Tlp.MESSAGE) String maxTlp,

            @Schema(description = "Inactive partners get no decisions and no deliveries (pending ones wait); "
                    + "true re-enables an endpoint the relay disabled after a 410 Gone")
            @NotNull Boolean active) {
    }

    @Schema(name = "Partner")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PartnerView(String code, String name, String country, String endpoint, List<String> acceptedTypes,
            String maxTlp, boolean active,
            @Schema(description = "when the relay disabled the endpoint because it answered 410 Gone")
            Instant disabledAt,
            @Schema(description = "why the relay disabled the endpoint") String disabledReason,
            Instant createdAt, Instant updatedAt,
            @Schema(description = "in the answer to a PUT only: how many releases to the partner, waiting for approval "
                    + "or released and not yet delivered, the entry as changed cancelled (the policy now denies them)")
            Integer releasesCancelled) {

        PartnerView cancelling(int releases) {
            return new PartnerView(code, name, country, endpoint, acceptedTypes, maxTlp, active, disabledAt,
                    disabledReason, createdAt, updatedAt, releases);
        }
    }

    public record Page(List<PartnerView> items, String next) {
    }
}
