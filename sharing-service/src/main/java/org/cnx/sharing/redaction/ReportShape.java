package org.cnx.sharing.redaction;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.cnx.sharing.watchlist.Watchlist;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of a report body as intake accepts it (DESIGN §4; intake refuses any other): what a redaction step's
 * path and where can name. A step naming another field (a typo such as {@code identifier} for {@code identifiers},
 * or {@code where: {type: PERSON}} for {@code kind}) was published, withheld nothing, and the record went out whole.
 */
public final class ReportShape {

    /** An object's fields, or an array's element; neither for a value, which is text unless said otherwise. */
    private record Shape(Map<String, Shape> fields, Shape element, Scalar scalar) {

        static Shape value() {
            return value(Scalar.TEXT);
        }

        static Shape value(Scalar scalar) {
            return new Shape(null, null, scalar);
        }

        static Shape array(Shape element) {
            return new Shape(null, element, null);
        }

        static Shape object(String... names) {
            Map<String, Shape> fields = new LinkedHashMap<>();
            for (String name : names) {
                fields.put(name, value());
            }
            return new Shape(fields, null, null);
        }

        Shape with(String name, Shape shape) {
            Map<String, Shape> more = new LinkedHashMap<>(fields);
            more.put(name, shape);
            return new Shape(more, null, null);
        }
    }

    /**
     * What a value is in a report as intake hands it over (it writes a quantity and a credibility as numbers, a flag
     * as a boolean).
     */
    private enum Scalar {
        TEXT("must be a string", JsonNode::isTextual),
        // as intake's: a quantity above 0 up to 10^9 with at most 6 decimals, a credibility a whole number 1 to 6
        QUANTITY("must be a number above 0 and at most 1000000000, with at most 6 digits after the decimal point",
                ReportShape::isQuantity),
        CREDIBILITY("must be a whole number from 1 to 6",
                n -> n.isIntegralNumber() && n.canConvertToInt() && n.intValue() >= 1 && n.intValue() <= 6),
        BOOLEAN("must be true or false", JsonNode::isBoolean);

        private final String message;
        private final Predicate<JsonNode> is;

        Scalar(String message, Predicate<JsonNode> is) {
            this.message = message;
            this.is = is;
        }

        /** What is wrong with {@code node}: a number given as text is said to be one, not to be out of range. */
        String misfit(JsonNode node) {
            boolean numeric = this == QUANTITY || this == CREDIBILITY;
            return numeric && !node.isNumber() ? "must be a number, as a hand-over carries it (intake reads \"2\" as 2)"
                    : message;
        }
    }

    private static final BigDecimal MAX_QUANTITY = BigDecimal.valueOf(1_000_000_000L);
    private static final Set<String> KINDS = Set.of("PERSON", "COMPANY", "VESSEL", "WALLET");

    /**
     * What no redaction may touch: a partner keeps the report's label and its handling restrictions (a profile that
     * dropped {@code /handling} to hide whom else it went to delivered a NO_JUDICIAL_USE report without the restriction).
     */
    private static final List<List<String>> LABELS = List.of(List.of("tlp"), List.of("handling", "useRestriction"),
            List.of("handling", "originatorControl"));

    private static final Shape REPORT = Shape.object("externalRef", "type", "title", "summary", "occurredAt", "tlp")
            .with("handling", Shape.object("useRestriction").with("originatorControl", Shape.value(Scalar.BOOLEAN))
                    .with("releasableTo", Shape.array(Shape.value())))
            .with("grading", Shape.object("sourceReliability").with("informationCredibility",
                    Shape.value(Scalar.CREDIBILITY)))
            .with("substances", Shape.array(Shape.object("name", "casNumber", "unit")
                    .with("quantity", Shape.value(Scalar.QUANTITY))))
            .with("shipment", Shape.object("originCountry", "destinationCountry", "carrier", "trackingNumber",
                    "containerNumber", "hsCode", "declaredAs").with("transitCountries", Shape.array(Shape.value())))
            .with("subjects", Shape.array(Shape.object("kind", "name", "country", "role")
                    .with("identifiers", Shape.array(Shape.object("scheme", "value")))));

    private ReportShape() {
    }

    /** A shape a path selects, and the name of the field it is (or whose elements it is). */
    private record Selected(Shape shape, String field) {
    }

    /**
     * What is wrong with a step's path, where and {@code to}, each as {@code (member, message)}: "path", "where/kind",
     * "to". A country is generalised from a subject (its country) or a country field: the free text a UN/LOCODE was
     * looked for in gave a name's first two letters ("LI WEI" → "LI") as a country.
     */
    public static List<Map.Entry<String, String>> problems(String path, Map<String, String> where, String to) {
        List<Map.Entry<String, String>> problems = new ArrayList<>();
        List<Selected> selected = List.of(new Selected(REPORT, ""));
        StringBuilder walked = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (String segment : path.substring(1).split("/", -1)) {
            String name = segment.replace("~1", "/").replace("~0", "~");
            names.add(name);
            walked.append('/').append(segment);
            List<Selected> next = new ArrayList<>();
            for (Selected at : selected) {
                Shape shape = at.shape();
                if (shape.fields() != null) {
                    shape.fields().forEach((field, child) -> {
                        if (name.equals("*") || name.equals(field)) {
                            next.add(new Selected(child, field));
                        }
                    });
                } else if (shape.element() != null && (name.equals("*") || Redactor.INDEX.matcher(name).matches())) {
                    next.add(new Selected(shape.element(), at.field()));
                }
            }
            if (next.isEmpty()) {
                problems.add(Map.entry("path", "a report has nothing at " + walked
                        + fieldsAt(selected.stream().map(Selected::shape).toList())));
                return problems;
            }
            selected = next;
        }
        String label = reachedLabel(names);
        if (label != null) {
            problems.add(Map.entry("path", path + " reaches " + label + ": the TLP label and the originator's "
                    + "handling restrictions travel with the record, whatever is withheld"));
        }
        boolean elements = where != null && !where.isEmpty(); // a where selects an array's matching elements
        if ("country".equals(to) && !selected.stream().allMatch(at -> hasCountry(at, elements))) {
            problems.add(Map.entry("to", "a country comes from a subject (its country) or a country field, "
                    + "not from all that " + path + " selects"));
        }
        conditions(path, where, selected.stream().map(Selected::shape).toList(), problems);
        return problems;
    }

    /** The label a path's segments select or contain ({@code *} standing for any one), as a pointer; or null. */
    private static String reachedLabel(List<String> names) {
        for (List<String> label : LABELS) {
            boolean reaches = names.size() <= label.size();
            for (int k = 0; reaches && k < names.size(); k++) {
                reaches = names.get(k).equals("*") || names.get(k).equals(label.get(k));
            }
            if (reaches) {
                return "/" + String.join("/", label);
            }
        }
        return null;
    }

    private static boolean hasCountry(Selected at, boolean elements) {
        Shape shape = elements && at.shape().element() != null ? at.shape().element() : at.shape();
        return shape.fields() != null ? shape.fields().containsKey("country")
                : shape.element() == null && at.field().toLowerCase(Locale.ROOT).contains("countr");
    }

    private static void conditions(String path, Map<String, String> where, List<Shape> selected,
            List<Map.Entry<String, String>> problems) {
        for (Map.Entry<String, String> condition : where == null ? Map.<String, String>of().entrySet()
                : where.entrySet()) {
            List<Shape> held = selected.stream().map(s -> s.element() != null ? s.element() : s)
                    .filter(s -> s.fields() != null && s.fields().containsKey(condition.getKey()))
                    .map(s -> s.fields().get(condition.getKey())).toList();
            if (held.isEmpty()) {
                problems.add(Map.entry("where/" + condition.getKey(), "what " + path + " selects has no field "
                        + condition.getKey()));
            } else if (held.stream().noneMatch(field -> field.scalar() != null)) {
                // compared with a list or an object, a where selected nothing, and what it meant went out whole
                problems.add(Map.entry("where/" + condition.getKey(), condition.getKey() + " holds "
                        + (held.get(0).element() != null ? "a list" : "an object") + ": a where compares a field "
                        + "holding one value"));
            } else if (condition.getKey().equals("kind") && condition.getValue() != null
                    && !KINDS.contains(condition.getValue().toUpperCase(Locale.ROOT))) {
                problems.add(Map.entry("where/kind", "a subject's kind is PERSON, COMPANY, VESSEL or WALLET"));
            } else if (condition.getKey().equals("casNumber") && condition.getValue() != null
                    && !Watchlist.isCasNumber(condition.getValue())) {
                // a mistyped number selected no substance, and the one meant went out whole
                problems.add(Map.entry("where/casNumber", "a CAS Registry Number with its check digit right, such as "
                        + "21409-26-7"));
            }
        }
    }

    /** A finite number (1e400 is read as infinity, which a preview wrote as "Infinity") in intake's range. */
    private static boolean isQuantity(JsonNode n) {
        if (!n.isNumber() || n.isDouble() && !Double.isFinite(n.doubleValue())) {
            return false;
        }
        BigDecimal quantity = n.decimalValue().stripTrailingZeros();
        return quantity.signum() > 0 && quantity.compareTo(MAX_QUANTITY) <= 0 && quantity.scale() <= 6;
    }

    /**
     * Where a report body is not one intake hands over, each as {@code (pointer, message)}: a field intake does not
     * know (it refuses any), an object, list or value where the other is, a quantity or credibility that is not a
     * number, a flag that is not a boolean, other values that are not text. A null stands for an absent field. A dry
     * run reads its report as a hand-over carries it: a misspelt {@code releasableto} was ignored, and the preview
     * released to every partner a report capped to one; an {@code originatorControl} of {@code "true"} previewed no
     * approval.
     */
    public static List<Map.Entry<String, String>> misfits(JsonNode report, String pointer) {
        List<Map.Entry<String, String>> misfits = new ArrayList<>();
        misfits(report, REPORT, pointer, misfits);
        return misfits;
    }

    private static void misfits(JsonNode node, Shape shape, String pointer, List<Map.Entry<String, String>> misfits) {
        if (node.isNull()) {
            return;
        }
        if (shape.fields() != null) {
            if (!node.isObject()) {
                misfits.add(Map.entry(pointer, "must be a JSON object"));
                return;
            }
            node.fields().forEachRemaining(field -> {
                String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                Shape child = shape.fields().get(field.getKey());
                if (child == null) {
                    misfits.add(Map.entry(at, "is not a known field"));
                } else {
                    misfits(field.getValue(), child, at, misfits);
                }
            });
        } else if (shape.element() != null) {
            if (!node.isArray()) {
                misfits.add(Map.entry(pointer, "must be a JSON array"));
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                misfits(node.get(i), shape.element(), pointer + "/" + i, misfits);
            }
        } else if (!shape.scalar().is.test(node)) {
            misfits.add(Map.entry(pointer, shape.scalar().misfit(node)));
        }
    }

    /** The fields where a path stopped matching, to say what it could name instead. */
    private static String fieldsAt(List<Shape> shapes) {
        List<String> names = new ArrayList<>();
        for (Shape shape : shapes) {
            if (shape.fields() != null) {
                names.addAll(shape.fields().keySet());
            } else if (shape.element() != null) {
                names.add("an index or *");
            }
        }
        return names.isEmpty() ? " (a value has no fields)" : " (there: " + String.join(", ", names.stream()
                .distinct().toList()) + ")";
    }
}
