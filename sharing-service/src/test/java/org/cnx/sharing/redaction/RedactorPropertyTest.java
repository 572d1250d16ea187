package org.cnx.sharing.redaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random reports (every text value a unique token such as {@code <17>}) under random profiles: what a
 * drop selects never reaches the output, whatever else the profile does.
 */
class RedactorPropertyTest {

    private static final Pattern TOKEN = Pattern.compile("<[0-9]+>");
    private static final List<String> KINDS = List.of("PERSON", "COMPANY", "VESSEL", "WALLET");
    private static final List<String> PATHS = List.of("/subjects", "/subjects/*", "/subjects/0", "/subjects/1",
            "/subjects/*/name", "/subjects/*/identifiers", "/subjects/*/identifiers/*", "/subjects/*/identifiers/*/value",
            "/subjects/0/identifiers/1/value", "/shipment", "/shipment/trackingNumber", "/shipment/*", "/occurredAt",
            "/title", "/missing/field");

    /** One subject: its kind and how many identifiers. */
    record SubjectShape(String kind, int identifiers) {
    }

    @Provide
    Arbitrary<JsonNode> reports() {
        Arbitrary<SubjectShape> subject = Combinators.combine(Arbitraries.of(KINDS), Arbitraries.integers().between(0, 3))
                .as(SubjectShape::new);
        return Combinators.combine(subject.list().ofMaxSize(5), Arbitraries.of(true, false))
                .as((subjects, withShipment) -> {
                    AtomicInteger n = new AtomicInteger();
                    ObjectNode report = JsonNodeFactory.instance.objectNode();
                    report.put("title", token(n));
                    report.put("occurredAt", "2026-11-20T08:00:00Z");
                    if (withShipment) {
                        report.putObject("shipment").put("trackingNumber", token(n)).put("carrier", token(n))
                                .put("country", "CN");
                    }
                    ArrayNode array = report.putArray("subjects");
                    for (SubjectShape s : subjects) {
                        ObjectNode o = array.addObject().put("kind", s.kind()).put("name", token(n));
                        ArrayNode ids = o.putArray("identifiers");
                        for (int i = 0; i < s.identifiers(); i++) {
                            ids.addObject().put("scheme", token(n)).put("value", token(n));
                        }
                    }
                    return report;
                });
    }

    private static String token(AtomicInteger n) {
        return "<" + n.incrementAndGet() + ">";
    }

    @Provide
    Arbitrary<List<RedactionOp>> profiles() {
        Arbitrary<RedactionOp> drop = Combinators.combine(Arbitraries.of(PATHS), Arbitraries.of(KINDS).injectNull(0.5))
                .as((path, kind) -> RedactionOp.drop(path, kind == null ? null : Map.of("kind", kind)));
        Arbitrary<RedactionOp> mask = Combinators.combine(Arbitraries.of(PATHS), Arbitraries.integers().between(0, 6))
                .as(RedactionOp::mask);
        Arbitrary<RedactionOp> generalise = Combinators.combine(Arbitraries.of(PATHS), Arbitraries.of("day", "country"))
                .as(RedactionOp::generalise);
        return Arbitraries.oneOf(drop, mask, generalise).list().ofMinSize(1).ofMaxSize(6);
    }

    /**
     * What a drop selects is worked out here from where the generator put each token, not with the redactor's own
     * selection, which would agree with itself however wrongly it read a path.
     */
    @Property(tries = 500)
    void aDroppedFieldNeverReachesTheOutput(@ForAll("reports") JsonNode report,
            @ForAll("profiles") List<RedactionOp> profile) {
        String out = Redactor.apply(report, profile).report().toString();
        Map<String, List<String>> placed = placed(report);
        for (RedactionOp op : profile) {
            if (!"drop".equals(op.op())) {
                continue;
            }
            placed.forEach((token, at) -> {
                if (dropped(op, at, report)) {
                    assertFalse(out.contains(token), () -> op + " drops " + token + " at " + at + " but it is in " + out);
                }
            });
        }
    }

    /** Each token and the path (its segments) where it is in the report. */
    private static Map<String, List<String>> placed(JsonNode node) {
        Map<String, List<String>> placed = new java.util.LinkedHashMap<>();
        place(node, new ArrayList<>(), placed);
        return placed;
    }

    private static void place(JsonNode node, List<String> at, Map<String, List<String>> placed) {
        if (node.isTextual() && TOKEN.matcher(node.textValue()).matches()) {
            placed.put(node.textValue(), List.copyOf(at));
        }
        int i = 0;
        for (var it = node.isObject() ? node.fieldNames() : null; it != null && it.hasNext();) {
            String name = it.next();
            at.add(name);
            place(node.get(name), at, placed);
            at.remove(at.size() - 1);
        }
        for (JsonNode element : node.isArray() ? node : JsonNodeFactory.instance.arrayNode()) {
            at.add(Integer.toString(i++));
            place(element, at, placed);
            at.remove(at.size() - 1);
        }
    }

    /**
     * Whether a drop takes the token at {@code at}: its path, {@code *} standing for any one segment, leads to the
     * token or to one of its ancestors; with a where, that ancestor is a subject of that kind (a where looks at the
     * object selected, or at each element of an array selected), and only subjects have a kind.
     */
    private static boolean dropped(RedactionOp op, List<String> at, JsonNode report) {
        List<String> path = List.of(op.path().substring(1).split("/"));
        if (path.size() > at.size()) {
            return false;
        }
        for (int k = 0; k < path.size(); k++) {
            if (!path.get(k).equals("*") && !path.get(k).equals(at.get(k))) {
                return false;
            }
        }
        if (op.where() == null || op.where().isEmpty()) {
            return true;
        }
        boolean subjectOrSubjects = at.get(0).equals("subjects") && path.size() <= 2;
        return subjectOrSubjects
                && op.where().get("kind").equals(report.get("subjects").get(Integer.parseInt(at.get(1))).get("kind")
                        .textValue());
    }

    @Property(tries = 200)
    void theInputIsUntouchedAndTheOutputIsTheSameEveryTime(@ForAll("reports") JsonNode report,
            @ForAll("profiles") List<RedactionOp> profile) {
        JsonNode before = report.deepCopy();
        Redactor.Result first = Redactor.apply(report, profile);
        Redactor.Result second = Redactor.apply(report, profile);
        assertEquals(before, report);
        assertEquals(first.report(), second.report());
        assertEquals(first.withheld(), second.withheld());
    }

    @Property(tries = 200)
    void theManifestNamesPathsNeverValues(@ForAll("reports") JsonNode report,
            @ForAll("profiles") List<RedactionOp> profile) {
        for (Withheld w : Redactor.apply(report, profile).withheld()) {
            assertFalse(TOKEN.matcher(w.path()).find(), w.path());
        }
    }
}
