package org.cnx.audit.merkle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 §2.1 (as RFC 6962) with SHA-256: leaf = H(0x00 ‖ data), node = H(0x01 ‖ left ‖ right),
 * the empty tree's root = H(). Proof generation (§2.1.3.1, §2.1.4.1) over a {@link LeafHashes} source and proof
 * verification (§2.1.3.2, §2.1.4.2). Leaf indexes are 0-based as in the RFC; the log's {@code seq} is index + 1.
 * Pure and stateless; a {@link MessageDigest} per call, so every method is thread-safe.
 */
public final class Merkle {

    /** Size of every hash in the tree. */
    public static final int HASH_SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private Merkle() {
    }

    /**
     * The leaf hashes of a tree, by 0-based index; a source may also know the roots of some of its perfect subtrees,
     * which proofs then take instead of rehashing the leaves below them.
     */
    @FunctionalInterface
    public interface LeafHashes {
        byte[] get(long index);

        /**
         * MTH(D[index·2^level : (index+1)·2^level]) (level ≥ 1) if this source knows it, else null: it is then
         * computed from the leaves and handed to {@link #computed}.
         */
        default byte[] knownSubtree(int level, long index) {
            return null;
        }

        /** The root of a perfect subtree that a proof had to compute, for a source that keeps them. */
        default void computed(int level, long index, byte[] root) {
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** Root of the empty tree: SHA-256 of no bytes. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    public static byte[] leafHash(byte[] data) {
        return leafHash(sha256(), data);
    }

    /** The leaf hash of an event: its canonical JSON text as UTF-8. */
    public static byte[] leafHash(String canonicalJson) {
        return leafHash(canonicalJson.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] leafHash(MessageDigest sha, byte[] data) {
        sha.reset();
        sha.update(LEAF_PREFIX);
        sha.update(data);
        return sha.digest();
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        return nodeHash(sha256(), left, right);
    }

    public static byte[] nodeHash(MessageDigest sha, byte[] left, byte[] right) {
        sha.reset();
        sha.update(NODE_PREFIX);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    /** MTH(D[0:size]). */
    public static byte[] root(LeafHashes leaves, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size");
        }
        return size == 0 ? emptyRoot() : subtree(sha256(), leaves, 0, size);
    }

    /** The inclusion proof (audit path) of leaf {@code index} in the tree of {@code size} leaves: PATH(m, D[n]). */
    public static List<byte[]> inclusionProof(LeafHashes leaves, long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf index " + index + " is not in a tree of size " + size);
        }
        List<byte[]> path = new ArrayList<>();
        path(sha256(), leaves, index, 0, size, path);
        return path;
    }

    /** The consistency proof between the trees of {@code first} and {@code second} leaves: PROOF(m, D[n]). */
    public static List<byte[]> consistencyProof(LeafHashes leaves, long first, long second) {
        if (first < 0 || first > second) {
            throw new IllegalArgumentException("no consistency proof from size " + first + " to " + second);
        }
        List<byte[]> proof = new ArrayList<>();
        if (first > 0 && first < second) {
            subproof(sha256(), leaves, first, 0, second, true, proof);
        }
        return proof;
    }

    /**
     * The root that an inclusion proof leads to (RFC 9162 §2.1.3.2), or null when the proof cannot belong to leaf
     * {@code index} of a tree of {@code size} (wrong length, index out of range, malformed hash).
     */
    public static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> proof) {
        if (index < 0 || index >= size || !isHash(leafHash)) {
            return null;
        }
        MessageDigest sha = sha256();
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0 || !isHash(p)) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(sha, p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = nodeHash(sha, r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 ? r : null;
    }

    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        byte[] computed = rootFromInclusionProof(index, size, leafHash, proof);
        return computed != null && isHash(root) && MessageDigest.isEqual(computed, root);
    }

    /** RFC 9162 §2.1.4.2, plus the trivial cases: equal sizes need equal roots and no proof; size 0 is consistent with all. */
    public static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot,
            List<byte[]> proof) {
        if (first < 0 || first > second) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && isHash(firstRoot) && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (first == 0) {
            return proof.isEmpty();
        }
        if (proof.isEmpty() || !isHash(firstRoot) || !isHash(secondRoot)) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        if (Long.bitCount(first) == 1) {
            path.add(firstRoot);
        }
        path.addAll(proof);
        for (byte[] p : path) {
            if (!isHash(p)) {
                return false;
            }
        }
        MessageDigest sha = sha256();
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
                fr = nodeHash(sha, c, fr);
                sr = nodeHash(sha, c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = nodeHash(sha, sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
    }

    /** The largest power of two smaller than {@code n} (n > 1): the split point k of RFC 9162. */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /**
     * MTH(D[from:to]) for a non-empty range. Every perfect subtree the recursion meets is aligned (from is a multiple
     * of its size), so it is the node (level, from / 2^level) that {@link LeafHashes#knownSubtree} may know.
     */
    private static byte[] subtree(MessageDigest sha, LeafHashes leaves, long from, long to) {
        long n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        boolean perfect = Long.bitCount(n) == 1;
        int level = Long.numberOfTrailingZeros(n);
        if (perfect) {
            byte[] known = leaves.knownSubtree(level, from >>> level);
            if (known != null) {
                return known;
            }
        }
        long k = split(n);
        byte[] left = subtree(sha, leaves, from, from + k);
        byte[] right = subtree(sha, leaves, from + k, to);
        byte[] root = nodeHash(sha, left, right);
        if (perfect) {
            leaves.computed(level, from >>> level, root);
        }
        return root;
    }

    /** PATH(m, D[from:to]) with m relative to {@code from}, appended to {@code out} leaf-side first. */
    private static void path(MessageDigest sha, LeafHashes leaves, long m, long from, long to, List<byte[]> out) {
        long n = to - from;
        if (n == 1) {
            return;
        }
        long k = split(n);
        if (m < k) {
            path(sha, leaves, m, from, from + k, out);
            out.add(subtree(sha, leaves, from + k, to));
        } else {
            path(sha, leaves, m - k, from + k, to, out);
            out.add(subtree(sha, leaves, from, from + k));
        }
    }

    /** SUBPROOF(m, D[from:to], b). */
    private static void subproof(MessageDigest sha, LeafHashes leaves, long m, long from, long to, boolean whole,
            List<byte[]> out) {
        long n = to - from;
        if (m == n) {
            if (!whole) {
                out.add(subtree(sha, leaves, from, to));
            }
            return;
        }
        long k = split(n);
        if (m <= k) {
            subproof(sha, leaves, m, from, from + k, whole, out);
            out.add(subtree(sha, leaves, from + k, to));
        } else {
            subproof(sha, leaves, m - k, from + k, to, false, out);
            out.add(subtree(sha, leaves, from, from + k));
        }
    }

    private static boolean isHash(byte[] hash) {
        return hash != null && hash.length == HASH_SIZE;
    }

    /** Leaf hashes held in memory, e.g. as read from the log for one proof. */
    public static LeafHashes of(List<byte[]> hashes) {
        return index -> hashes.get(Math.toIntExact(index));
    }

    /** Leaf hashes packed back to back, {@link #HASH_SIZE} bytes each. */
    public static LeafHashes packed(byte[] hashes) {
        return index -> {
            int from = Math.toIntExact(index * HASH_SIZE);
            return Arrays.copyOfRange(hashes, from, from + HASH_SIZE);
        };
    }
}
