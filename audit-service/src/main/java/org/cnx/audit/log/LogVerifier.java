package org.cnx.audit.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.audit.event.LogSnapshot;
import org.cnx.audit.merkle.Frontier;
import org.cnx.audit.merkle.Merkle;
import org.cnx.audit.problem.ProblemException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Recomputes the whole log and checks it against the signed tree heads, in one pass over the events in seq order
 * (streamed, one snapshot). For each event it checks that
 * <ol>
 * <li>the seq follows the previous one (a gap is a removed event);</li>
 * <li>SHA-256(0x00 ‖ canonical) equals the stored leaf hash (which inclusion proofs are built from);</li>
 * <li>the columns that auditors query and read (action, actor, subject, outcome, details, …) say what the hashed
 * canonical JSON says;</li>
 * </ol>
 * and it appends the recomputed leaf to a fresh tree; whenever that tree reaches the size of a signed head, its root
 * must equal the head's root. Last, the latest head must be validly signed and the log must hold all the events
 * it covers. A head is signed just before (covering the log as it is), so every event is covered.
 */
@ApplicationScoped
public class LogVerifier {

    private static final HexFormat HEX = HexFormat.of();
    /** Independent of the application's ObjectMapper settings, like the canonical form itself. */
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Numbers compare by value: jsonb may print 1E+2 as 100, and it is the same number. */
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private static final String HEADS = "SELECT tree_size, root, signed_at, kid, jws FROM tree_head "
            + "ORDER BY tree_size, id";
    private static final String ROWS = "SELECT seq, canonical, leaf_hash, event_id, occurred_at, service, action, "
            + "actor_sub, actor_agency, actor_roles::text AS actor_roles, report_id, release_id, delivery_id, partner, "
            + "outcome, payload_sha256, details::text AS details FROM audit_event WHERE seq <= ? ORDER BY seq";

    private final CheckpointService checkpoints;
    private final CheckpointSigner signer;
    private final LogSnapshot snapshot;
    private final LogConfig config;

    LogVerifier(CheckpointService checkpoints, CheckpointSigner signer, LogSnapshot snapshot, LogConfig config) {
        this.checkpoints = checkpoints;
        this.signer = signer;
        this.snapshot = snapshot;
        this.config = config;
    }

    public Verification verify() {
        String unsigned;
        try {
            checkpoints.current();
            unsigned = null;
        } catch (ProblemException refused) {
            unsigned = refused.getMessage(); // the log's state does not match its events
        }
        String refusal = unsigned;
        return snapshot.read(c -> verify(c, refusal));
    }

    private Verification verify(Connection c, String refusal) throws SQLException {
        long largestSize = largestHeadSize(c);
        Scan scan;
        try (PreparedStatement h = c.prepareStatement(HEADS)) {
            // the heads stream beside the events, as the tree reaches each one's size: a log signs a head a minute,
            // and all of them held in memory took 120 MB a year, past the heap within two
            h.setFetchSize(config.verifyFetchSize());
            try (ResultSet headRows = h.executeQuery()) {
                scan = new Scan(new Heads(headRows), storedNodes(c, largestSize));
                try (PreparedStatement s = c.prepareStatement(ROWS)) {
                    s.setFetchSize(config.verifyFetchSize());
                    s.setLong(1, largestSize);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next() && scan.row(rs)) {
                            // row() returns false once the tree can no longer be rebuilt (an event is missing)
                        }
                    }
                }
                scan.compareHeadsBeyond();
            }
        }
        // what the log must hold is what audit-service signed: a head anyone else stored says nothing of it
        TreeHead latest = scan.heads.lastSigned != null ? scan.heads.lastSigned : scan.heads.last;
        long logSize = ProofService.logSize(c);
        if (scan.size < latest.treeSize) {
            scan.fail(scan.size + 1, "events " + (scan.size + 1) + ".." + latest.treeSize + " are missing: the head "
                    + "signed at " + latest.signedAt + " covers " + latest.treeSize + " events");
        } else if (logSize < latest.treeSize) {
            scan.fail(logSize + 1, "the log's state says " + logSize + " events, but a head for " + latest.treeSize
                    + " was signed at " + latest.signedAt);
        }
        if (refusal != null) {
            scan.fail(null, refusal);
        }
        return new Verification(scan.reason == null, scan.size, HEX.formatHex(scan.tree.root()), scan.firstInvalid,
                scan.reason, List.copyOf(scan.faults), scan.faultCount, Checkpoint.of(latest));
    }

    /**
     * The tree nodes stored for proofs ({@code merkle_node}) over events up to {@code size}, by level and index:
     * the scan checks each against the tree it rebuilds from the events.
     */
    private static Map<String, byte[]> storedNodes(Connection c, long size) throws SQLException {
        Map<String, byte[]> nodes = new HashMap<>();
        // node_index < size >> level, not (node_index + 1) << level <= size: a stored row out of any tree's range
        // (level 62, index 1) overflowed bigint, and every verification answered a 500 instead of finding it
        try (PreparedStatement s = c.prepareStatement("SELECT level, node_index, hash FROM merkle_node "
                + "WHERE level BETWEEN 0 AND 62 AND node_index >= 0 AND node_index < (?::bigint >> level)")) {
            s.setLong(1, size);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    nodes.put(nodeKey(rs.getInt(1), rs.getLong(2)), rs.getBytes(3));
                }
            }
        }
        return nodes;
    }

    private static String nodeKey(int level, long index) {
        return level + "/" + index;
    }

    /** The one pass: per-event checks, the rebuilt tree, and its root at each signed size. */
    private final class Scan {
        final Frontier tree = new Frontier();
        final Map<String, byte[]> storedNodes;
        final MessageDigest sha = Merkle.sha256();
        final Heads heads;
        long size;
        long lastMatchingHead;
        Long firstInvalid;
        String reason;
        final List<String> faults = new ArrayList<>();
        long faultCount;
        /** The first signed head the rebuilt tree does not give (0: none), and the later ones: they all follow it. */
        long firstMismatch;
        long laterMismatches;
        /** The first event since the last matching head whose leaf is not its stored hash (0: none). */
        long leafFaultSinceMatch;

        Scan(Heads heads, Map<String, byte[]> storedNodes) throws SQLException {
            this.heads = heads;
            this.storedNodes = storedNodes;
            compareHeads();
        }

        boolean row(ResultSet rs) throws SQLException {
            long seq = rs.getLong(1);
            if (seq != size + 1) {
                fail(size + 1, "event " + (size + 1) + " is missing");
                return false;
            }
            String canonical = rs.getString(2);
            byte[] leaf = Merkle.leafHash(sha, canonical.getBytes(StandardCharsets.UTF_8));
            if (!MessageDigest.isEqual(leaf, rs.getBytes(3))) {
                fail(seq, "event " + seq + ": the stored leaf hash is not the hash of its canonical JSON");
                if (leafFaultSinceMatch == 0) {
                    leafFaultSinceMatch = seq;
                }
            } else {
                String column = differingColumn(canonical, rs);
                if (column != null) {
                    fail(seq, "event " + seq + ": " + column + " differs from the canonical JSON that was hashed");
                }
            }
            tree.append(leaf, storedNodes.isEmpty() ? null : this::checkStoredNode);
            size = seq;
            compareHeads();
            return true;
        }

        /**
         * The heads above the events there are: their signatures, the events they cover being reported missing. And
         * how many signed heads after the first that no longer matches do not either: one fault, not one per head,
         * which filled the list and hid whatever else was found.
         */
        void compareHeadsBeyond() throws SQLException {
            compareHeads(Long.MAX_VALUE);
            if (laterMismatches > 0) {
                fail(null, laterMismatches + " later signed head(s) do not match either");
            }
        }

        private void compareHeads() throws SQLException {
            compareHeads(size);
        }

        private void compareHeads(long upTo) throws SQLException {
            for (Head signedHead = heads.next(upTo); signedHead != null; signedHead = heads.next(upTo)) {
                TreeHead head = signedHead.head();
                if (head.treeSize < size) {
                    continue;
                }
                // each head's signature first: the root column alone is anyone's to rewrite with the events
                if (!signedHead.signed()) {
                    fail(null, "the tree head for size " + head.treeSize + " does not carry a valid signature: "
                            + "it was not signed by audit-service");
                } else if (head.treeSize > size) {
                    continue; // its events are missing: reported against the latest signed head
                } else if (MessageDigest.isEqual(tree.root(), head.root)) {
                    lastMatchingHead = head.treeSize;
                    leafFaultSinceMatch = 0;
                } else if (firstMismatch == 0) {
                    // the first head the rebuilt tree no longer gives
                    firstMismatch = head.treeSize;
                    // the damage lies after the last head that still matches: at the first event there whose
                    // canonical JSON no longer gives its stored leaf, or, where none gave itself away, anywhere
                    long from = leafFaultSinceMatch != 0 ? leafFaultSinceMatch : lastMatchingHead + 1;
                    fail(from, "the events up to " + head.treeSize + " no longer hash to the root signed at "
                            + head.signedAt + "; the last matching head covers " + lastMatchingHead + " events");
                } else if (head.treeSize > firstMismatch) { // not another replica's head of the same size
                    laterMismatches++;
                }
            }
        }

        /** A subtree the rebuilt tree just completed, against the node stored for it, if any. */
        private void checkStoredNode(int level, long index, byte[] root) {
            byte[] stored = storedNodes.remove(nodeKey(level, index));
            if (stored != null && !MessageDigest.isEqual(stored, root)) {
                long first = index * (1L << level) + 1;
                fail(null, "the tree node stored for proofs over events " + first + ".." + (first + (1L << level) - 1)
                        + " (level " + level + ", index " + index + ") does not match their leaf hashes: proofs that "
                        + "use it fail");
            }
        }

        /**
         * Every fault is kept (up to a bound): the first alone let a junk row hide a rewritten event after it. The
         * first invalid seq is the smallest any fault names, and the reason then its fault's: a signed head that no
         * longer matches is found only as the scan reaches its size, after a changed column of a later event, which
         * had named that event, and the rewrite before it only in the list.
         */
        void fail(Long seq, String why) {
            if (seq != null && (firstInvalid == null || seq < firstInvalid)) {
                if (firstInvalid != null) {
                    reason = why; // an earlier event than the one the reason named
                }
                firstInvalid = seq;
            }
            if (reason == null) {
                reason = why;
            }
            if (faults.size() < Verification.MAX_FAULTS) {
                faults.add(why);
            }
            faultCount++;
        }
    }

    /** The name of the first column that disagrees with the canonical JSON, or null when all agree. */
    private static String differingColumn(String canonical, ResultSet rs) throws SQLException {
        JsonNode c;
        try {
            c = JSON.readTree(canonical);
        } catch (JsonProcessingException e) {
            return "canonical (not JSON)";
        }
        if (c == null || !c.isObject()) {
            return "canonical (not a JSON object)";
        }
        JsonNode actor = c.path("actor");
        JsonNode subject = c.path("subject");
        OffsetDateTime occurredAt = rs.getObject("occurred_at", OffsetDateTime.class);
        if (occurredAt == null || !occurredAt.toInstant().toString().equals(text(c, "occurredAt"))) {
            return "occurred_at";
        }
        String[][] columns = {
                {"event_id", text(c, "eventId")}, {"service", text(c, "service")}, {"action", text(c, "action")},
                {"actor_sub", text(actor, "sub")}, {"actor_agency", text(actor, "agency")},
                {"report_id", text(subject, "reportId")}, {"release_id", text(subject, "releaseId")},
                {"delivery_id", text(subject, "deliveryId")}, {"partner", text(subject, "partner")},
                {"outcome", text(c, "outcome")}, {"payload_sha256", text(c, "payloadSha256")}};
        for (String[] column : columns) {
            if (!Objects.equals(column[1], rs.getString(column[0]))) {
                return column[0];
            }
        }
        if (!sameJson(actor.get("roles"), rs.getString("actor_roles"))) {
            return "actor_roles";
        }
        if (!sameJson(c.get("details"), rs.getString("details"))) {
            return "details";
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static boolean sameJson(JsonNode expected, String stored) {
        if (stored == null) {
            return expected == null;
        }
        try {
            return expected != null && expected.equals(SAME_VALUE, JSON.readTree(stored));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** A head, and whether its signature is audit's and carries exactly its size, root and time. */
    private record Head(TreeHead head, boolean signed) {
    }

    private static long largestHeadSize(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT max(tree_size) FROM tree_head");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            long largest = rs.getLong(1);
            if (rs.wasNull()) {
                throw new IllegalStateException("no tree head although one was just signed");
            }
            return largest;
        }
    }

    /**
     * Every head in size order, read one at a time as the scan asks, its signature checked as it is read: the scan
     * trusts no root the signature does not carry. Only the last one read and the last signed one (with its JWS, for
     * the answer's checkpoint) are kept.
     */
    private final class Heads {

        private final ResultSet rows;
        private Head ahead;
        TreeHead last;
        TreeHead lastSigned;

        Heads(ResultSet rows) {
            this.rows = rows;
        }

        /** The next head if it is for {@code upTo} events or fewer, else null (it stays next). */
        Head next(long upTo) throws SQLException {
            if (ahead == null && rows.next()) {
                ahead = read();
            }
            if (ahead == null || ahead.head().treeSize > upTo) {
                return null;
            }
            Head next = ahead;
            ahead = null;
            return next;
        }

        private Head read() throws SQLException {
            TreeHead head = new TreeHead();
            head.treeSize = rows.getLong(1);
            head.root = rows.getBytes(2);
            head.signedAt = rows.getObject(3, OffsetDateTime.class).toInstant();
            head.kid = rows.getString(4);
            head.jws = rows.getString(5);
            boolean signed = signer.verifies(head);
            if (signed) {
                lastSigned = head;
            } else {
                head.jws = null;
            }
            last = head;
            return new Head(head, signed);
        }
    }
}
