package org.cnx.intake.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.cnx.intake.validation.CasNumber;
import org.cnx.intake.validation.ContainerNumber;
import org.cnx.intake.validation.CountryCode;
import org.cnx.intake.validation.HasText;
import org.cnx.intake.validation.OneOf;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A trafficking report as a partner submits it (DESIGN §4). Server-owned fields (id, status, agency,
 * receivedAt) are absent, and unknown fields are refused, so a client cannot set them. Codes are
 * strings checked by {@link OneOf}, so a wrong code is reported together with every other invalid field.
 */
@Schema(name = "ReportRequest", description = "A trafficking report; every limit below is enforced with a 400 problem.")
public record ReportRequest(
        @Schema(description = "The partner's own reference; unique per agency", example = "GACC-2026-0001",
                maxLength = EXTERNAL_REF_MAX, required = true)
        @HasText @Size(max = EXTERNAL_REF_MAX) String externalRef,

        @Schema(description = "What the report is about", example = "PRECURSOR_SHIPMENT",
                enumeration = {"SEIZURE", "PRECURSOR_SHIPMENT", "SUSPICIOUS_ORDER", "TRAFFICKING_NETWORK", "ILLICIT_FINANCE", "EMERGING_TREND"})
        @NotNull @OneOf({"SEIZURE", "PRECURSOR_SHIPMENT", "SUSPICIOUS_ORDER", "TRAFFICKING_NETWORK", "ILLICIT_FINANCE", "EMERGING_TREND"}) String type,

        @Schema(example = "25 kg ANPP declared as industrial chemical", maxLength = 300, required = true)
        @HasText @Size(max = 300) String title,

        @Schema(example = "Container bound from CN to MX through US.", maxLength = 10_000)
        @Size(max = 10_000) String summary,

        @Schema(description = "When it happened (UTC, ISO-8601); not in the future", example = "2026-11-20T08:00:00Z")
        @PastOrPresent Instant occurredAt,

        @Schema(description = "FIRST TLP 2.0 label", example = "AMBER", enumeration = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"})
        @NotNull @OneOf({"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}) String tlp,

        @Valid Handling handling,
        @Valid Grading grading,

        @Schema(description = "The chemicals or drugs involved, at most 50; none for a report that names none "
                + "(a network, a money flow)", maxItems = 50)
        @Size(max = 50) List<@NotNull @Valid Substance> substances,

        @Valid Shipment shipment,

        @Schema(description = "People, companies, vessels, wallets: personal data, the first thing redaction removes", maxItems = 100)
        @Size(max = 100) List<@NotNull @Valid Subject> subjects) {

    /** The longest externalRef, in UTF-16 units as {@link Size} counts; also what the list's filter accepts. */
    public static final int EXTERNAL_REF_MAX = 100;

    @Schema(name = "Handling", description = "The originator's release conditions")
    public record Handling(
            @Schema(description = "Partner codes that may receive the report: a cap, never a widening", example = "[\"US-CBP\", \"US-DEA\"]", maxItems = 50)
            @Size(max = 50) List<@NotNull @Pattern(regexp = Caller.AGENCY, message = "must be a partner code such as US-CBP") String> releasableTo,

            @Schema(description = "Every release needs approval by an officer of the originating country", example = "true")
            Boolean originatorControl,

            @Schema(description = "Use restriction, as Europol's handling codes", example = "NO_JUDICIAL_USE",
                    enumeration = {"NO_JUDICIAL_USE", "NO_FURTHER_DISSEMINATION", "ORIGINATOR_PERMISSION_REQUIRED"})
            @OneOf({"NO_JUDICIAL_USE", "NO_FURTHER_DISSEMINATION", "ORIGINATOR_PERMISSION_REQUIRED"}) String useRestriction) {
    }

    @Schema(name = "Grading", description = "Admiralty code")
    public record Grading(
            @Schema(description = "A (reliable) to F (cannot be judged)", example = "B", enumeration = {"A", "B", "C", "D", "E", "F"})
            @OneOf({"A", "B", "C", "D", "E", "F"}) String sourceReliability,

            @Schema(description = "1 (confirmed) to 6 (cannot be judged)", example = "2", minimum = "1", maximum = "6")
            @Min(1) @Max(6) Integer informationCredibility) {
    }

    @Schema(name = "Substance", description = "Named by its name, its CAS number, or both")
    @NamedSubstance
    public record Substance(
            @Schema(example = "ANPP", maxLength = 200)
            @HasText(optional = true) @Size(max = 200) String name,

            @Schema(description = "CAS Registry Number; the check digit is verified", example = "21409-26-7")
            @CasNumber String casNumber,

            @Schema(description = "Greater than 0, at most 10^9, at most 6 digits after the decimal point",
                    example = "25")
            @DecimalMin(value = "0", inclusive = false) @DecimalMax("1000000000")
            @Digits(integer = 10, fraction = 6, message = "must have at most 6 digits after the decimal point")
            BigDecimal quantity,

            @Schema(example = "kg", enumeration = {"g", "kg", "mg", "L", "mL", "tablets", "units"})
            @OneOf({"g", "kg", "mg", "L", "mL", "tablets", "units"}) String unit) {
    }

    @Schema(name = "Shipment")
    public record Shipment(
            @Schema(description = "ISO 3166-1 alpha-2", example = "CN") @CountryCode String originCountry,
            @Schema(description = "ISO 3166-1 alpha-2", example = "MX") @CountryCode String destinationCountry,
            @Schema(description = "ISO 3166-1 alpha-2 codes", example = "[\"US\"]", maxItems = 20)
            @Size(max = 20) List<@NotNull @CountryCode String> transitCountries,
            @Schema(example = "Example Shipping Ltd", maxLength = 200) @Size(max = 200) String carrier,
            @Schema(example = "EXAMPLE-0000001", maxLength = 100) @Size(max = 100) String trackingNumber,
            @Schema(description = "ISO 6346; the check digit is verified", example = "CSQU3054383") @ContainerNumber String containerNumber,
            @Schema(description = "Harmonized System code: 4 to 10 digits, dots optional", example = "2933.39")
            @Pattern(regexp = "\\d{4}(\\.?\\d{2}){0,3}", message = "must be an HS code such as 2933.39 or 29333999") String hsCode,
            @Schema(description = "What the shipper declared", example = "industrial chemical", maxLength = 200) @Size(max = 200) String declaredAs) {
    }

    @Schema(name = "Subject")
    public record Subject(
            @Schema(example = "PERSON", enumeration = {"PERSON", "COMPANY", "VESSEL", "WALLET"})
            @NotNull @OneOf({"PERSON", "COMPANY", "VESSEL", "WALLET"}) String kind,
            @Schema(example = "EXAMPLE Person", maxLength = 200, required = true) @HasText @Size(max = 200) String name,
            @Schema(description = "ISO 3166-1 alpha-2", example = "CN") @CountryCode String country,
            @Schema(example = "consignor", maxLength = 100) @Size(max = 100) String role,
            @Schema(maxItems = 20) @Size(max = 20) List<@NotNull @Valid Identifier> identifiers) {
    }

    @Schema(name = "Identifier")
    public record Identifier(
            @Schema(example = "PASSPORT", maxLength = 50, required = true) @HasText @Size(max = 50) String scheme,
            @Schema(example = "X00000000", maxLength = 200, required = true) @HasText @Size(max = 200) String value) {
    }

    boolean originatorControlled() {
        return handling != null && Boolean.TRUE.equals(handling.originatorControl());
    }
}
