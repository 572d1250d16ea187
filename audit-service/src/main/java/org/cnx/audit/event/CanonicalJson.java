package org.cnx.audit.event;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one serialisation of an event that the log hashes (the Merkle leaf content): object keys sorted
 * by UTF-16 code units (as RFC 8785), no insignificant whitespace, absent fields omitted, strings with
 * JSON's minimal escaping, timestamps as ISO-8601 UTC with microsecond precision at most.
 * It deliberately does not depend on the application's ObjectMapper settings, so a configuration
 * change cannot change the leaves. Writing is idempotent: {@code write(parse(write(x))) == write(x)}.
 */
public final class CanonicalJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CanonicalJson() {
    }

    /** The canonical text of a normalised event; {@code seq} and {@code recordedAt} are not part of it. */
    public static String of(EventRequest event) {
        ObjectNode root = NODES.objectNode();
        root.put("eventId", event.eventId().toString());
        root.put("occurredAt", event.occurredAt().toString());
        root.put("service", event.service().code());
        root.put("action", event.action().name());
        ObjectNode actor = root.putObject("actor");
        actor.put("sub", event.actor().sub());
        putIfPresent(actor, "agency", event.actor().agency());
        if (event.actor().roles() != null) {
            ArrayNode roles = actor.putArray("roles");
            event.actor().roles().forEach(roles::add);
        }
        EventRequest.Subject subject = event.subject();
        if (subject != null && !subject.isEmpty()) {
            ObjectNode node = root.putObject("subject");
            putIfPresent(node, "reportId", subject.reportId());
            putIfPresent(node, "releaseId", subject.releaseId());
            putIfPresent(node, "deliveryId", subject.deliveryId());
            putIfPresent(node, "partner", subject.partner());
        }
        root.put("outcome", event.outcome().name());
        putIfPresent(root, "payloadSha256", event.payloadSha256());
        if (event.details() != null) {
            root.set("details", event.details());
        }
        return write(root);
    }

    /** Any JSON value in canonical form. */
    public static String write(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(node, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonNode node, JsonGenerator out) throws IOException {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            fields.addAll(node.properties());
            fields.sort(Map.Entry.comparingByKey());
            out.writeStartObject();
            for (Map.Entry<String, JsonNode> field : fields) {
                out.writeFieldName(field.getKey());
                write(field.getValue(), out);
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
                write(it.next(), out);
            }
            out.writeEndArray();
        } else if (node.isTextual()) {
            out.writeString(node.textValue());
        } else if (node.isIntegralNumber()) {
            out.writeNumber(node.bigIntegerValue());
        } else if (node.isBigDecimal()) {
            out.writeNumber(node.decimalValue());
        } else if (node.isNumber()) {
            out.writeNumber(node.doubleValue());
        } else if (node.isBoolean()) {
            out.writeBoolean(node.booleanValue());
        } else if (node.isNull()) {
            out.writeNull();
        } else {
            throw new IllegalArgumentException("not representable in JSON: " + node.getNodeType());
        }
    }

    private static void putIfPresent(ObjectNode node, String name, Object value) {
        if (value != null) {
            node.put(name, value.toString());
        }
    }
}
