package org.cnx.sharing.redaction;

import java.text.Normalizer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.cnx.sharing.validation.HasText;
import org.cnx.sharing.watchlist.Watchlist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Applies a redaction profile to a report body and says what it withheld. Pure: the input is never
 * changed, and the same input gives the same output.
 * <p>
 * Every step selects its targets in the <em>original</em> report, so a mask cannot hide a field from a
 * later step's {@code where}, and manifest pointers keep the original indices. Drops are carried out
 * last. Whatever cannot be generalised (an unreadable timestamp, a place without a country) is dropped
 * instead: redaction fails closed.
 */
public final class Redactor {

    public static final String MASK = "****";
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    /** UN/LOCODE, e.g. {@code USNOG} or {@code US NOG}: the first two letters are the country. */
    private static final Pattern LOCODE = Pattern.compile("([A-Z]{2}) ?[A-Z2-9]{3}");
    static final Pattern INDEX = Pattern.compile("0|[1-9][0-9]{0,8}");

    private Redactor() {
    }

    /** The redacted copy and its manifest. */
    public record Result(JsonNode report, List<Withheld> withheld) {
    }

    /** A selected node and its concrete pointer (segments, unescaped). */
    record Target(List<String> pointer, JsonNode node) {

        Target child(String segment, JsonNode child) {
            List<String> p = new ArrayList<>(pointer);
            p.add(segment);
            return new Target(List.copyOf(p), child);
        }
    }

    public static Result apply(JsonNode original, List<RedactionOp> ops) {
        return apply(original, ops, Redactor::sameText);
    }

    /**
     * As {@link #apply(JsonNode, List)}, with {@code same} telling whether a report's value is the one a step's
     * {@code where} names (the report's first): the exchange's watch list knows a precursor by several names.
     */
    public static Result apply(JsonNode original, List<RedactionOp> ops, BiPredicate<String, String> same) {
        JsonNode copy = original.deepCopy();
        List<Withheld> manifest = new ArrayList<>();
        // a set, looked up by each prefix of a pointer: a list scanned for each target was quadratic in the drops (a
        // profile dropping /subjects/*/identifiers/*/* over a report of 100 subjects held a core for seconds)
        Set<List<String>> drops = new LinkedHashSet<>();
        for (RedactionOp op : ops) {
            for (Target target : select(original, op.path(), op.where(), same)) {
                if (within(target.pointer(), drops) || target.pointer().isEmpty()) {
                    continue;
                }
                switch (op.op()) {
                    case "drop" -> drop(target, drops, manifest);
                    case "mask" -> {
                        JsonNode current = at(copy, target.pointer());
                        if (current == null || current.isNull()) {
                            continue;
                        }
                        JsonNode masked = mask(current, op.keep() == null ? RedactionOp.DEFAULT_KEEP : op.keep());
                        if (!masked.equals(current)) {
                            replace(copy, target.pointer(), masked);
                            manifest.add(new Withheld(pointer(target.pointer()), "mask"));
                        }
                    }
                    case "generalise" -> {
                        JsonNode current = at(copy, target.pointer());
                        if (current == null || current.isNull()) {
                            continue;
                        }
                        Optional<JsonNode> general = generalise(current, op.to());
                        if (general.isEmpty()) {
                            drop(target, drops, manifest);
                        } else if (!general.get().equals(current)) {
                            replace(copy, target.pointer(), general.get());
                            manifest.add(new Withheld(pointer(target.pointer()), "generalise"));
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown redaction op " + op.op());
                }
            }
        }
        // outermost drops only, removed from the last array index backwards so earlier indices hold
        List<List<String>> outermost = drops.stream().filter(d -> !within(d, drops, false))
                .sorted(((Comparator<List<String>>) Redactor::compareNumerically).reversed()).toList();
        outermost.forEach(d -> remove(copy, d));
        // each pointer written once: written for every pair of drop and manifest entry, it cost seconds a report
        Set<String> dropped = outermost.stream().map(Redactor::pointer).collect(Collectors.toSet());
        List<Withheld> kept = manifest.stream()
                .filter(w -> !underAny(w.path(), dropped))
                .filter(w -> "drop".equals(w.op()) || !dropped.contains(w.path()))
                .distinct().toList();
        return new Result(copy, kept);
    }

    private static void drop(Target target, Set<List<String>> drops, List<Withheld> manifest) {
        drops.add(target.pointer());
        manifest.add(new Withheld(pointer(target.pointer()), "drop"));
    }

    /**
     * Whether a report's value is the one a {@code where} names: in any case and width (a full-width
     * {@code ＰＡＳＳＰＯＲＴ} from a Chinese input method, {@code （香港）} for {@code (香港)}), without invisible format
     * characters or the spaces around it, and a CAS number however many zeros pad it (intake takes {@code 021409-26-7}
     * for ANPP's {@code 21409-26-7}, and a step naming the one missed the other). Each of them let a value the step
     * names go out.
     */
    public static boolean sameText(String value, String named) {
        String text = folded(value);
        String name = folded(named);
        if (text.equalsIgnoreCase(name)) {
            return true;
        }
        return Watchlist.CAS_NUMBER.matcher(text).matches() && Watchlist.CAS_NUMBER.matcher(name).matches()
                && Watchlist.unpadded(text).equals(Watchlist.unpadded(name));
    }

    /** Compatibility forms folded (NFKC), what shows nothing dropped, spaces of any script trimmed. */
    private static String folded(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        Normalizer.normalize(text, Normalizer.Form.NFKC).codePoints().filter(c -> !HasText.Validator.showsNothing(c))
                .forEach(kept::appendCodePoint);
        return kept.toString().strip();
    }

    /** The nodes of {@code root} that {@code path} (with {@code *} segments) and {@code where} select. */
    private static List<Target> select(JsonNode root, String path, Map<String, String> where,
            BiPredicate<String, String> same) {
        List<Target> current = List.of(new Target(List.of(), root));
        for (String segment : segments(path)) {
            List<Target> next = new ArrayList<>();
            for (Target t : current) {
                JsonNode node = t.node();
                if ("*".equals(segment) && node.isArray()) {
                    for (int i = 0; i < node.size(); i++) {
                        next.add(t.child(Integer.toString(i), node.get(i)));
                    }
                } else if ("*".equals(segment) && node.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                        Map.Entry<String, JsonNode> field = it.next();
                        next.add(t.child(field.getKey(), field.getValue()));
                    }
                } else if (node.isObject() && node.has(segment)) {
                    next.add(t.child(segment, node.get(segment)));
                } else if (node.isArray() && INDEX.matcher(segment).matches()
                        && Integer.parseInt(segment) < node.size()) {
                    next.add(t.child(segment, node.get(Integer.parseInt(segment))));
                }
            }
            current = next;
        }
        if (where == null || where.isEmpty()) {
            return current;
        }
        List<Target> selected = new ArrayList<>();
        for (Target t : current) {
            if (t.node().isArray()) {
                for (int i = 0; i < t.node().size(); i++) {
                    if (matches(t.node().get(i), where, same)) {
                        selected.add(t.child(Integer.toString(i), t.node().get(i)));
                    }
                }
            } else if (matches(t.node(), where, same)) {
                selected.add(t);
            }
        }
        return selected;
    }

    private static boolean matches(JsonNode node, Map<String, String> where, BiPredicate<String, String> same) {
        if (!node.isObject()) {
            return false;
        }
        return where.entrySet().stream().allMatch(e -> {
            JsonNode value = node.get(e.getKey());
            return value != null && value.isValueNode() && same.test(value.asText(), e.getValue());
        });
    }

    static JsonNode mask(JsonNode node, int keep) {
        if (node.isObject()) {
            ObjectNode masked = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(f -> masked.set(f.getKey(), mask(f.getValue(), keep)));
            return masked;
        }
        if (node.isArray()) {
            ArrayNode masked = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> masked.add(mask(e, keep)));
            return masked;
        }
        if (node.isNull()) {
            return node;
        }
        String text = node.asText();
        int length = text.codePointCount(0, text.length());
        String tail = length > keep ? text.substring(text.offsetByCodePoints(0, length - keep)) : "";
        return TextNode.valueOf(MASK + tail);
    }

    static Optional<JsonNode> generalise(JsonNode node, String to) {
        return switch (to) {
            case "day" -> day(node).map(TextNode::valueOf);
            case "country" -> country(node);
            default -> Optional.empty();
        };
    }

    private static Optional<String> day(JsonNode node) {
        if (!node.isTextual()) {
            return Optional.empty();
        }
        String text = node.asText().trim();
        try {
            return Optional.of(OffsetDateTime.parse(text).atZoneSameInstant(ZoneOffset.UTC).toLocalDate().toString());
        } catch (DateTimeParseException notOffset) {
            // try the forms without an offset
        }
        try {
            return Optional.of(LocalDateTime.parse(text).toLocalDate().toString());
        } catch (DateTimeParseException notLocal) {
            // try a date
        }
        try {
            return Optional.of(LocalDate.parse(text).toString());
        } catch (DateTimeParseException notDate) {
            return Optional.empty();
        }
    }

    private static Optional<JsonNode> country(JsonNode node) {
        if (node.isObject()) {
            JsonNode country = node.get("country");
            if (country != null && country.isTextual() && COUNTRY.matcher(country.asText()).matches()) {
                return Optional.of(JsonNodeFactory.instance.objectNode().put("country", country.asText()));
            }
            return Optional.empty();
        }
        if (node.isTextual()) {
            String text = node.asText().trim();
            if (COUNTRY.matcher(text).matches()) {
                return Optional.of(TextNode.valueOf(text));
            }
            var locode = LOCODE.matcher(text);
            if (locode.matches()) {
                return Optional.of(TextNode.valueOf(locode.group(1)));
            }
        }
        return Optional.empty();
    }

    private static JsonNode at(JsonNode root, List<String> pointer) {
        JsonNode node = root;
        for (String segment : pointer) {
            if (node == null) {
                return null;
            }
            node = node.isArray() ? node.get(Integer.parseInt(segment)) : node.get(segment);
        }
        return node;
    }

    private static void replace(JsonNode root, List<String> pointer, JsonNode value) {
        JsonNode parent = at(root, pointer.subList(0, pointer.size() - 1));
        String last = pointer.get(pointer.size() - 1);
        if (parent instanceof ObjectNode object && object.has(last)) {
            object.set(last, value);
        } else if (parent instanceof ArrayNode array && Integer.parseInt(last) < array.size()) {
            array.set(Integer.parseInt(last), value);
        }
    }

    private static void remove(JsonNode root, List<String> pointer) {
        JsonNode parent = at(root, pointer.subList(0, pointer.size() - 1));
        String last = pointer.get(pointer.size() - 1);
        if (parent instanceof ObjectNode object) {
            object.remove(last);
        } else if (parent instanceof ArrayNode array && Integer.parseInt(last) < array.size()) {
            array.remove(Integer.parseInt(last));
        }
    }

    private static boolean within(List<String> pointer, Set<List<String>> drops) {
        return within(pointer, drops, true);
    }

    /** Whether a drop covers {@code pointer}: the same pointer (when {@code orEqual}) or an ancestor. */
    private static boolean within(List<String> pointer, Set<List<String>> drops, boolean orEqual) {
        for (int depth = orEqual ? pointer.size() : pointer.size() - 1; depth > 0; depth--) {
            if (drops.contains(pointer.subList(0, depth))) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of {@code dropped} is an ancestor of {@code path} (pointers, each looked up by its prefixes). */
    private static boolean underAny(String path, Set<String> dropped) {
        for (int slash = path.indexOf('/', 1); slash > 0; slash = path.indexOf('/', slash + 1)) {
            if (dropped.contains(path.substring(0, slash))) {
                return true;
            }
        }
        return false;
    }

    /** Segment by segment, array indices as numbers, so that /a/10 comes after /a/9. */
    private static int compareNumerically(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            String x = a.get(i);
            String y = b.get(i);
            int c = INDEX.matcher(x).matches() && INDEX.matcher(y).matches()
                    ? Integer.compare(Integer.parseInt(x), Integer.parseInt(y)) : x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    static List<String> segments(String path) {
        if (path.isEmpty()) {
            return List.of();
        }
        List<String> segments = new ArrayList<>();
        for (String raw : path.substring(1).split("/", -1)) {
            segments.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return segments;
    }

    static String pointer(List<String> segments) {
        StringBuilder p = new StringBuilder();
        segments.forEach(s -> p.append('/').append(s.replace("~", "~0").replace("/", "~1")));
        return p.toString();
    }
}
