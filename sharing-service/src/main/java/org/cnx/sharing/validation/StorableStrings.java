package org.cnx.sharing.validation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import org.cnx.sharing.problem.Problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Refuses, in every string of a request body, what PostgreSQL cannot store as it was sent. U+0000: PostgreSQL stores
 * no NUL in text or jsonb, and a body holding one failed its insert with a 500, unaudited. An unpaired surrogate
 * (a JSON escape of U+D800 to U+DFFF without its partner): no Unicode character, which the driver's UTF-8 turned
 * into "?", so that what was stored and shared was not what was sent. Jackson reads every string through this, so the
 * refusal is a 400 that points at the field, like any other value of the wrong format.
 */
@Singleton
public class StorableStrings implements ObjectMapperCustomizer {

    /** What the problem says of a field with U+0000 in it. */
    public static final String NUL = "must not contain the NUL character (U+0000)";
    /** What the problem says of a field with an unpaired surrogate in it. */
    public static final String UNPAIRED_SURROGATE =
            "must not contain an unpaired surrogate (\\uD800 to \\uDFFF alone), which is no Unicode character";

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("storable-strings").addDeserializer(String.class, new Refusing()));
    }

    /**
     * Every text in {@code node} that cannot be stored or written as it is, pointed at under {@code at}: a tree is read
     * without the string deserializer (the parser itself refuses such a field name).
     */
    public static List<Problem.FieldError> problems(JsonNode node, String at) {
        List<Problem.FieldError> errors = new ArrayList<>();
        collect(node, at, errors);
        return errors;
    }

    private static void collect(JsonNode node, String at, List<Problem.FieldError> errors) {
        if (node.isTextual()) {
            String problem = problem(node.textValue());
            if (problem != null) {
                errors.add(new Problem.FieldError(at, problem));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), at + "/" + i, errors);
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(field -> collect(field.getValue(),
                    at + "/" + field.getKey().replace("~", "~0").replace("/", "~1"), errors));
        }
    }

    /** Why {@code value} cannot be stored as it is, or null. */
    static String problem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                return NUL;
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++; // a pair: one character
            } else if (Character.isSurrogate(c)) {
                return UNPAIRED_SURROGATE;
            }
        }
        return null;
    }

    /** Jackson's own string reading (with its coercions), then the check. */
    static final class Refusing extends StringDeserializer {

        private static final long serialVersionUID = 1L;

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = super.deserialize(p, ctxt);
            String problem = value == null ? null : problem(value);
            if (problem != null) {
                throw new Refused(p, value, problem);
            }
            return value;
        }
    }

    /** A string that cannot be stored as it is; Jackson adds the path to the field as the exception travels up. */
    public static final class Refused extends InvalidFormatException {

        private static final long serialVersionUID = 1L;

        Refused(JsonParser p, String value, String problem) {
            super(p, problem, value, String.class);
        }
    }
}
