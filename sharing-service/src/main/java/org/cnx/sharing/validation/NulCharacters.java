package org.cnx.sharing.validation;

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
 * Refuses U+0000 in every string of a request body. PostgreSQL stores no NUL in text or jsonb: a body holding one
 * failed its insert with a 500, unaudited. Jackson reads every string through this, so the refusal is a 400 that
 * points at the field, like any other value of the wrong format.
 */
@Singleton
public class NulCharacters implements ObjectMapperCustomizer {

    /** What the problem says of the field. */
    public static final String MESSAGE = "must not contain the NUL character (U+0000)";

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("nul-characters").addDeserializer(String.class, new Refusing()));
    }

    /** Jackson's own string reading (with its coercions), then the check. */
    static final class Refusing extends StringDeserializer {

        private static final long serialVersionUID = 1L;

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = super.deserialize(p, ctxt);
            if (value != null && value.indexOf('\0') >= 0) {
                throw new Refused(p, value);
            }
            return value;
        }
    }

    /** A string with U+0000 in it; Jackson adds the path to the field as the exception travels up. */
    public static final class Refused extends InvalidFormatException {

        private static final long serialVersionUID = 1L;

        Refused(JsonParser p, String value) {
            super(p, MESSAGE, value, String.class);
        }
    }
}
