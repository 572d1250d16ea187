package org.cnx.intake.problem;

import java.util.List;
import java.util.Map;

/** A failure the client can act on; mapped to problem+json with its own status and type. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final transient List<Problem.FieldError> errors;
    private final transient Map<String, Object> extensions;

    public ProblemException(int status, String type, String title, String detail, List<Problem.FieldError> errors,
            Map<String, Object> extensions) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = errors;
        this.extensions = extensions;
    }

    public ProblemException(int status, String type, String title, String detail, List<Problem.FieldError> errors) {
        this(status, type, title, detail, errors, Map.of());
    }

    public ProblemException(int status, String type, String title, String detail) {
        this(status, type, title, detail, null);
    }

    /** 413: {@code what} (the report, the body) is {@code size} bytes, over {@code limit}. */
    public static ProblemException tooLarge(String what, long size, long limit) {
        return new ProblemException(413, "too-large", "Content Too Large",
                "The " + what + " is " + size + " bytes; the limit is " + limit + ".");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
