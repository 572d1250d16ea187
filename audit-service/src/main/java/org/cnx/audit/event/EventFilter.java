package org.cnx.audit.event;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What an auditor asked for; every criterion optional. {@code from} is inclusive and {@code to}
 * exclusive, both on {@code occurredAt}; {@code agency} and {@code actor} match the actor's agency and
 * subject exactly, {@code partner} the subject's partner (the one a release or delivery was for), and
 * {@code originAgency} takes every event about the reports that agency submitted (those whose {@code REPORT_RECEIVED},
 * logged by intake, names it as the actor): the decisions, approvals, deliveries and recalls other actors logged.
 * {@code afterSeq} (0 for none) takes the events audit recorded after that one, whenever they occurred: an
 * auditor's next review starts where the last ended, and an event that reached audit late is not left in a
 * window of {@code occurredAt} already reviewed.
 */
public record EventFilter(Instant from, Instant to, Action action, String agency, String originAgency, String actor,
        UUID reportId, String partner, Outcome outcome, long afterSeq) {

    /** The criteria that were given, for the {@code AUDIT_QUERIED} event's details. */
    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        put(node, "from", from);
        put(node, "to", to);
        put(node, "action", action);
        put(node, "agency", agency);
        put(node, "originAgency", originAgency);
        put(node, "actor", actor);
        put(node, "reportId", reportId);
        put(node, "partner", partner);
        put(node, "outcome", outcome);
        if (afterSeq > 0) {
            node.put("afterSeq", afterSeq);
        }
        return node;
    }

    private static void put(ObjectNode node, String name, Object value) {
        if (value != null) {
            node.put(name, value.toString());
        }
    }
}
