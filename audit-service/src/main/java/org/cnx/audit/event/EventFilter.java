package org.cnx.audit.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What an auditor asked for; every criterion optional. {@code from} is inclusive and {@code to}
 * exclusive, both on {@code occurredAt}; {@code agency} and {@code actor} match the actor's agency and
 * subject exactly, {@code partner} the subject's partner (the one a release or delivery was for).
 */
public record EventFilter(Instant from, Instant to, Action action, String agency, String actor, UUID reportId,
        String partner, Outcome outcome) {

    /** The criteria that were given, for the {@code AUDIT_QUERIED} event's details. */
    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        put(node, "from", from);
        put(node, "to", to);
        put(node, "action", action);
        put(node, "agency", agency);
        put(node, "actor", actor);
        put(node, "reportId", reportId);
        put(node, "partner", partner);
        put(node, "outcome", outcome);
        return node;
    }

    private static void put(ObjectNode node, String name, Object value) {
        if (value != null) {
            node.put(name, value.toString());
        }
    }
}
