package org.cnx.audit.event;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * Reads an ISO-8601 UTC timestamp ({@code 2026-03-01T12:00:00Z}) and nothing else: no epoch numbers,
 * no local offsets, so that what producers send and what the log stores cannot differ in meaning.
 */
final class UtcInstant extends StdScalarDeserializer<Instant> {

    UtcInstant() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
        }
        String text = p.getText();
        if (text.endsWith("Z")) {
            try {
                return Instant.parse(text);
            } catch (DateTimeException e) {
                // reported below
            }
        }
        throw ctxt.weirdStringException(text, Instant.class, "not an ISO-8601 UTC timestamp");
    }
}
