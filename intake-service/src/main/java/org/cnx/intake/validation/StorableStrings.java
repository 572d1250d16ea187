package org.cnx.intake.validation;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
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

    /** Why {@code value} cannot be stored (or compared with what is stored) as it is, or null. */
    public static String problem(String value) {
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
