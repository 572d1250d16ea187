package org.cnx.sharing.redaction;

import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One step of a redaction profile, over a path into the report body: a JSON Pointer whose segments
 * may be {@code *} (every element or field), e.g. {@code /subjects/*}{@code /identifiers/*}{@code /value}.
 * With {@code where}, the step applies to the elements of the array at {@code path} (or the object
 * at {@code path} itself) whose fields equal every given value, e.g. {@code /subjects} where
 * {@code {kind: PERSON}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "RedactionOp", description = "drop, mask (keep the last `keep` characters) or generalise (`to` day or "
        + "country) the fields at `path`, optionally only the array elements matching `where`")
public record RedactionOp(
        // a client's validator reads the document's pattern: anchored, and without Java's possessive quantifiers
        @Schema(example = "/subjects", pattern = "^(/([^/~]|~[01])*)+$")
        // possessive: a backtracking group recursed once per character, and a path of 200,000 overflowed the stack
        // (a 500) before its size was reported
        @NotNull @Pattern(regexp = "(?:/(?:[^/~]|~[01])*+)++",
                message = "must be a JSON Pointer such as /subjects/*/name")
        @Size(max = 500) String path,

        @Schema(enumeration = {"drop", "mask", "generalise"})
        @NotNull @Pattern(regexp = "drop|mask|generalise", message = "must be drop, mask or generalise") String op,

        @Schema(description = "mask only: trailing characters left visible (default 4)", example = "4")
        @Min(0) @Max(64) Integer keep,

        @Schema(description = "generalise only: day (a timestamp to its UTC date) or country (a place to its country)",
                enumeration = {"day", "country"})
        @Pattern(regexp = "day|country", message = "must be day or country") String to,

        @Schema(description = "field → value every selected element must have", example = "{\"kind\": \"PERSON\"}")
        @Size(max = 10) Map<@NotBlank @Size(max = 100) String, @NotNull @Size(max = 200) String> where) {

    public static final int DEFAULT_KEEP = 4;

    public static RedactionOp drop(String path, Map<String, String> where) {
        return new RedactionOp(path, "drop", null, null, where);
    }

    public static RedactionOp mask(String path, int keep) {
        return new RedactionOp(path, "mask", keep, null, null);
    }

    public static RedactionOp generalise(String path, String to) {
        return new RedactionOp(path, "generalise", null, to, null);
    }
}
