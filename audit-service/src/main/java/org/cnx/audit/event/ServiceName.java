package org.cnx.audit.event;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The service that produced an event; each may only append events under its own name. */
public enum ServiceName {
    INTAKE("intake"),
    SHARING("sharing"),
    AUDIT("audit");

    private final String code;

    ServiceName(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    @JsonCreator
    public static ServiceName of(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown service"));
    }

    /** The service whose token issuer is {@code issuer} ({@code cnx-intake} → {@code intake}). */
    public static Optional<ServiceName> ofIssuer(String issuer) {
        return Arrays.stream(values()).filter(s -> ("cnx-" + s.code).equals(issuer)).findFirst();
    }
}
