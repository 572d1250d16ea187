package org.cnx.audit.event;

import java.util.Arrays;
import java.util.Optional;

/** Formats of {@code GET /api/v1/events/export}. */
public enum ExportFormat {
    /** RFC 4180, one header line, structured values (roles, details) as JSON text. */
    CSV("csv", "text/csv; charset=UTF-8"),
    /** One event per line, exactly as {@code GET /api/v1/events} lists them. */
    NDJSON("ndjson", "application/x-ndjson");

    private final String code;
    private final String mediaType;

    ExportFormat(String code, String mediaType) {
        this.code = code;
        this.mediaType = mediaType;
    }

    public String code() {
        return code;
    }

    public String mediaType() {
        return mediaType;
    }

    public static Optional<ExportFormat> of(String code) {
        return Arrays.stream(values()).filter(f -> f.code.equals(code)).findFirst();
    }
}
