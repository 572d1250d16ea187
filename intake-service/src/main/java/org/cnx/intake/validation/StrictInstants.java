package org.cnx.intake.validation;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Instants in request bodies are ISO-8601 text (with {@code Z} or an offset, {@code +08:00}) from 1583 to 9999.
 * Jackson also took a JSON number as seconds since 1970, without a bound: {@code "occurredAt": 1e64} was stored and
 * shared as 1970-01-01T00:00:00Z, and a year of nine digits went through. Before 1583 (the first whole Gregorian year)
 * the JDBC driver writes an instant in the Julian calendar, so what was stored would not be what was sent.
 */
@Singleton
public class StrictInstants implements ObjectMapperCustomizer {

    static final Instant EARLIEST = Instant.parse("1583-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** A date and time with its offset: {@code Z}, {@code +08:00}, or as systems also write it, {@code +0800}. */
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter().withResolverStyle(ResolverStyle.STRICT); // February 30 is refused, not read as the 28th
    /** What the problem says of an instant it refuses. */
    public static final String EXPECTED =
            "must be an ISO-8601 instant, such as 2026-11-20T08:00:00Z, from 1583-01-01 to 9999-12-31";

    /** After Quarkus's own customizers: the java.time module they register would otherwise read instants first. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("strict-instants").addDeserializer(Instant.class, new Strict()));
    }

    /** ISO-8601 text only (offsets included), within the years the database keeps as sent. */
    static final class Strict extends StdScalarDeserializer<Instant> {

        private static final long serialVersionUID = 1L;

        Strict() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw new StorableStrings.Refused(p, p.getText(), EXPECTED);
            }
            // read here, not by Jackson's reader, which takes text of digits alone ("20261120") as seconds too
            String text = p.getText();
            Instant at;
            try {
                at = ISO.parse(text.trim(), OffsetDateTime::from).toInstant();
            } catch (DateTimeException e) {
                throw new StorableStrings.Refused(p, text, EXPECTED);
            }
            if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
                throw new StorableStrings.Refused(p, text, EXPECTED);
            }
            return at;
        }
    }
}
