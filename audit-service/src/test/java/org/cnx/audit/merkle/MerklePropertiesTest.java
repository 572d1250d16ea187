package org.cnx.audit.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Properties over random trees (seeded, so a failure is reproducible by its seed): the incremental frontier and the
 * recursive definition agree on every root; every inclusion and consistency proof verifies; and no proof verifies
 * once one bit of it, of its leaf or of its root is flipped, or once it is checked for another position or size.
 */
class MerklePropertiesTest {

    private static final int MAX_SIZE = 70;

    private static List<byte[]> randomLeaves(Random random, int n) {
        List<byte[]> leaves = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[random.nextInt(40)];
            random.nextBytes(data);
            leaves.add(Merkle.leafHash(data));
        }
        return leaves;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 20260301})
    void frontierRootEqualsTheRecursiveRootAtEverySize(long seed) {
        Random random = new Random(seed);
        List<byte[]> leaves = randomLeaves(random, 300);
        Merkle.LeafHashes hashes = Merkle.of(leaves);
        Frontier frontier = new Frontier();
        for (int size = 1; size <= leaves.size(); size++) {
            frontier.append(leaves.get(size - 1));
            assertArrayEquals(Merkle.root(hashes, size), frontier.root(), "size " + size);
            if (random.nextInt(10) == 0) {
                frontier = Frontier.decode(frontier.size(), frontier.encode());
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void everyInclusionProofVerifiesAndNoCorruptionOfItDoes(long seed) {
        Random random = new Random(seed);
        List<byte[]> leaves = randomLeaves(random, MAX_SIZE);
        Merkle.LeafHashes hashes = Merkle.of(leaves);
        for (int size = 1; size <= MAX_SIZE; size++) {
            byte[] root = Merkle.root(hashes, size);
            for (int index = 0; index < size; index++) {
                List<byte[]> proof = Merkle.inclusionProof(hashes, index, size);
                byte[] leaf = leaves.get(index);
                String at = index + " of " + size;
                assertTrue(Merkle.verifyInclusion(index, size, leaf, proof, root), at);
                assertTrue(proof.size() <= 64 - Long.numberOfLeadingZeros(size - 1L), "path length is at most the height");

                int element = proof.isEmpty() ? -1 : random.nextInt(proof.size());
                if (element >= 0) {
                    List<byte[]> bad = MerkleTest.flipped(proof, element, random.nextInt(Merkle.HASH_SIZE), 1 << random.nextInt(8));
                    assertFalse(Merkle.verifyInclusion(index, size, leaf, bad, root), at + ", proof bit flipped");
                    assertFalse(Merkle.verifyInclusion(index, size, leaf, proof.subList(1, proof.size()), root), at + ", shortened");
                }
                byte[] otherLeaf = flip(leaf, random);
                assertFalse(Merkle.verifyInclusion(index, size, otherLeaf, proof, root), at + ", leaf bit flipped");
                assertFalse(Merkle.verifyInclusion(index, size, leaf, proof, flip(root, random)), at + ", root bit flipped");
                if (size > 1) {
                    int other = (index + 1 + random.nextInt(size - 1)) % size;
                    assertFalse(Merkle.verifyInclusion(other, size, leaf, proof, root),
                            at + ", claimed for index " + other);
                }
                List<byte[]> longer = new ArrayList<>(proof);
                longer.add(root);
                assertFalse(Merkle.verifyInclusion(index, size, leaf, longer, root), at + ", extended");
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void everyConsistencyProofVerifiesAndNoCorruptionOfItDoes(long seed) {
        Random random = new Random(seed);
        List<byte[]> leaves = randomLeaves(random, MAX_SIZE);
        Merkle.LeafHashes hashes = Merkle.of(leaves);
        for (int second = 1; second <= MAX_SIZE; second++) {
            byte[] r2 = Merkle.root(hashes, second);
            for (int first = 1; first <= second; first++) {
                byte[] r1 = Merkle.root(hashes, first);
                List<byte[]> proof = Merkle.consistencyProof(hashes, first, second);
                String at = first + " to " + second;
                assertTrue(Merkle.verifyConsistency(first, second, r1, r2, proof), at);
                if (first == second) {
                    assertEquals(0, proof.size(), at);
                    continue;
                }
                List<byte[]> bad = MerkleTest.flipped(proof, random.nextInt(proof.size()),
                        random.nextInt(Merkle.HASH_SIZE), 1 << random.nextInt(8));
                assertFalse(Merkle.verifyConsistency(first, second, r1, r2, bad), at + ", proof bit flipped");
                assertFalse(Merkle.verifyConsistency(first, second, flip(r1, random), r2, proof), at + ", first root");
                assertFalse(Merkle.verifyConsistency(first, second, r1, flip(r2, random), proof), at + ", second root");
                assertFalse(Merkle.verifyConsistency(first, second, r1, r2, proof.subList(0, proof.size() - 1)),
                        at + ", truncated");
                if (second < MAX_SIZE) {
                    assertFalse(Merkle.verifyConsistency(first, second + 1, r1, Merkle.root(hashes, second + 1), proof),
                            at + ", claimed for " + first + " to " + (second + 1));
                }
            }
        }
    }

    /** Leaf hashes that keep the subtree roots proofs compute (of 4 leaves or more), and count the leaves read. */
    private static final class Keeping implements Merkle.LeafHashes {
        final List<byte[]> leaves;
        final Map<String, byte[]> kept = new HashMap<>();
        int leavesRead;

        Keeping(List<byte[]> leaves) {
            this.leaves = leaves;
        }

        @Override
        public byte[] get(long index) {
            leavesRead++;
            return leaves.get((int) index);
        }

        @Override
        public byte[] knownSubtree(int level, long index) {
            return kept.get(level + "/" + index);
        }

        @Override
        public void computed(int level, long index, byte[] root) {
            if (level >= 2) {
                kept.put(level + "/" + index, root);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void proofsFromKeptSubtreesAreTheSameAndReadFewLeaves(long seed) {
        Random random = new Random(seed);
        List<byte[]> leaves = randomLeaves(random, 300);
        Merkle.LeafHashes plain = Merkle.of(leaves);
        Keeping keeping = new Keeping(leaves);
        for (int size : new int[] {1, 2, 5, 64, 100, 255, 256, 257, 300}) {
            for (int i = 0; i < 20; i++) {
                int index = random.nextInt(size);
                int first = 1 + random.nextInt(size);
                keeping.leavesRead = 0;
                List<byte[]> proof = Merkle.inclusionProof(keeping, index, size);
                int read = keeping.leavesRead;
                assertEquals(hex(Merkle.inclusionProof(plain, index, size)), hex(proof), "inclusion " + index + "/" + size);
                assertEquals(hex(Merkle.consistencyProof(plain, first, size)),
                        hex(Merkle.consistencyProof(keeping, first, size)), "consistency " + first + "/" + size);
                if (i > 0 && size >= 64) {
                    // once the subtrees around are kept, a proof reads its leaf's block of 4 and the ragged right edge
                    assertTrue(read <= 8, read + " leaves read for a proof in a tree of " + size);
                }
            }
        }
        Frontier frontier = new Frontier();
        Map<String, byte[]> completed = new HashMap<>();
        for (byte[] leaf : leaves) {
            frontier.append(leaf, (level, index, root) -> completed.put(level + "/" + index, root));
        }
        assertEquals(300 - Long.bitCount(300), completed.size(), "one node per merge");
        completed.forEach((key, root) -> {
            int level = Integer.parseInt(key.split("/")[0]);
            int index = Integer.parseInt(key.split("/")[1]);
            int from = index << level;
            assertArrayEquals(Merkle.root(Merkle.of(leaves.subList(from, from + (1 << level))), 1L << level), root, key);
            byte[] kept = keeping.kept.get(key);
            if (kept != null) {
                assertArrayEquals(root, kept, key);
            }
        });
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(h -> java.util.HexFormat.of().formatHex(h)).toList();
    }

    private static byte[] flip(byte[] hash, Random random) {
        byte[] copy = hash.clone();
        copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        return copy;
    }
}
