package org.cnx.sharing.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.cnx.sharing.problem.Problem;
import org.cnx.sharing.redaction.RedactionOp;
import org.cnx.sharing.redaction.ReportShape;
import org.cnx.sharing.report.IncomingReport;
import org.cnx.sharing.validation.CountryCode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The release policy: rules tried in order (the first that matches decides; none → deny) and the
 * redaction profiles they name. Bean Validation checks each field; {@link #problems(String)} checks
 * what spans fields (unique ids, profiles that exist, approvers only with APPROVE).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "PolicyDocument", description = "Rules, first match wins, default deny; and the redaction profiles they use")
public record PolicyDocument(
        @Schema(description = "Why this version exists", example = "Founding case: CBP gets CN watch-list reports")
        @Size(max = 2000) String description,

        @NotNull @Size(max = 200) List<@NotNull @Valid Rule> rules,

        @Schema(description = "profile name → its steps, applied in order")
        @Size(max = 50) Map<@NotNull @Pattern(regexp = ID, message = ID_MESSAGE) String,
                @NotNull @Size(max = 100) List<@NotNull @Valid RedactionOp>> redactionProfiles) {

    public static final String ID = "[a-z0-9][a-z0-9-]{0,63}";
    static final String ID_MESSAGE = "must be lowercase letters, digits and dashes (at most 64)";
    public static final String AGENCY = IncomingReport.AGENCY;
    public static final String AGENCY_MESSAGE = "must be a partner code such as CN-GACC";
    public static final String REPORT_TYPE =
            "SEIZURE|PRECURSOR_SHIPMENT|SUSPICIOUS_ORDER|TRAFFICKING_NETWORK|ILLICIT_FINANCE|EMERGING_TREND";

    /** What a wrong report type is told: the types there are, as intake names them. */
    public static final String REPORT_TYPE_MESSAGE = "must be one of SEIZURE, PRECURSOR_SHIPMENT, SUSPICIOUS_ORDER, "
            + "TRAFFICKING_NETWORK, ILLICIT_FINANCE, EMERGING_TREND";

    /** Names of the fixed steps of DESIGN §4; no rule may take one, so an explanation is never ambiguous. */
    public static final Set<String> FIXED_STEPS = Set.of("tlp-unknown", "tlp-red", "releasable-to", "partner-types",
            "partner-max-tlp", "amber-strict", "default-deny");

    /** The policy before any version exists: no rule, so everything is denied. */
    public static final PolicyDocument EMPTY =
            new PolicyDocument("no policy yet: everything is denied", List.of(), Map.of());

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "PolicyRule",
            description = "When `match` holds, `action` decides; a release uses the `redaction` profile")
    public record Rule(
            @Schema(example = "cn-watchlist-to-cbp")
            @NotNull @Pattern(regexp = ID, message = ID_MESSAGE) String id,

            @Size(max = 500) String description,

            @Schema(description = "Every given condition must hold; an absent match matches every report")
            @Valid Match match,

            @Schema(enumeration = {"RELEASE", "APPROVE", "DENY"})
            @NotNull @Pattern(regexp = "RELEASE|APPROVE|DENY", message = "must be RELEASE, APPROVE or DENY") String action,

            @Schema(description = "APPROVE only: distinct officers of the originating country (1 or 2)")
            @Min(1) @Max(2) Integer approvers,

            @Schema(description = "RELEASE and APPROVE: the redaction profile; absent = the report as received")
            @Pattern(regexp = ID, message = ID_MESSAGE) String redaction) {
    }

    /** Conditions of a rule; lists mean "any of", absent fields mean "any". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "PolicyMatch")
    public record Match(
            @Size(min = 1, max = 20)
            List<@NotNull @Pattern(regexp = REPORT_TYPE, message = REPORT_TYPE_MESSAGE) String> reportTypes,
            @Size(min = 1, max = 100)
            List<@NotNull @Pattern(regexp = AGENCY, message = AGENCY_MESSAGE) String> originAgencies,
            @Size(min = 1, max = 100) List<@NotNull @CountryCode String> originCountries,
            @Size(min = 1, max = 100)
            List<@NotNull @Pattern(regexp = AGENCY, message = AGENCY_MESSAGE) String> partners,
            @Size(min = 1, max = 100) List<@NotNull @CountryCode String> partnerCountries,

            @Schema(description = "true: only partners of another country than the originator's; false: only of the same")
            Boolean crossBorder,

            @Schema(description = "TLP ceiling: the report's TLP is at most this",
                    enumeration = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"})
            @Pattern(regexp = Tlp.PATTERN, message = Tlp.MESSAGE) String maxTlp,

            @Schema(description = "true: at least one watch-list hit; false: none")
            Boolean watchlistHit,

            @Schema(description = "A hit on any of these watch-list names (e.g. ANPP, NPP, 4-AP, fentanyl)")
            @Size(min = 1, max = 100) List<@NotBlank @Size(max = 64) String> watchlist,

            @Schema(description = "true: the report names subjects; false: it names none")
            Boolean hasSubjects,

            @Schema(description = "true: a subject of kind PERSON is named; false: none is")
            Boolean hasPersonalData) {
    }

    /** The steps of a named profile; an absent name means no redaction. */
    public List<RedactionOp> profile(String name) {
        if (name == null) {
            return List.of();
        }
        List<RedactionOp> ops = redactionProfiles == null ? null : redactionProfiles.get(name);
        if (ops == null) {
            throw new IllegalStateException("redaction profile " + name + " does not exist");
        }
        return ops;
    }

    /** Checks that span fields; pointers start with {@code base} (e.g. {@code /policy} in a dry run). */
    public List<Problem.FieldError> problems(String base) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<String, List<RedactionOp>> profiles = redactionProfiles == null ? Map.of() : redactionProfiles;
        for (int i = 0; rules != null && i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (rule == null || rule.id() == null || rule.action() == null) {
                continue;
            }
            String at = base + "/rules/" + i;
            if (!ids.add(rule.id())) {
                errors.add(new Problem.FieldError(at + "/id", "duplicate rule id " + rule.id()));
            }
            if (FIXED_STEPS.contains(rule.id())) {
                errors.add(new Problem.FieldError(at + "/id", rule.id() + " is the name of a fixed step"));
            }
            if ("APPROVE".equals(rule.action()) && rule.approvers() == null) {
                errors.add(new Problem.FieldError(at + "/approvers", "APPROVE needs approvers (1 or 2)"));
            }
            if (!"APPROVE".equals(rule.action()) && rule.approvers() != null) {
                errors.add(new Problem.FieldError(at + "/approvers", "only APPROVE takes approvers"));
            }
            if ("DENY".equals(rule.action()) && rule.redaction() != null) {
                errors.add(new Problem.FieldError(at + "/redaction", "DENY releases nothing to redact"));
            } else if (rule.redaction() != null && !profiles.containsKey(rule.redaction())) {
                errors.add(new Problem.FieldError(at + "/redaction", "no redaction profile " + rule.redaction()));
            }
        }
        profiles.forEach((name, ops) -> {
            for (int i = 0; ops != null && i < ops.size(); i++) {
                RedactionOp op = ops.get(i);
                if (op == null || op.op() == null) {
                    continue;
                }
                String at = base + "/redactionProfiles/" + name + "/" + i;
                if (op.path() != null && op.path().startsWith("/")) {
                    ReportShape.problems(op.path(), op.where(), op.to()).forEach(problem -> errors.add(
                            new Problem.FieldError(at + "/" + problem.getKey(), problem.getValue())));
                }
                if (!"mask".equals(op.op()) && op.keep() != null) {
                    errors.add(new Problem.FieldError(at + "/keep", "only mask takes keep"));
                }
                if ("generalise".equals(op.op()) && op.to() == null) {
                    errors.add(new Problem.FieldError(at + "/to", "generalise needs to (day or country)"));
                }
                if (!"generalise".equals(op.op()) && op.to() != null) {
                    errors.add(new Problem.FieldError(at + "/to", "only generalise takes to"));
                }
            }
        });
        return errors;
    }
}
