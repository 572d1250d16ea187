package org.cnx.audit.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 6962 reference vectors as used by transparency-dev/merkle and certificate-transparency-go (leaf inputs,
 * roots of the trees of 1..8 leaves, inclusion and consistency proofs), and rejection of corrupted proofs.
 */
class MerkleTest {

    private static final HexFormat HEX = HexFormat.of();

    /** Leaf inputs (data, not hashes) of the reference tree. */
    static final List<String> LEAVES = List.of("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f");

    /** ROOTS.get(n - 1) = root of the tree of the first n leaves. */
    static final List<String> ROOTS = List.of(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    private static final byte[] SOME_HASH = hex("abacaba000000000000000000000000000000000000000000060061e00123456");

    static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    static List<byte[]> hexes(String... s) {
        return Stream.of(s).map(MerkleTest::hex).toList();
    }

    static Merkle.LeafHashes referenceLeaves() {
        List<byte[]> hashes = LEAVES.stream().map(l -> Merkle.leafHash(hex(l))).toList();
        return Merkle.of(hashes);
    }

    static byte[] root(int size) {
        return hex(ROOTS.get(size - 1));
    }

    /** leaf number (1-based, as in the reference data), tree size, expected audit path. */
    static Stream<Arguments> inclusionVectors() {
        return Stream.of(
                Arguments.of(1, 1, List.of()),
                Arguments.of(1, 8, hexes("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
                Arguments.of(6, 8, hexes("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
                Arguments.of(3, 3, hexes("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
                Arguments.of(2, 5, hexes("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));
    }

    static Stream<Arguments> consistencyVectors() {
        return Stream.of(
                Arguments.of(1, 1, List.of()),
                Arguments.of(1, 8, hexes("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
                Arguments.of(6, 8, hexes("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
                Arguments.of(2, 5, hexes("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
                Arguments.of(6, 7, hexes("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));
    }

    @Test
    void emptyTreeRootIsTheHashOfNothing() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HEX.formatHex(Merkle.root(referenceLeaves(), 0)));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HEX.formatHex(new Frontier().root()));
    }

    @Test
    void rootsOfTheReferenceTreesOfOneToEightLeaves() {
        Frontier frontier = new Frontier();
        for (int size = 1; size <= 8; size++) {
            assertEquals(ROOTS.get(size - 1), HEX.formatHex(Merkle.root(referenceLeaves(), size)), "recomputed, size " + size);
            frontier.append(referenceLeaves().get(size - 1));
            assertEquals(ROOTS.get(size - 1), HEX.formatHex(frontier.root()), "incremental, size " + size);
        }
        assertEquals("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", HEX.formatHex(frontier.root()));
    }

    @Test
    void frontierSurvivesEncodingAndKeepsGrowing() {
        Frontier frontier = new Frontier();
        for (int size = 1; size <= 8; size++) {
            frontier.append(referenceLeaves().get(size - 1));
            Frontier decoded = Frontier.decode(frontier.size(), frontier.encode());
            assertEquals(Long.bitCount(size) * Merkle.HASH_SIZE, frontier.encode().length);
            assertArrayEquals(frontier.root(), decoded.root());
            if (size < 8) {
                decoded.append(referenceLeaves().get(size));
                assertEquals(ROOTS.get(size), HEX.formatHex(decoded.root()));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Frontier.decode(3, new byte[32]), "size 3 has two nodes");
        assertThrows(IllegalArgumentException.class, () -> new Frontier().append(new byte[31]));
    }

    @ParameterizedTest(name = "leaf {0} of {1}")
    @MethodSource("inclusionVectors")
    void inclusionProofsMatchTheReferenceAndVerify(int leaf, int size, List<byte[]> expected) {
        List<byte[]> proof = Merkle.inclusionProof(referenceLeaves(), leaf - 1, size);
        assertEquals(hexList(expected), hexList(proof));
        byte[] leafHash = referenceLeaves().get(leaf - 1);
        assertArrayEquals(root(size), Merkle.rootFromInclusionProof(leaf - 1, size, leafHash, expected));
        assertTrue(Merkle.verifyInclusion(leaf - 1, size, leafHash, expected, root(size)));
    }

    @ParameterizedTest(name = "leaf {0} of {1}")
    @MethodSource("inclusionVectors")
    void corruptedInclusionProofsAreRejected(int leaf, int size, List<byte[]> proof) {
        long index = leaf - 1;
        byte[] root = root(size);
        byte[] leafHash = referenceLeaves().get(index);
        List<String> accepted = new ArrayList<>();
        check(accepted, "index - 1", Merkle.verifyInclusion(index - 1, size, leafHash, proof, root));
        check(accepted, "index + 1", Merkle.verifyInclusion(index + 1, size, leafHash, proof, root));
        check(accepted, "index ^ 2", Merkle.verifyInclusion(index ^ 2, size, leafHash, proof, root));
        check(accepted, "size * 2", Merkle.verifyInclusion(index, size * 2L, leafHash, proof, root));
        check(accepted, "size / 2", Merkle.verifyInclusion(index, size / 2, leafHash, proof, root));
        check(accepted, "other leaf", Merkle.verifyInclusion(index, size, SOME_HASH, proof, root));
        check(accepted, "leaf that is not a hash", Merkle.verifyInclusion(index, size, "WrongLeaf".getBytes(), proof, root));
        check(accepted, "empty root", Merkle.verifyInclusion(index, size, leafHash, proof, Merkle.emptyRoot()));
        check(accepted, "other root", Merkle.verifyInclusion(index, size, leafHash, proof, SOME_HASH));
        check(accepted, "trailing garbage", Merkle.verifyInclusion(index, size, leafHash, with(proof, new byte[0], false), root));
        check(accepted, "trailing root", Merkle.verifyInclusion(index, size, leafHash, with(proof, root, false), root));
        check(accepted, "preceding garbage", Merkle.verifyInclusion(index, size, leafHash, with(proof, new byte[0], true), root));
        check(accepted, "preceding root", Merkle.verifyInclusion(index, size, leafHash, with(proof, root, true), root));
        for (int i = 0; i < proof.size(); i++) {
            check(accepted, "bit 3 of proof[" + i + "] flipped",
                    Merkle.verifyInclusion(index, size, leafHash, flipped(proof, i, 0, 8), root));
        }
        if (!proof.isEmpty()) {
            check(accepted, "last component removed",
                    Merkle.verifyInclusion(index, size, leafHash, proof.subList(0, proof.size() - 1), root));
        }
        if (proof.size() > 1) {
            List<byte[]> inserted = new ArrayList<>(proof);
            inserted.add(1, SOME_HASH);
            check(accepted, "component inserted", Merkle.verifyInclusion(index, size, leafHash, inserted, root));
        }
        assertEquals(List.of(), accepted, "corrupted proofs that verified");
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("consistencyVectors")
    void consistencyProofsMatchTheReferenceAndVerify(int first, int second, List<byte[]> expected) {
        assertEquals(hexList(expected), hexList(Merkle.consistencyProof(referenceLeaves(), first, second)));
        assertTrue(Merkle.verifyConsistency(first, second, root(first), root(second), expected));
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("consistencyVectors")
    void corruptedConsistencyProofsAreRejected(int first, int second, List<byte[]> proof) {
        if (proof.isEmpty()) {
            return; // only non-trivial proofs can be corrupted into something else
        }
        byte[] r1 = root(first);
        byte[] r2 = root(second);
        List<String> accepted = new ArrayList<>();
        check(accepted, "first - 1", Merkle.verifyConsistency(first - 1, second, r1, r2, proof));
        check(accepted, "first + 1", Merkle.verifyConsistency(first + 1, second, r1, r2, proof));
        check(accepted, "first ^ 2", Merkle.verifyConsistency(first ^ 2, second, r1, r2, proof));
        check(accepted, "second * 2", Merkle.verifyConsistency(first, second * 2L, r1, r2, proof));
        check(accepted, "second / 2", Merkle.verifyConsistency(first, second / 2, r1, r2, proof));
        check(accepted, "wrong first root", Merkle.verifyConsistency(first, second, SOME_HASH, r2, proof));
        check(accepted, "wrong second root", Merkle.verifyConsistency(first, second, r1, SOME_HASH, proof));
        check(accepted, "swapped roots", Merkle.verifyConsistency(first, second, r2, r1, proof));
        check(accepted, "empty proof", Merkle.verifyConsistency(first, second, r1, r2, List.of()));
        check(accepted, "trailing garbage", Merkle.verifyConsistency(first, second, r1, r2, with(proof, new byte[0], false)));
        check(accepted, "trailing first root", Merkle.verifyConsistency(first, second, r1, r2, with(proof, r1, false)));
        check(accepted, "trailing second root", Merkle.verifyConsistency(first, second, r1, r2, with(proof, r2, false)));
        check(accepted, "preceding garbage", Merkle.verifyConsistency(first, second, r1, r2, with(proof, new byte[0], true)));
        check(accepted, "preceding first root", Merkle.verifyConsistency(first, second, r1, r2, with(proof, r1, true)));
        check(accepted, "preceding second root", Merkle.verifyConsistency(first, second, r1, r2, with(proof, r2, true)));
        check(accepted, "preceding proof[0]", Merkle.verifyConsistency(first, second, r1, r2, with(proof, proof.get(0), true)));
        check(accepted, "truncated", Merkle.verifyConsistency(first, second, r1, r2, proof.subList(0, proof.size() - 1)));
        for (int i = 0; i < proof.size(); i++) {
            check(accepted, "bit 4 of proof[" + i + "] flipped",
                    Merkle.verifyConsistency(first, second, r1, r2, flipped(proof, i, 0, 16)));
        }
        assertEquals(List.of(), accepted, "corrupted proofs that verified");
    }

    @Test
    void trivialConsistency() {
        byte[] r1 = root(1);
        assertTrue(Merkle.verifyConsistency(0, 5, SOME_HASH, root(5), List.of()), "the empty tree is a prefix of all");
        assertTrue(Merkle.verifyConsistency(3, 3, root(3), root(3), List.of()));
        assertFalse(Merkle.verifyConsistency(3, 3, root(3), root(4), List.of()), "same size, different roots");
        assertFalse(Merkle.verifyConsistency(1, 1, r1, r1, List.of(Merkle.emptyRoot())), "same size needs no proof");
        assertFalse(Merkle.verifyConsistency(0, 1, r1, r1, List.of(Merkle.emptyRoot())));
        assertFalse(Merkle.verifyConsistency(2, 1, root(2), r1, List.of()), "a log cannot shrink");
        assertFalse(Merkle.verifyConsistency(1, 2, r1, root(2), List.of()), "growth needs a proof");
    }

    @Test
    void inclusionEdgeCases() {
        byte[] leaf = Merkle.leafHash("data".getBytes());
        assertTrue(Merkle.verifyInclusion(0, 1, leaf, List.of(), leaf), "a single leaf is its tree's root");
        assertFalse(Merkle.verifyInclusion(0, 1, leaf, List.of(), new byte[0]));
        assertFalse(Merkle.verifyInclusion(0, 1, new byte[0], List.of(), leaf));
        for (long[] p : new long[][] {{0, 0}, {1, 0}, {2, 1}, {-1, 3}}) {
            assertNull(Merkle.rootFromInclusionProof(p[0], p[1], SOME_HASH, List.of()), p[0] + " of " + p[1]);
        }
        assertThrows(IllegalArgumentException.class, () -> Merkle.inclusionProof(referenceLeaves(), 8, 8));
        assertThrows(IllegalArgumentException.class, () -> Merkle.consistencyProof(referenceLeaves(), 5, 4));
    }

    private static void check(List<String> accepted, String probe, boolean verified) {
        if (verified) {
            accepted.add(probe);
        }
    }

    private static List<byte[]> with(List<byte[]> proof, byte[] extra, boolean front) {
        List<byte[]> out = new ArrayList<>(proof);
        out.add(front ? 0 : out.size(), extra);
        return out;
    }

    static List<byte[]> flipped(List<byte[]> proof, int element, int at, int bit) {
        List<byte[]> out = new ArrayList<>(proof);
        byte[] copy = out.get(element).clone();
        copy[at] ^= (byte) bit;
        out.set(element, copy);
        return out;
    }

    static List<String> hexList(List<byte[]> hashes) {
        return hashes.stream().map(HEX::formatHex).toList();
    }
}
