package org.cnx.sharing.release;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.redaction.RedactionOp;
import org.cnx.sharing.redaction.Redactor;
import org.cnx.sharing.redaction.Withheld;
import org.cnx.sharing.report.IncomingReport;
import org.cnx.sharing.watchlist.Watchlist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the record a partner receives, in one place for stored releases and dry runs alike, so that
 * a dry run's bytes are the bytes that later leave. The report body is put in a canonical form first
 * (object keys sorted, null fields left out) so that the same report gives the same bytes however its
 * sender ordered or spelled it; then the redaction profile is applied once, and the manifest of
 * withheld paths travels inside the record.
 */
@ApplicationScoped
public class ReleaseRecords {

    /** The exact payload (what is stored, previewed, signed and sent), its SHA-256 and the manifest. */
    public record Prepared(String payload, String sha256, List<Withheld> withheld) {
    }

    /** A withheld path that hides what a substance is: the list, one substance, or what the watch list matches by. */
    private static final Pattern NAMES_A_SUBSTANCE = Pattern.compile("/substances(/\\d+(/(name|casNumber)(/.*)?)?)?");

    private final ObjectMapper json;
    private final Watchlist watchlist;

    ReleaseRecords(ObjectMapper json, Watchlist watchlist) {
        this.json = json;
        this.watchlist = watchlist;
    }

    public Prepared prepare(IncomingReport incoming, String recipient, List<RedactionOp> profile) {
        Redactor.Result redacted = Redactor.apply(canonical(incoming.report()), profile, this::same);
        ObjectNode record = json.createObjectNode();
        record.put("type", "RECORD");
        record.put("reportId", incoming.id().toString());
        record.put("recipient", recipient);
        ObjectNode originator = record.putObject("originator");
        originator.put("agency", incoming.agency());
        originator.put("country", incoming.country());
        // the time intake received the report keeps to the report's redaction: to the day where the profile withholds
        // the report's own time (an event reported within the hour was timed by it), whether or not the report gave one
        boolean timeWithheld = profile.stream().anyMatch(op -> "/occurredAt".equals(op.path()));
        record.put("receivedAt", timeWithheld ? incoming.receivedAt().atZone(ZoneOffset.UTC).toLocalDate().toString()
                : incoming.receivedAt().toString());
        // the hits name precursors: where the profile withholds which substances a report is about, so do they
        if (redacted.withheld().stream().noneMatch(w -> NAMES_A_SUBSTANCE.matcher(w.path()).matches())) {
            ArrayNode hits = record.putArray("watchlistHits");
            incoming.watchlist().forEach(hits::add);
        }
        record.set("report", redacted.report());
        record.set("withheld", json.valueToTree(redacted.withheld()));
        String payload = write(record);
        return new Prepared(payload, AuditTrail.sha256(payload), redacted.withheld());
    }

    /**
     * A report's value is the one a step's {@code where} names where they are written alike, or stand for the same
     * precursor of the watch list: a step for ANPP's substances missed the {@code 4-ANPP} that intake counted as a hit,
     * and the record went out with the substance and {@code watchlistHits: ["ANPP"]}.
     */
    private boolean same(String value, String named) {
        if (Redactor.sameText(value, named)) {
            return true;
        }
        String substance = watchlist.nameFor(named);
        return substance != null && watchlist.namesFor(value).contains(substance);
    }

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }

    /** Object keys sorted, null-valued fields dropped; array elements keep their positions. */
    static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getValue().isNull()) {
                    sorted.put(field.getKey(), canonical(field.getValue()));
                }
            }
            ObjectNode copy = ((ObjectNode) node).objectNode();
            sorted.forEach(copy::set);
            return copy;
        }
        if (node.isArray()) {
            List<JsonNode> elements = new ArrayList<>();
            node.forEach(e -> elements.add(canonical(e)));
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            copy.addAll(elements);
            return copy;
        }
        return node;
    }
}
