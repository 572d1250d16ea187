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

    /**
     * The instants the log stores as sent, and ISO-8601 writes with four-digit years: from 1583, the first whole year
     * of the Gregorian calendar, to 9999. Before it the JDBC driver, through {@code java.sql.Timestamp}, wrote an
     * instant in the Julian calendar, which PostgreSQL reads as Gregorian: 1500-01-01 was stored as 1500-01-10, the
     * stored column no longer matched the hashed event, and the log's verification failed at that event for good.
     */
    static final Instant EARLIEST = Instant.parse("1583-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
    /** What a problem says of an instant outside them. */
    static final String RANGE = "must be an instant from 1583-01-01T00:00:00Z to 9999-12-31T23:59:59Z";

    UtcInstant() {
        super(Instant.class);
    }

    /** Whether the log can store and filter on {@code at} as it is (PostgreSQL's timestamps end in 294276). */
    static boolean storable(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
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
