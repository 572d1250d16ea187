package org.cnx.audit.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.audit.event.LogSnapshot;
import org.cnx.audit.merkle.Merkle;
import org.cnx.audit.problem.ProblemException;
import org.jboss.logging.Logger;

/**
 * Inclusion and consistency proofs over the log's tree, read inside one snapshot ({@link StoredTree}): the stored
 * roots of the perfect subtrees a proof needs, and the leaf hashes below the stored size (256 leaves). A proof
 * reads O(log n) nodes and a few blocks of leaves, and stores the subtree roots it had to compute, so the first
 * proofs over a long log that has none stored read its leaves once and later ones no longer do.
 */
@ApplicationScoped
public class ProofService {

    private static final Logger LOG = Logger.getLogger(ProofService.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final String STORE = "INSERT INTO merkle_node (level, node_index, hash) VALUES (?, ?, ?) "
            + "ON CONFLICT DO NOTHING";
    private static final int STORE_BATCH = 500;

    /** A proof, and the subtree roots it computed. */
    private record Proved<T>(T proof, List<StoredTree.Node> fresh) {
    }

    /** One proof's work on the tree, after the tree's size was checked against the log. */
    @FunctionalInterface
    private interface Proof<T> {
        T from(StoredTree tree);
    }

    private final LogSnapshot snapshot;
    private final DataSource dataSource;

    ProofService(LogSnapshot snapshot, DataSource dataSource) {
        this.snapshot = snapshot;
        this.dataSource = dataSource;
    }

    public InclusionProof inclusion(long seq, long size) {
        return prove(size, "size", tree -> {
            if (seq < 1 || seq > size) {
                throw badParameter("seq", "must be between 1 and size (" + size + ")");
            }
            byte[] leaf = tree.get(seq - 1);
            List<byte[]> path = Merkle.inclusionProof(tree, seq - 1, size);
            byte[] root = Merkle.rootFromInclusionProof(seq - 1, size, leaf, path);
            return new InclusionProof(seq, seq - 1, size, HEX.formatHex(leaf), path.stream().map(HEX::formatHex).toList(),
                    HEX.formatHex(root));
        });
    }

    public ConsistencyProof consistency(long from, long to) {
        if (from == 0 && to == 0) {
            return new ConsistencyProof(0, 0, List.of()); // two heads of the empty log
        }
        return prove(to, "to", tree -> {
            // from 0: a head kept of the empty log, which audit signs too; its proof is empty
            if (from < 0 || from > to) {
                throw badParameter("from", "must be between 0 and to (" + to + ")");
            }
            List<byte[]> proof = Merkle.consistencyProof(tree, from, to);
            return new ConsistencyProof(from, to, proof.stream().map(HEX::formatHex).toList());
        });
    }

    /**
     * A proof over the tree of {@code size} leaves (the query parameter {@code sizeName}), inside one snapshot; then
     * the subtree roots it computed are stored for the next proofs.
     */
    private <T> T prove(long size, String sizeName, Proof<T> proof) {
        Proved<T> proved = snapshot.read(c -> {
            checkSize(c, size, sizeName);
            try (StoredTree tree = new StoredTree(c, size)) {
                return new Proved<>(proof.from(tree), tree.fresh());
            }
        });
        store(proved.fresh());
        return proved.proof();
    }

    /**
     * Stores computed subtree roots for the next proofs, outside the read-only snapshot. A root covers leaves that
     * never change, so a concurrent proof that stored it first stored the same hash. Failing to store costs later
     * proofs time, not correctness: it is logged, and the proof is still answered.
     */
    private void store(List<StoredTree.Node> nodes) {
        if (nodes.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(STORE)) {
            int pending = 0;
            for (StoredTree.Node node : nodes) {
                insert.setInt(1, node.level());
                insert.setLong(2, node.index());
                insert.setBytes(3, node.hash());
                insert.addBatch();
                if (++pending == STORE_BATCH) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        } catch (SQLException e) {
            LOG.warnf("could not store %d Merkle tree nodes for later proofs: %s", nodes.size(), e.getMessage());
        }
    }

    private static void checkSize(Connection c, long size, String name) throws SQLException {
        long logSize = logSize(c);
        if (size < 1 || size > logSize) {
            throw badParameter(name, "must be between 1 and the log's size (" + logSize + ")");
        }
    }

    static long logSize(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT size FROM log_state WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static ProblemException brokenLog(long seq) {
        return new ProblemException(409, "log-inconsistent", "Conflict",
                "The stored log is inconsistent at seq " + seq + "; no proof can be given. "
                        + "An auditor can locate the damage with GET /api/v1/log/verification.");
    }

    static ProblemException badParameter(String name, String message) {
        return new ProblemException(400, "invalid-parameter", "Bad Request",
                "Query parameter '" + name + "' " + message + ".");
    }
}
