package org.cnx.sharing.validation;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * An instant a person types, read as intake reads a report's: ISO-8601 text with {@code Z} or an offset, from 1583 to
 * 9999. Jackson took a JSON number as seconds since 1970 ({@code 1700000000} previewed a record received in 2023), and
 * text of digits alone the same way. Only where a caller writes the instant; intake's hand-overs are its own.
 */
public final class IsoInstant extends StdScalarDeserializer<Instant> {

    private static final long serialVersionUID = 1L;

    public static final Instant EARLIEST = Instant.parse("1583-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter().withResolverStyle(ResolverStyle.STRICT); // February 30 is refused, not read as the 28th
    /** What the problem says of an instant it refuses. */
    public static final String EXPECTED =
            "must be an ISO-8601 instant, such as 2026-11-20T08:00:00Z, from 1583-01-01 to 9999-12-31";

    public IsoInstant() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new StorableStrings.Refused(p, p.getText(), EXPECTED);
        }
        String text = p.getText();
        Instant at;
        try {
            at = ISO.parse(text.trim(), OffsetDateTime::from).toInstant();
        } catch (DateTimeException e) {
            throw new StorableStrings.Refused(p, text, EXPECTED);
        }
        // before 1583 the JDBC driver writes the Julian calendar; after 9999 a record's receipt date failed with a 500
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw new StorableStrings.Refused(p, text, EXPECTED);
        }
        return at;
    }
}
