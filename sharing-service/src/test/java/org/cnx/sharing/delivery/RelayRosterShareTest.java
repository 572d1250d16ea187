package org.cnx.sharing.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RelayRosterShareTest {

    @Test
    void theSharesAddUpToTheLimitAndDifferByOneAtMost() {
        for (int limit = 1; limit <= 9; limit++) {
            for (int live = 1; live <= 6; live++) {
                int l = limit;
                int n = live;
                int[] shares = IntStream.range(0, live).map(rank -> new RelayRoster.Share(rank, n).of(l)).toArray();
                assertEquals(limit, IntStream.of(shares).sum(), limit + " among " + live);
                int max = IntStream.of(shares).max().orElseThrow();
                int min = IntStream.of(shares).min().orElseThrow();
                assertTrue(max - min <= 1, limit + " among " + live);
            }
        }
    }

    @Test
    void theFirstRelaysTakeTheRemainderAndRelaysBeyondTheLimitTakeNothing() {
        assertEquals(4, new RelayRoster.Share(0, 1).of(4));
        assertEquals(2, new RelayRoster.Share(0, 3).of(4));
        assertEquals(1, new RelayRoster.Share(2, 3).of(4));
        assertEquals(1, new RelayRoster.Share(1, 3).of(2));
        assertEquals(0, new RelayRoster.Share(2, 3).of(2));
    }

    @Test
    void aRelayMissingFromTheRosterIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> new RelayRoster.Share(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> new RelayRoster.Share(0, 0));
    }
}
