package org.cnx.audit.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of a Merkle tree: the roots of its perfect subtrees, largest (leftmost) first, one per set bit of
 * the tree size. Appending a leaf merges equal-sized subtrees (O(log n), amortised O(1)) and the root follows from
 * the frontier in O(log n), so the log never rereads its leaves to grow. Not thread-safe.
 */
public final class Frontier {

    private final MessageDigest sha = Merkle.sha256();
    private final List<byte[]> nodes;
    private long size;

    public Frontier() {
        this(0, new ArrayList<>());
    }

    private Frontier(long size, List<byte[]> nodes) {
        this.size = size;
        this.nodes = nodes;
    }

    /** The frontier of a tree of {@code size} leaves, from {@link #encode()}'s bytes. */
    public static Frontier decode(long size, byte[] encoded) {
        int count = Long.bitCount(size);
        if (size < 0 || encoded == null || encoded.length != count * Merkle.HASH_SIZE) {
            throw new IllegalArgumentException("a frontier of size " + size + " has " + count + " nodes of "
                    + Merkle.HASH_SIZE + " bytes, not " + (encoded == null ? "none" : encoded.length + " bytes"));
        }
        List<byte[]> nodes = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            byte[] node = new byte[Merkle.HASH_SIZE];
            System.arraycopy(encoded, i * Merkle.HASH_SIZE, node, 0, Merkle.HASH_SIZE);
            nodes.add(node);
        }
        return new Frontier(size, nodes);
    }

    /** The nodes back to back, {@link Merkle#HASH_SIZE} bytes each, largest subtree first. */
    public byte[] encode() {
        byte[] out = new byte[nodes.size() * Merkle.HASH_SIZE];
        for (int i = 0; i < nodes.size(); i++) {
            System.arraycopy(nodes.get(i), 0, out, i * Merkle.HASH_SIZE, Merkle.HASH_SIZE);
        }
        return out;
    }

    public long size() {
        return size;
    }

    /** Told of each perfect subtree that an append completes. */
    @FunctionalInterface
    public interface Completed {
        /** The root of the subtree of 2^level leaves (level ≥ 1) that starts at leaf index·2^level. */
        void subtree(int level, long index, byte[] root);
    }

    /** Adds the next leaf (its hash, not its data). */
    public void append(byte[] leafHash) {
        append(leafHash, null);
    }

    /** Adds the next leaf and tells {@code completed} (if not null) of every perfect subtree that it completes. */
    public void append(byte[] leafHash, Completed completed) {
        if (leafHash == null || leafHash.length != Merkle.HASH_SIZE) {
            throw new IllegalArgumentException("a leaf hash has " + Merkle.HASH_SIZE + " bytes");
        }
        byte[] node = leafHash;
        long newSize = size + 1;
        int level = 0;
        // each trailing 1 bit of the old size is a perfect subtree as large as the one being carried
        for (long carry = size; (carry & 1) == 1; carry >>>= 1) {
            node = Merkle.nodeHash(sha, nodes.remove(nodes.size() - 1), node);
            level++;
            if (completed != null) {
                completed.subtree(level, (newSize >>> level) - 1, node);
            }
        }
        nodes.add(node);
        size = newSize;
    }

    /** MTH of the tree so far. */
    public byte[] root() {
        if (nodes.isEmpty()) {
            return Merkle.emptyRoot();
        }
        byte[] root = nodes.get(nodes.size() - 1);
        for (int i = nodes.size() - 2; i >= 0; i--) {
            root = Merkle.nodeHash(sha, nodes.get(i), root);
        }
        return root;
    }
}
