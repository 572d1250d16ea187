package org.cnx.intake.problem;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem document. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", additionalProperties = Schema.True.class, description = "RFC 9457 problem details; a "
        + "problem may carry members of its own, such as a 409's existingReportId")
public record Problem(URI type, String title, int status, String detail, String instance,
        @Schema(description = "for invalid fields: every one of them, each where it is in the body")
        List<FieldError> errors,
        @JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem(URI type, String title, int status, String detail, String instance, List<FieldError> errors) {
        this(type, title, status, detail, instance, errors, Map.of());
    }

    /** RFC 9457 extension members, e.g. {@code existingReportId}. */
    @JsonAnyGetter
    public Map<String, Object> members() {
        return extensions == null ? Map.of() : extensions;
    }

    /** One invalid field: a JSON Pointer (RFC 6901) into the request body and what is wrong there. */
    public record FieldError(String pointer, String message) {
    }
}
