import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a cnx audit receipt offline, with the JDK alone (Java 17+, no dependencies):
 *
 * <pre>
 *   java deploy/verifier/VerifyReceipt.java receipt.json jwks.json
 * </pre>
 *
 * receipt.json is what {@code GET /api/v1/receipts/{deliveryId}} returned to the partner; jwks.json is audit-service's
 * {@code GET /.well-known/jwks.json} (obtained once, from a source the partner trusts). A partner that kept the body it
 * received adds it, as the bytes came ({@code receipt.json jwks.json body}): the receipt then proves that body was what
 * the log records as delivered. The receipt is valid when
 * <ol>
 * <li>{@code event} is exactly the JSON in {@code leaf} (the canonical text that was hashed), and it is the
 * {@code DELIVERY_SUCCEEDED} event of the receipt's {@code deliveryId};</li>
 * <li>the checkpoint's JWS is an RS256 signature by one of the JWKS keys (by {@code kid}) over {size, root,
 * timestamp};</li>
 * <li>the inclusion proof (RFC 9162 §2.1.3.2) leads from SHA-256(0x00 ‖ leaf) at index seq - 1 to that signed root
 * of that signed size;</li>
 * <li>with a body, its SHA-256 is the event's {@code payloadSha256}.</li>
 * </ol>
 * An auditor who kept a checkpoint checks that the log today still extends it (nothing it covered was changed,
 * removed or forked since):
 *
 * <pre>
 *   java deploy/verifier/VerifyReceipt.java --consistency kept.json latest.json proof.json jwks.json
 * </pre>
 *
 * The checkpoints are what {@code GET /api/v1/log/checkpoints/latest} returned then and now, proof.json is
 * {@code GET /api/v1/log/proofs/consistency?from=<kept size>&to=<latest size>}. Valid when both heads are RS256
 * signatures by keys of the JWKS and the proof (RFC 9162 §2.1.4.2) leads from the kept signed root to the latest one.
 * <p>
 * An auditor checks the events themselves, as exported, against a signed head:
 *
 * <pre>
 *   java deploy/verifier/VerifyReceipt.java --events events.ndjson latest.json proof.json jwks.json
 * </pre>
 *
 * events.ndjson is {@code GET /api/v1/events/export?format=ndjson} with no filter (the whole log, seq 1 to N),
 * latest.json a head signed after it ({@code POST /api/v1/log/checkpoints}), proof.json
 * {@code GET /api/v1/log/proofs/consistency?from=<N>&to=<latest size>}. Valid when every line's fields are those of
 * its leaf (the canonical text the log hashed), the seqs run from 1 without a gap, and the tree of those N leaves is
 * the first N events of the signed log: nothing exported was altered, left out or slipped in.
 * <p>
 * Exit status: 0 valid, 1 invalid (the reason is printed), 2 unusable input.
 */
public class VerifyReceipt {

    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** Input that is no evidence either way: an empty or unreadable file, an error answer saved in its place. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        boolean consistency = args.length == 5 && args[0].equals("--consistency");
        boolean events = args.length == 5 && args[0].equals("--events");
        boolean receipt = (args.length == 2 || args.length == 3) && !args[0].startsWith("--");
        if (!receipt && !consistency && !events) {
            System.err.println("usage: java VerifyReceipt.java RECEIPT.json JWKS.json [BODY]\n"
                    + "       java VerifyReceipt.java --consistency KEPT-CHECKPOINT.json LATEST-CHECKPOINT.json "
                    + "PROOF.json JWKS.json\n"
                    + "       java VerifyReceipt.java --events EVENTS.ndjson LATEST-CHECKPOINT.json PROOF.json "
                    + "JWKS.json");
            System.exit(2);
        }
        List<Object> inputs = new ArrayList<>();
        try {
            // the export is read line by line as it is verified (it may be gigabytes); a body as bytes; a proof
            // whole, what makes it unusable said once the heads are checked; the rest whole
            for (int i = consistency || events ? 1 : 0; i < args.length; i++) {
                inputs.add(events && i == 1 ? null
                        : receipt && i == 2 ? Files.readAllBytes(Path.of(args[i]))
                        : i == 3 && (consistency || events) ? proof(args[i])
                        : json(args[i]));
            }
        } catch (Exception | OutOfMemoryError e) { // a multi-gigabyte export given in another input's place
            System.err.println("cannot read the input: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            System.out.println("VALID: " + (consistency
                    ? consistency(inputs.get(0), inputs.get(1), inputs.get(2), inputs.get(3))
                    : events ? events(Path.of(args[1]), inputs.get(1), inputs.get(2), inputs.get(3))
                    : verify(inputs.get(0), inputs.get(1), args.length == 3 ? (byte[]) inputs.get(2) : null)));
        } catch (Unusable | java.io.IOException | OutOfMemoryError e) {
            System.err.println("cannot read the input: " + e.getMessage());
            System.exit(2);
        } catch (Invalid e) {
            System.out.println("INVALID: " + e.getMessage());
            System.exit(1);
        } catch (RuntimeException e) {
            System.out.println("INVALID: malformed input (" + e + ")");
            System.exit(1);
        }
    }

    static String verify(Object receiptJson, Object jwksJson, byte[] body) throws Invalid {
        Map<String, Object> receipt = object(receiptJson, "receipt");
        String leaf = string(receipt, "leaf");
        Object event = receipt.get("event");
        Object hashed;
        try {
            hashed = Json.parse(leaf);
        } catch (IllegalArgumentException e) {
            throw new Invalid("leaf is not JSON: " + e.getMessage());
        }
        if (!Json.same(event, hashed)) {
            throw new Invalid("event differs from the leaf that was hashed into the log");
        }
        Map<String, Object> e = object(hashed, "event");
        if (!"DELIVERY_SUCCEEDED".equals(e.get("action"))) {
            throw new Invalid("the event is a " + e.get("action") + ", not a DELIVERY_SUCCEEDED");
        }
        // only sharing-service delivers: any producer may log any action, and audit-service hands out receipts for
        // sharing's events alone
        if (!"sharing".equals(e.get("service")) || !"SUCCESS".equals(e.get("outcome"))) {
            throw new Invalid("the event was logged by " + e.get("service") + " with outcome " + e.get("outcome")
                    + ", not by sharing with SUCCESS");
        }
        Object subject = e.get("subject");
        Object deliveryId = subject instanceof Map<?, ?> m ? m.get("deliveryId") : null;
        if (deliveryId == null || !deliveryId.equals(receipt.get("deliveryId"))) {
            throw new Invalid("the event is about delivery " + deliveryId + ", not " + receipt.get("deliveryId"));
        }
        long seq = integer(receipt, "seq");

        Map<String, Object> checkpoint = object(receipt.get("checkpoint"), "checkpoint");
        Signed head = verifyJws(string(checkpoint, "jws"), object(jwksJson, "JWKS"));
        Map<String, Object> signed = head.payload();
        long size = integer(signed, "size");
        byte[] root = hex(string(signed, "root"), "signed root");
        if (checkpoint.containsKey("size") && integer(checkpoint, "size") != size
                || checkpoint.containsKey("root") && !string(checkpoint, "root").equals(signed.get("root"))) {
            throw new Invalid("the checkpoint's size or root differ from what its signature covers");
        }

        Map<String, Object> proof = object(receipt.get("inclusionProof"), "inclusionProof");
        if (integer(proof, "treeSize") != size || integer(proof, "leafIndex") != seq - 1) {
            throw new Invalid("the inclusion proof is for leaf " + proof.get("leafIndex") + " of a tree of "
                    + proof.get("treeSize") + ", not leaf " + (seq - 1) + " of the signed tree of " + size);
        }
        List<byte[]> path = new ArrayList<>();
        for (Object node : list(proof.get("auditPath"), "auditPath")) {
            path.add(hex(node instanceof String s ? s : "", "auditPath element"));
        }
        byte[] leafHash = sha256(new byte[] {0x00}, leaf.getBytes(StandardCharsets.UTF_8));
        byte[] computed = rootFromInclusionProof(seq - 1, size, leafHash, path);
        if (computed == null || !MessageDigest.isEqual(computed, root)) {
            throw new Invalid("the inclusion proof does not lead from this event to the signed root");
        }
        Object logged = e.get("payloadSha256");
        if (body != null) {
            String received = HexFormat.of().formatHex(sha256(body));
            if (!received.equals(logged)) {
                throw new Invalid("the body given has SHA-256 " + received + ", not the " + logged
                        + " the log records as delivered");
            }
        }
        return "event " + seq + " (DELIVERY_SUCCEEDED, delivery " + deliveryId + ", partner "
                + ((Map<?, ?>) subject).get("partner") + ", payloadSha256 " + logged + ") is in the audit log of "
                + size + " events signed at " + signed.get("timestamp") + " by key " + head.kid()
                + (body == null ? "" : "; the body given is the one delivered");
    }

    /** That the log of the latest signed head extends the log of the kept one: see the class comment. */
    static String consistency(Object keptJson, Object latestJson, Object proofJson, Object jwksJson)
            throws Invalid, Unusable {
        Map<String, Object> jwks = object(jwksJson, "JWKS");
        Signed kept = verifyJws(string(object(keptJson, "kept checkpoint"), "jws"), jwks);
        Signed latest = verifyJws(string(object(latestJson, "latest checkpoint"), "jws"), jwks);
        long first = integer(kept.payload(), "size");
        long second = integer(latest.payload(), "size");
        if (second < first) {
            throw new Invalid("the latest head covers " + second + " events, fewer than the " + first
                    + " of the kept one: events were removed");
        }
        List<byte[]> path = consistencyPath(proofJson, first, "the kept head", second, "the latest");
        if (!consistent(first, second, hex(string(kept.payload(), "root"), "kept root"),
                hex(string(latest.payload(), "root"), "latest root"), path)) {
            throw new Invalid("the log of " + second + " events does not extend the kept log of " + first
                    + " events: what the kept head covered was changed, or the log was forked");
        }
        return "the log of " + second + " events signed at " + latest.payload().get("timestamp") + " by key "
                + latest.kid() + " extends the kept log of " + first + " events signed at "
                + kept.payload().get("timestamp") + " by key " + kept.kid();
    }

    /**
     * The consistency proof in {@code file}, or why it is unusable: that is said only once the heads are checked, since
     * the exchange refuses a proof to a smaller log (curl -f then leaves the file empty), and a head smaller than the
     * kept one, or than the export, is itself the evidence that events were removed.
     */
    static Object proof(String file) {
        try {
            return json(file);
        } catch (Exception | OutOfMemoryError e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e.getMessage() == null ? e.toString() : e.getMessage();
            return new Unusable(why.startsWith(file) ? why : file + ": " + why);
        }
    }

    /** The JSON document in {@code file}, which must not be an error answer saved in its place. */
    static Object json(String file) throws java.io.IOException {
        Object input = Json.parse(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        refuseErrorAnswer(file, input);
        return input;
    }

    /**
     * An RFC 9457 problem saved in place of what was asked for (an expired token's 401, a receipt not yet logged):
     * unusable input, not evidence of tampering.
     */
    static void refuseErrorAnswer(String file, Object input) {
        if (input instanceof Map<?, ?> m && m.get("status") instanceof BigDecimal && m.containsKey("title")
                && !m.containsKey("jws") && !m.containsKey("leaf")) {
            throw new IllegalArgumentException(file + " holds an error answer, not what was asked for: "
                    + m.get("status") + " " + m.get("title") + (m.get("detail") == null ? "" : ": " + m.get("detail")));
        }
    }

    /**
     * That the exported events, seq 1 to N, are exactly the first N events of the log the latest head signs: see the
     * class comment.
     */
    static String events(Path export, Object latestJson, Object proofJson, Object jwksJson)
            throws Invalid, Unusable, java.io.IOException {
        List<byte[]> subtrees = new ArrayList<>(); // the tree's right edge: perfect subtrees, largest first
        List<Long> sizes = new ArrayList<>();
        long n = 0;
        try (java.io.BufferedReader reader = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                if (text.isBlank()) {
                    continue; // the trailing newline
                }
                Object line;
                try {
                    line = Json.parse(text);
                    if (n == 0) {
                        refuseErrorAnswer(export.toString(), line);
                    }
                } catch (IllegalArgumentException e) {
                    throw new Unusable("line " + (n + 1) + " of " + export + ": " + e.getMessage());
                }
                Map<String, Object> item = object(line, "line " + (n + 1));
                long seq = integer(item, "seq");
                if (seq != n + 1) {
                    throw new Invalid("line " + (n + 1) + " is seq " + seq + ", where " + (n + 1) + " was due: an "
                            + "export filtered, cut short or with events left out; verify the whole log's, unfiltered");
                }
                String leaf = string(item, "leaf");
                Map<String, Object> shown = new LinkedHashMap<>(item);
                shown.keySet().removeAll(List.of("seq", "recordedAt", "leaf"));
                Object hashed;
                try {
                    hashed = Json.parse(leaf);
                } catch (IllegalArgumentException e) {
                    throw new Invalid("the leaf of seq " + seq + " is not JSON: " + e.getMessage());
                }
                if (!Json.same(shown, hashed)) {
                    throw new Invalid("event seq " + seq + " as exported differs from the leaf the log hashed");
                }
                byte[] node = sha256(new byte[] {0x00}, leaf.getBytes(StandardCharsets.UTF_8));
                long size = 1;
                while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == size) {
                    node = sha256(new byte[] {0x01}, subtrees.remove(subtrees.size() - 1), node);
                    size += sizes.remove(sizes.size() - 1);
                }
                subtrees.add(node);
                sizes.add(size);
                n++;
            }
        }
        if (n == 0) {
            // nothing to verify: a failed download (curl -f leaves the file empty), or the export of an empty log
            throw new Unusable(export + " holds no events: a failed download or an empty log; nothing to verify");
        }
        byte[] root = subtrees.get(subtrees.size() - 1);
        for (int i = subtrees.size() - 2; i >= 0; i--) {
            root = sha256(new byte[] {0x01}, subtrees.get(i), root);
        }

        Signed latest = verifyJws(string(object(latestJson, "latest checkpoint"), "jws"), object(jwksJson, "JWKS"));
        long signed = integer(latest.payload(), "size");
        if (signed < n) {
            throw new Invalid("the export holds " + n + " events, the signed head " + signed + ": sign a head after "
                    + "the export, or events were removed since");
        }
        List<byte[]> path = consistencyPath(proofJson, n, "the export", signed, "the signed head");
        if (!consistent(n, signed, root, hex(string(latest.payload(), "root"), "signed root"), path)) {
            throw new Invalid("the " + n + " events exported are not the first " + n + " of the signed log of "
                    + signed + " events: an event was altered, left out or slipped in");
        }
        return "the " + n + " events exported, seq 1 to " + n + ", are the first " + n + " of the audit log of "
                + signed + " events signed at " + latest.payload().get("timestamp") + " by key " + latest.kid();
    }

    /** The hashes of a consistency proof, which must be the one from {@code first} to {@code second} events. */
    static List<byte[]> consistencyPath(Object proofJson, long first, String firstName, long second, String secondName)
            throws Invalid, Unusable {
        if (proofJson instanceof Unusable unread) {
            throw unread;
        }
        Map<String, Object> proof = object(proofJson, "proof");
        if (integer(proof, "from") != first || integer(proof, "to") != second) {
            throw new Invalid("the proof is from " + proof.get("from") + " to " + proof.get("to") + " events, not from "
                    + first + " (" + firstName + ") to " + second + " (" + secondName + ")");
        }
        List<byte[]> path = new ArrayList<>();
        for (Object node : list(proof.get("proof"), "proof")) {
            path.add(hex(node instanceof String h ? h : "", "proof element"));
        }
        return path;
    }

    /**
     * RFC 9162 §2.1.4.2: whether {@code proof} shows the tree of {@code second} leaves with root {@code secondRoot}
     * extends the tree of {@code first} leaves with root {@code firstRoot}. Equal sizes need equal roots and no proof.
     */
    static boolean consistent(long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
        if (first == second) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (first == 0) {
            return proof.isEmpty();
        }
        List<byte[]> path = new ArrayList<>();
        if (Long.bitCount(first) == 1) {
            path.add(firstRoot); // a perfect subtree: its root starts the path
        }
        path.addAll(proof);
        if (path.isEmpty()) {
            return false;
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = sha256(new byte[] {0x01}, c, fr);
                sr = sha256(new byte[] {0x01}, c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = sha256(new byte[] {0x01}, sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
    }

    /** A verified head: its payload, and the kid of the key its signature verified with (from the signed header). */
    record Signed(Map<String, Object> payload, Object kid) {
    }

    /** The payload of a compact RS256 JWS whose signature verifies with the JWKS key named by its kid. */
    static Signed verifyJws(String jws, Map<String, Object> jwks) throws Invalid {
        String[] parts = jws.split("\\.", -1);
        if (parts.length != 3) {
            throw new Invalid("the checkpoint's jws is not a compact JWS");
        }
        Map<String, Object> header = object(Json.parse(utf8(parts[0])), "JWS header");
        if (!"RS256".equals(header.get("alg"))) {
            throw new Invalid("the checkpoint is signed with " + header.get("alg") + ", only RS256 is accepted");
        }
        Object kid = header.get("kid");
        Map<String, Object> jwk = null;
        for (Object key : list(jwks.get("keys"), "JWKS keys")) {
            if (key instanceof Map<?, ?> k && kid != null && kid.equals(k.get("kid"))) {
                jwk = object(key, "JWK");
            }
        }
        if (jwk == null || !"RSA".equals(jwk.get("kty"))) {
            throw new Invalid("no RSA key with kid " + kid + " in the JWKS");
        }
        try {
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, base64url(string(jwk, "n"))), new BigInteger(1, base64url(string(jwk, "e")))));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(base64url(parts[2]))) {
                throw new Invalid("the checkpoint's signature does not verify with key " + kid);
            }
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new Invalid("the checkpoint's signature cannot be checked: " + e.getMessage());
        }
        return new Signed(object(Json.parse(utf8(parts[1])), "JWS payload"), kid);
    }

    /** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null if it cannot belong to this index and size. */
    static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> path) {
        if (index < 0 || index >= size) {
            return null;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0 || p.length != 32) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = sha256(new byte[] {0x01}, p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = sha256(new byte[] {0x01}, r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 ? r : null;
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                sha.update(part);
            }
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hex(String text, String what) throws Invalid {
        try {
            byte[] bytes = HexFormat.of().parseHex(text);
            if (bytes.length != 32) {
                throw new Invalid(what + " is not a SHA-256 hash");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new Invalid(what + " is not hex");
        }
    }

    static byte[] base64url(String text) {
        return Base64.getUrlDecoder().decode(text);
    }

    static String utf8(String base64url) {
        return new String(base64url(base64url), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value, String what) throws Invalid {
        if (value instanceof Map<?, ?>) {
            return (Map<String, Object>) value;
        }
        throw new Invalid(what + " is not a JSON object");
    }

    static List<?> list(Object value, String what) throws Invalid {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new Invalid(what + " is not a JSON array");
    }

    static String string(Map<String, Object> object, String field) throws Invalid {
        if (object.get(field) instanceof String s) {
            return s;
        }
        throw new Invalid(field + " is missing or not a string");
    }

    static long integer(Map<String, Object> object, String field) throws Invalid {
        if (object.get(field) instanceof BigDecimal n) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                // reported below
            }
        }
        throw new Invalid(field + " is missing or not a whole number");
    }

    /** A strict RFC 8259 parser: objects → Map, arrays → List, numbers → BigDecimal, strings, booleans, null. */
    static final class Json {
        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.space();
            if (json.at != text.length()) {
                throw json.error("trailing characters");
            }
            return value;
        }

        /** Equal as JSON values: same members (any order), same elements, numbers equal by value. */
        static boolean same(Object a, Object b) {
            if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
                return x.compareTo(y) == 0;
            }
            if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
                return x.keySet().equals(y.keySet()) && x.keySet().stream().allMatch(k -> same(x.get(k), y.get(k)));
            }
            if (a instanceof List<?> x && b instanceof List<?> y) {
                if (x.size() != y.size()) {
                    return false;
                }
                for (int i = 0; i < x.size(); i++) {
                    if (!same(x.get(i), y.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            return a == null ? b == null : a.equals(b);
        }

        private Object value() {
            space();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            space();
            if (peek() == '}') {
                at++;
                return map;
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                String name = string();
                space();
                expect(':');
                if (map.containsKey(name)) {
                    throw error("duplicate member " + name);
                }
                map.put(name, value());
                space();
                char c = next();
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    throw error("expected , or }");
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++;
            space();
            if (peek() == ']') {
                at++;
                return list;
            }
            while (true) {
                list.add(value());
                space();
                char c = next();
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    throw error("expected , or ]");
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        at += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private Object number() {
            int start = at;
            if (peek() == '-') {
                at++;
            }
            if (peek() == '0') {
                at++;
            } else if (peek() >= '1' && peek() <= '9') {
                digits();
            } else {
                throw error("unexpected character");
            }
            if (peek() == '.') {
                at++;
                if (!Character.isDigit(peek())) {
                    throw error("digit expected");
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                at++;
                if (peek() == '+' || peek() == '-') {
                    at++;
                }
                if (!Character.isDigit(peek())) {
                    throw error("digit expected");
                }
                digits();
            }
            return new BigDecimal(text.substring(start, at));
        }

        private void digits() {
            while (peek() >= '0' && peek() <= '9') {
                at++;
            }
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) {
                throw error("unexpected character");
            }
            at += word.length();
            return value;
        }

        private void space() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private char next() {
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            return text.charAt(at++);
        }

        private void expect(char c) {
            if (next() != c) {
                throw error("expected " + c);
            }
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(message + " at offset " + at);
        }
    }
}
