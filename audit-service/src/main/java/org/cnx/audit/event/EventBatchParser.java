package org.cnx.audit.event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;

import org.cnx.audit.problem.Problem;
import org.cnx.audit.problem.ProblemException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns a request body into a batch of events, or a 400 problem listing every invalid event with a
 * JSON Pointer into the body ({@code /3/eventId}). A batch is taken whole or not at all.
 */
@ApplicationScoped
public class EventBatchParser {

    /** Why an event with U+0000 in it is refused. */
    static final String NUL = "must not contain the NUL character (U+0000), which the log cannot store";
    static final String NUL_IN_NAME = "is a field name with the NUL character (U+0000), which the log cannot store";

    private final ObjectMapper json;
    private final Validator validator;
    private final EventConfig config;

    EventBatchParser(ObjectMapper json, Validator validator, EventConfig config) {
        this.json = json;
        this.validator = validator;
        this.config = config;
    }

    public List<EventRequest> parse(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(400, "malformed-json", "Bad Request",
                    "The body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw invalid(List.of(new Problem.FieldError("", "must be a JSON array of events")));
        }
        if (root.size() > config.maxBatchSize()) {
            throw invalid(List.of(new Problem.FieldError("",
                    "at most " + config.maxBatchSize() + " events per batch, got " + root.size())));
        }
        List<EventRequest> batch = new ArrayList<>(root.size());
        List<Problem.FieldError> errors = new ArrayList<>();
        // the escape is the only way a NUL gets into JSON text; where it is absent, no event needs the walk
        boolean mayHoldNul = body.contains("\\u0000");
        for (int i = 0; i < root.size(); i++) {
            String at = "/" + i;
            if (mayHoldNul) {
                nulCharacters(root.get(i), at, errors);
            }
            try {
                EventRequest event = json.treeToValue(root.get(i), EventRequest.class);
                if (event == null) {
                    errors.add(new Problem.FieldError(at, "must be an event object"));
                    continue;
                }
                validator.validate(event).stream()
                        .map(v -> new Problem.FieldError(at + pointer(v.getPropertyPath().toString()), v.getMessage()))
                        .sorted(Comparator.comparing(Problem.FieldError::pointer))
                        .forEach(errors::add);
                batch.add(event);
            } catch (JsonMappingException e) {
                errors.add(new Problem.FieldError(at + pointer(e.getPath()), message(e)));
            } catch (JsonProcessingException e) {
                errors.add(new Problem.FieldError(at, "is not a valid event"));
            }
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return batch;
    }

    /**
     * PostgreSQL stores no U+0000 in text or jsonb: an event holding one would fail its insert, and with it every
     * event of its batch, at every retry. Refused here instead, with a pointer, so that the sender's outbox holds
     * back that event alone (a 400 makes it split the batch).
     */
    private static void nulCharacters(JsonNode node, String at, List<Problem.FieldError> errors) {
        if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
            errors.add(new Problem.FieldError(at, NUL));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                nulCharacters(node.get(i), at + "/" + i, errors);
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String name = field.getKey();
                String here = at + "/" + segment(name);
                if (name.indexOf('\0') >= 0) {
                    errors.add(new Problem.FieldError(here, NUL_IN_NAME));
                }
                nulCharacters(field.getValue(), here, errors);
            });
        }
    }

    private static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(400, "validation", "Invalid event batch",
                errors.size() + " problem(s); nothing was appended.", errors);
    }

    /** {@code actor.roles[0].<list element>} → {@code /actor/roles/0}. */
    static String pointer(String propertyPath) {
        String path = propertyPath.replaceAll("\\[(\\d+)]", "/$1").replaceAll("<[^>]*>", "").replace('.', '/');
        return ("/" + path).replaceAll("/+", "/").replaceAll("/$", "");
    }

    private static String pointer(List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            pointer.append('/');
            if (ref.getFieldName() != null) {
                pointer.append(segment(ref.getFieldName()));
            } else {
                pointer.append(ref.getIndex());
            }
        }
        return pointer.toString();
    }

    /** A field's name as a segment of a JSON Pointer (RFC 6901). */
    private static String segment(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static String message(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown field";
        }
        Class<?> target = null;
        if (e instanceof MismatchedInputException m) {
            target = m.getTargetType();
        } else if (e instanceof ValueInstantiationException v) {
            target = v.getType().getRawClass();
        }
        if (target == null) {
            return "invalid value";
        }
        if (target.isEnum()) {
            return "must be one of " + Arrays.stream(target.getEnumConstants())
                    .map(c -> c instanceof ServiceName s ? s.code() : c.toString()).toList();
        }
        if (target == UUID.class) {
            return "must be a UUID";
        }
        if (target == Instant.class) {
            return "must be an ISO-8601 UTC timestamp such as 2026-03-01T12:00:00Z";
        }
        if (target == ObjectNode.class || target.isRecord()) {
            return "must be a JSON object";
        }
        if (List.class.isAssignableFrom(target)) {
            return "must be a JSON array";
        }
        if (target == String.class) {
            return "must be a string";
        }
        return e instanceof InvalidFormatException ? "invalid value" : "has the wrong JSON type";
    }
}
