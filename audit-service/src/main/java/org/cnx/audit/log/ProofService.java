package org.cnx.audit.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.audit.event.LogSnapshot;
import org.cnx.audit.merkle.Merkle;
import org.cnx.audit.problem.ProblemException;

/**
 * Inclusion and consistency proofs from the leaf hashes stored with the events. A proof reads the leaf hashes of
 * the tree it is about (32 bytes per event, streamed) and hashes O(n) nodes: fine for millions of events; a log far
 * larger would store interior nodes ("tiles") instead.
 */
@ApplicationScoped
public class ProofService {

    private static final HexFormat HEX = HexFormat.of();

    private final LogSnapshot snapshot;
    private final LogConfig config;

    ProofService(LogSnapshot snapshot, LogConfig config) {
        this.snapshot = snapshot;
        this.config = config;
    }

    public InclusionProof inclusion(long seq, long size) {
        return snapshot.read(c -> {
            checkSize(c, size, "size");
            if (seq < 1 || seq > size) {
                throw badParameter("seq", "must be between 1 and size (" + size + ")");
            }
            return inclusion(c, seq, size);
        });
    }

    /** The proof inside a snapshot that already holds the log up to {@code size}. */
    InclusionProof inclusion(Connection c, long seq, long size) throws SQLException {
        Merkle.LeafHashes leaves = Merkle.packed(leafHashes(c, size));
        byte[] leaf = leaves.get(seq - 1);
        List<byte[]> path = Merkle.inclusionProof(leaves, seq - 1, size);
        byte[] root = Merkle.rootFromInclusionProof(seq - 1, size, leaf, path);
        return new InclusionProof(seq, seq - 1, size, HEX.formatHex(leaf), path.stream().map(HEX::formatHex).toList(),
                HEX.formatHex(root));
    }

    public ConsistencyProof consistency(long from, long to) {
        return snapshot.read(c -> {
            checkSize(c, to, "to");
            if (from < 1 || from > to) {
                throw badParameter("from", "must be between 1 and to (" + to + ")");
            }
            List<byte[]> proof = Merkle.consistencyProof(Merkle.packed(leafHashes(c, to)), from, to);
            return new ConsistencyProof(from, to, proof.stream().map(HEX::formatHex).toList());
        });
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

    /** Leaf hashes of events 1..size packed back to back; a missing event is a broken log, not a proof. */
    private byte[] leafHashes(Connection c, long size) throws SQLException {
        byte[] packed = new byte[Math.multiplyExact(Math.toIntExact(size), Merkle.HASH_SIZE)];
        long expected = 1;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT seq, leaf_hash FROM audit_event WHERE seq <= ? ORDER BY seq")) {
            s.setFetchSize(config.verifyFetchSize());
            s.setLong(1, size);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byte[] hash = rs.getBytes(2);
                    if (rs.getLong(1) != expected || hash.length != Merkle.HASH_SIZE) {
                        throw brokenLog(expected);
                    }
                    System.arraycopy(hash, 0, packed, Math.toIntExact((expected - 1) * Merkle.HASH_SIZE), Merkle.HASH_SIZE);
                    expected++;
                }
            }
        }
        if (expected != size + 1) {
            throw brokenLog(expected);
        }
        return packed;
    }

    private static ProblemException brokenLog(long seq) {
        return new ProblemException(409, "log-inconsistent", "Conflict",
                "The stored log is inconsistent at seq " + seq + "; no proof can be given. "
                        + "An auditor can locate the damage with GET /api/v1/log/verification.");
    }

    static ProblemException badParameter(String name, String message) {
        return new ProblemException(400, "invalid-parameter", "Bad Request",
                "Query parameter '" + name + "' " + message + ".");
    }
}
