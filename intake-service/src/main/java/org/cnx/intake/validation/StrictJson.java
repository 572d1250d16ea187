package org.cnx.intake.validation;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Reads a body as exactly what it says. Jackson stopped at the end of the first value and dropped what followed
 * unseen, so two reports posted back to back (NDJSON, say) answered 201 for the first while the second was never
 * stored, audited or refused; and it cut a decimal down to a whole number where one was expected, so a credibility
 * of 2.9 was stored and shared as 2.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** What the problem says of a body with content after its value. */
    public static final String TRAILING = "must be one JSON value with nothing after it";

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        // nor text for a flag: "" (or " ", "null") was read as no value, so that a report marked
        // "originatorControl": "" went out without the originator's approval, as if it had no such marking
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail); // nor 0 or 1: read as false or true
        // nor a number or a flag for text: {"name": 12345} was stored as "12345", {"title": true} as "true"
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        // a number may come as its digits ("25.5", as some systems write decimals), but not as empty text, nor as
        // the text "null" (a mask's "keep": "null" showed the default 4 characters)
        for (LogicalType number : List.of(LogicalType.Integer, LogicalType.Float)) {
            mapper.coercionConfigFor(number).setAcceptBlankAsEmpty(true)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.registerModule(new SimpleModule("no-textual-null")
                .addDeserializer(Integer.class, noTextualNull(Integer.class,
                        new NumberDeserializers.IntegerDeserializer(Integer.class, null)))
                .addDeserializer(BigDecimal.class, noTextualNull(BigDecimal.class,
                        NumberDeserializers.BigDecimalDeserializer.instance)));
    }

    /** {@code standard}, but for the text "null", which Jackson reads as no value. */
    private static <T> JsonDeserializer<T> noTextualNull(Class<T> type, JsonDeserializer<T> standard) {
        return new StdScalarDeserializer<T>(type) {
            private static final long serialVersionUID = 1L;

            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.hasToken(JsonToken.VALUE_STRING) && "null".equalsIgnoreCase(p.getText().strip())) {
                    throw InvalidFormatException.from(p, "the text \"null\" is not a number", p.getText(), type);
                }
                return standard.deserialize(p, ctxt);
            }
        };
    }

    /** Whether {@code e} is the refusal of content after the body's value. */
    public static boolean trailing(JsonMappingException e) {
        return String.valueOf(e.getOriginalMessage()).startsWith("Trailing token");
    }
}
