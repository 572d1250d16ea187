package org.cnx.intake.validation;

import java.util.Optional;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Refuses an object that names a field twice. Jackson kept the last value and dropped the others unseen, so a report
 * whose {@code tlp} was RED, then GREEN, was stored and shared as GREEN, while a reader of the first could see RED.
 */
@Singleton
public class DuplicateFields implements ObjectMapperCustomizer {

    /** What the problem says of the field. */
    public static final String MESSAGE = "appears more than once in its object";

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * The pointer to the second occurrence, when {@code e} is the parser's refusal of a field named twice, or carries
     * it: within a list, Jackson hands it on inside a mapping exception whose path stops at the list's element.
     */
    public static Optional<String> pointer(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonParseException parse && parse.getProcessor() != null
                    && String.valueOf(parse.getOriginalMessage()).startsWith("Duplicate field '")) {
                String pointer = parse.getProcessor().getParsingContext().pathAsPointer().toString();
                return Optional.of(pointer.isEmpty() ? "/" : pointer);
            }
        }
        return Optional.empty();
    }
}
