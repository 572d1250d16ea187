package org.cnx.audit.event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;

import org.cnx.audit.problem.Problem;
import org.cnx.audit.problem.ProblemException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
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
    /** Why an event with half of a surrogate pair in it is refused. */
    static final String LONE_SURROGATE = "holds half of a UTF-16 surrogate pair (an escape such as \\ud800 without its "
            + "other half), which is no character: the log would store and hash it as '?'";
    static final String LONE_SURROGATE_IN_NAME = "has a field name holding half of a UTF-16 surrogate pair, which is "
            + "no character: the log would store and hash it as '?'";
    /** Why a number past a double's range in an event's details is refused. */
    static final String NOT_FINITE = "must be a finite number: past a double's range the log would hash it as the "
            + "text \"Infinity\", as if that had been sent";
    /** Why an occurredAt PostgreSQL cannot store is refused. */
    static final String OUT_OF_RANGE = UtcInstant.RANGE;

    /** An escape of a UTF-16 surrogate: the only way half of a pair gets into JSON text read as UTF-8. */
    private static final Pattern SURROGATE_ESCAPE = Pattern.compile("\\\\u[dD][89a-fA-F]");

    private final ObjectMapper json;
    /**
     * The batch as sent: a name twice in an object kept its last value, hashed as if sent alone; what followed the
     * array was dropped unread.
     */
    private final ObjectReader batchReader;
    private final Validator validator;
    private final EventConfig config;

    EventBatchParser(ObjectMapper json, Validator validator, EventConfig config) {
        this.json = json;
        this.batchReader = json.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY,
                DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.validator = validator;
        this.config = config;
    }

    public List<EventRequest> parse(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : batchReader.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(400, "malformed-json", "Bad Request",
                    "The body is not valid JSON: " + withoutApi(e.getOriginalMessage()));
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
        // escapes are the only way a NUL or half of a surrogate pair gets into JSON text; where there is neither, no
        // event needs the walk (an emoji's pair, escaped, makes it walk and pass)
        boolean mayHoldUnstorable = body.contains("\\u0000") || SURROGATE_ESCAPE.matcher(body).find();
        for (int i = 0; i < root.size(); i++) {
            String at = "/" + i;
            if (mayHoldUnstorable) {
                unstorableText(root.get(i), at, errors);
            }
            if (root.get(i) != null && root.get(i).get("details") != null) {
                infinities(root.get(i).get("details"), at + "/details", errors);
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
                if (event.occurredAt() != null && !UtcInstant.storable(event.occurredAt())) {
                    // its insert failed, and its batch with it, at every retry
                    errors.add(new Problem.FieldError(at + "/occurredAt", OUT_OF_RANGE));
                }
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

    /** "Duplicate field 'a'", without the Java types and features Jackson's message goes on to name. */
    private static String withoutApi(String message) {
        return message.replaceFirst("( \\(bound as `| for `|: not allowed ).*$", "");
    }

    /**
     * PostgreSQL stores no U+0000 in text or jsonb: an event holding one would fail its insert, and with it every
     * event of its batch, at every retry. Refused here instead, with a pointer, so that the sender's outbox holds
     * back that event alone (a 400 makes it split the batch). Half of a surrogate pair is no character: the hash's
     * UTF-8 and the database driver would both turn it into '?', so that "\\ud800" and "?" were the same event.
     */
    private static void unstorableText(JsonNode node, String at, List<Problem.FieldError> errors) {
        if (node.isTextual()) {
            String text = node.textValue();
            if (text.indexOf('\0') >= 0) {
                errors.add(new Problem.FieldError(at, NUL));
            } else if (hasLoneSurrogate(text)) {
                errors.add(new Problem.FieldError(at, LONE_SURROGATE));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                unstorableText(node.get(i), at + "/" + i, errors);
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String name = field.getKey();
                String here = at + "/" + segment(name);
                if (name.indexOf('\0') >= 0) {
                    errors.add(new Problem.FieldError(here, NUL_IN_NAME));
                } else if (hasLoneSurrogate(name)) {
                    errors.add(new Problem.FieldError(at, LONE_SURROGATE_IN_NAME)); // no pointer can hold the name
                }
                unstorableText(field.getValue(), here, errors);
            });
        }
    }

    static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The canonical text writes a fraction as Java's double does (1.0E7 for 1e7), and a number past a double's range
     * as the text "Infinity": 1e400 and "Infinity" would be the same event. Refused, with a pointer.
     */
    private static void infinities(JsonNode node, String at, List<Problem.FieldError> errors) {
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            errors.add(new Problem.FieldError(at, NOT_FINITE));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                infinities(node.get(i), at + "/" + i, errors);
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(
                    field -> infinities(field.getValue(), at + "/" + segment(field.getKey()), errors));
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
