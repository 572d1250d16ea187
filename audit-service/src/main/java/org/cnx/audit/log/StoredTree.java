package org.cnx.audit.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cnx.audit.merkle.Merkle;

/**
 * The log's Merkle tree of {@code size} leaves as one proof reads it, inside the proof's snapshot: leaf hashes in
 * blocks of 256 (one query each, or 64 at a time while a proof reads them in order; the last ones kept), and the
 * stored roots of its perfect subtrees of 256 leaves or more ({@code merkle_node}). The roots of that size that a
 * proof has to compute, because they are not stored yet, are collected in {@link #fresh()} for the caller to
 * store. One per proof; not thread-safe.
 */
final class StoredTree implements Merkle.LeafHashes, AutoCloseable {

    /** Subtrees of 2^8 = 256 leaves or more are stored; smaller ones are rehashed from one block of leaf hashes. */
    static final int STORED_LEVEL = 8;
    private static final int BLOCK = 1 << STORED_LEVEL;
    /** Blocks read in one query when a proof reads them one after the other (it is filling in missing subtrees). */
    private static final int READ_AHEAD = 64;
    private static final int BLOCKS_KEPT = READ_AHEAD + 4;

    /** The root of the perfect subtree of 2^level leaves that starts at leaf index·2^level. */
    record Node(int level, long index, byte[] hash) {
    }

    private final Connection c;
    private final long size;
    private final Map<Long, byte[][]> blocks = new LinkedHashMap<>(BLOCKS_KEPT + 1, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[][]> eldest) {
            return size() > BLOCKS_KEPT;
        }
    };
    private final List<Node> fresh = new ArrayList<>();
    private long lastBlockRead = -2;
    private PreparedStatement leafQuery;
    private PreparedStatement nodeQuery;

    StoredTree(Connection c, long size) {
        this.c = c;
        this.size = size;
    }

    @Override
    public byte[] get(long index) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size);
        }
        long block = index / BLOCK;
        byte[][] hashes = blocks.get(block);
        if (hashes == null) {
            readBlocks(block, block == lastBlockRead + 1 ? READ_AHEAD : 1);
            hashes = blocks.get(block);
        }
        return hashes[(int) (index % BLOCK)];
    }

    @Override
    public byte[] knownSubtree(int level, long index) {
        if (level < STORED_LEVEL) {
            return null;
        }
        try {
            if (nodeQuery == null) {
                nodeQuery = c.prepareStatement("SELECT hash FROM merkle_node WHERE level = ? AND node_index = ?");
            }
            nodeQuery.setInt(1, level);
            nodeQuery.setLong(2, index);
            try (ResultSet rs = nodeQuery.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the log's tree: " + e.getMessage(), e);
        }
    }

    @Override
    public void computed(int level, long index, byte[] root) {
        if (level >= STORED_LEVEL) {
            fresh.add(new Node(level, index, root));
        }
    }

    /** The stored-size roots this tree's proofs computed: not stored when they were needed. */
    List<Node> fresh() {
        return fresh;
    }

    /**
     * Reads {@code count} blocks from {@code block} on (within the tree) in one query: leaf hashes of seq
     * block·256 + 1 onwards, 256 to a block. A gap is a broken log.
     */
    private void readBlocks(long block, int count) {
        long first = block * BLOCK + 1;
        long last = Math.min(size, first + (long) BLOCK * count - 1);
        try {
            if (leafQuery == null) {
                leafQuery = c.prepareStatement(
                        "SELECT seq, leaf_hash FROM audit_event WHERE seq BETWEEN ? AND ? ORDER BY seq");
            }
            leafQuery.setLong(1, first);
            leafQuery.setLong(2, last);
            long expected = first;
            byte[][] hashes = null;
            try (ResultSet rs = leafQuery.executeQuery()) {
                while (rs.next()) {
                    byte[] hash = rs.getBytes(2);
                    if (rs.getLong(1) != expected || hash.length != Merkle.HASH_SIZE) {
                        throw ProofService.brokenLog(expected);
                    }
                    int offset = (int) ((expected - 1) % BLOCK);
                    if (offset == 0) {
                        hashes = new byte[(int) Math.min(BLOCK, last - expected + 1)][];
                        lastBlockRead = (expected - 1) / BLOCK;
                        blocks.put(lastBlockRead, hashes);
                    }
                    hashes[offset] = hash;
                    expected++;
                }
            }
            if (expected != last + 1) {
                throw ProofService.brokenLog(expected);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the log's leaves: " + e.getMessage(), e);
        }
    }

    /** Closes the statements; the connection belongs to the snapshot. */
    @Override
    public void close() throws SQLException {
        if (leafQuery != null) {
            leafQuery.close();
        }
        if (nodeQuery != null) {
            nodeQuery.close();
        }
    }
}
