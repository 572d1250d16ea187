package org.cnx.sharing.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An accepted report as intake-service hands it over ({@code POST /internal/v1/reports}). The
 * report body is kept as a JSON tree: sharing reads the handling fields it decides on and releases
 * the rest as received.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IncomingReport(
        @NotNull UUID id,
        @NotBlank String agency,
        @NotNull @Pattern(regexp = "[A-Z]{2}") String country,
        @NotNull Instant receivedAt,
        List<@NotBlank String> watchlistHits,
        @Schema(type = SchemaType.OBJECT, implementation = Object.class, description = "the report body")
        @NotNull JsonNode report) {

    /**
     * The receipt time as the database keeps it, to the microsecond (as intake stamps it): a record written from a
     * finer one named a time its report, read back, no longer gave, and a change deciding again took the same record
     * for another form.
     */
    public IncomingReport {
        receivedAt = receivedAt == null ? null : receivedAt.truncatedTo(ChronoUnit.MICROS);
    }

    /** Partner codes as intake checks them; also what {@code releasableTo} holds. */
    public static final String AGENCY = "[A-Z]{2}-[A-Z0-9]{2,10}";
    /** {@link #AGENCY} in words, for the problems that refuse a code. */
    public static final String AGENCY_IN_WORDS = "two letters, a dash and 2 to 10 letters or digits, e.g. US-CBP";

    public String tlp() {
        return report.path("tlp").asText("");
    }

    public String type() {
        return report.path("type").asText("");
    }

    public boolean originatorControl() {
        return report.path("handling").path("originatorControl").asBoolean(false);
    }

    /** {@code handling.useRestriction} is ORIGINATOR_PERMISSION_REQUIRED: nothing leaves without the originator's word. */
    public boolean originatorPermissionRequired() {
        return "ORIGINATOR_PERMISSION_REQUIRED".equals(report.path("handling").path("useRestriction").asText(null));
    }

    /** The watch-list hits intake found (precursor short names), never null. */
    public List<String> watchlist() {
        return watchlistHits == null ? List.of() : watchlistHits;
    }

    public boolean hasSubjects() {
        JsonNode subjects = report.path("subjects");
        return subjects.isArray() && !subjects.isEmpty();
    }

    /** Personal data: a subject of kind PERSON. */
    public boolean hasPersonalData() {
        for (JsonNode subject : report.path("subjects")) {
            if ("PERSON".equalsIgnoreCase(subject.path("kind").asText(""))) {
                return true;
            }
        }
        return false;
    }

    /** {@code null} when the originator set no cap. */
    public List<String> releasableTo() {
        JsonNode list = report.path("handling").path("releasableTo");
        if (!list.isArray()) {
            return null;
        }
        return java.util.stream.StreamSupport.stream(list.spliterator(), false).map(JsonNode::asText).toList();
    }
}
