package org.cnx.sharing.policy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.cnx.sharing.report.IncomingReport;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reports and partners for evaluator tests. */
final class Facts {

    static final List<String> TYPES = List.of("SEIZURE", "PRECURSOR_SHIPMENT", "SUSPICIOUS_ORDER",
            "TRAFFICKING_NETWORK", "ILLICIT_FINANCE", "EMERGING_TREND");
    static final List<String> PARTNERS = List.of("US-CBP", "US-DEA", "US-HSI", "CN-NNCC", "CN-GACC", "CN-MPS");

    private Facts() {
    }

    static Recipient partner(String code) {
        return partner(code, Tlp.AMBER_STRICT);
    }

    /** Accepts every report type, up to {@code maxTlp}. */
    static Recipient partner(String code, Tlp maxTlp) {
        return new Recipient(code, code.substring(0, 2), Set.copyOf(TYPES), maxTlp);
    }

    /** A report; {@code releasableTo} null = no cap; {@code subjectKinds} e.g. PERSON, COMPANY. */
    static IncomingReport report(String agency, String type, String tlp, List<String> releasableTo,
            boolean originatorControl, List<String> watchlistHits, List<String> subjectKinds) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("externalRef", "REF-1").put("type", type).put("title", "t").put("tlp", tlp);
        ObjectNode handling = body.putObject("handling").put("originatorControl", originatorControl);
        if (releasableTo != null) {
            ArrayNode cap = handling.putArray("releasableTo");
            releasableTo.forEach(cap::add);
        }
        ArrayNode subjects = body.putArray("subjects");
        subjectKinds.forEach(k -> subjects.addObject().put("kind", k).put("name", "n"));
        return new IncomingReport(UUID.randomUUID(), agency, agency.substring(0, 2), Instant.parse("2026-11-28T10:00:00Z"),
                watchlistHits, body);
    }

    static IncomingReport report(String agency, String tlp) {
        return report(agency, "PRECURSOR_SHIPMENT", tlp, null, false, List.of("ANPP"), List.of());
    }
}
