package org.cnx.sharing.release;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.cnx.sharing.policy.Decision;
import org.cnx.sharing.policy.PolicyDocument;
import org.cnx.sharing.validation.CountryCode;
import org.cnx.sharing.validation.IsoInstant;
import org.cnx.sharing.redaction.Withheld;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** The dry run of {@code POST /api/v1/policy/evaluation}. */
public final class EvaluationViews {

    private EvaluationViews() {
    }

    /**
     * A report as intake hands it over, plus an optional draft policy. With intake's {@code id} and
     * {@code receivedAt}, the previewed payloads are byte for byte those that a hand-over would store.
     */
    @Schema(name = "EvaluationRequest", description = "A report as intake hands it over (the report body as intake "
            + "accepts it, the originating agency and country, the watch-list hits), and optionally a draft policy "
            + "to evaluate instead of the version in force")
    public record EvaluationRequest(
            @Schema(description = "The report id; default a random one. Pass intake's to reproduce the exact payload.")
            UUID id,

            @Schema(description = "Originating agency", example = "CN-GACC")
            @NotNull @Pattern(regexp = PolicyDocument.AGENCY, message = PolicyDocument.AGENCY_MESSAGE)
            String agency,

            @Schema(description = "Originating country, ISO 3166-1 alpha-2", example = "CN")
            @NotNull @CountryCode String country,

            @Schema(description = "When intake received the report (ISO-8601); default now. Part of the payload.")
            @JsonDeserialize(using = IsoInstant.class) Instant receivedAt,

            @Schema(description = "Watch-list hits as intake found them (precursor short names); absent: found here "
                    + "from the report's substances, as intake finds them", example = "[\"ANPP\"]")
            @Size(max = 50) List<@NotBlank @Size(max = 64) String> watchlistHits,

            @Schema(type = SchemaType.OBJECT, implementation = Object.class,
                    description = "The report body, as intake accepts it")
            @NotNull JsonNode report,

            @Schema(description = "A draft policy document to evaluate instead of the version in force; not saved")
            PolicyDocument policy) {
    }

    @Schema(name = "EvaluationResult")
    public record Result(
            @Schema(description = "The policy version evaluated; null for a draft") Integer policyVersion,
            boolean draft, UUID reportId, Instant receivedAt,
            @Schema(description = "The watch-list hits decided by: those given, else those of the report's substances")
            List<String> watchlistHits,
            List<PartnerDecision> decisions) {
    }

    /** One active partner other than the originator: what a hand-over would decide and store for it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "EvaluationDecision")
    public record PartnerDecision(String partner, String country, Decision.Action action, int requiredApprovals,
            String rule, List<String> reasons, String redaction, List<Withheld> withheld,
            @Schema(type = SchemaType.OBJECT,
                    description = "The redacted record exactly as it would be stored and delivered (absent when denied)")
            @JsonRawValue String payload,
            String payloadSha256) {
    }
}
