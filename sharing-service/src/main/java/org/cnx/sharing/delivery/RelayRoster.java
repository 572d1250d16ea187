package org.cnx.sharing.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The delivery relays running on the database (one per sharing replica), so that together they keep to the
 * per-partner concurrency limit: each takes a {@link Share} of it, by its place among the relays seen lately.
 */
@ApplicationScoped
class RelayRoster {

    /**
     * Says this relay is alive and lists, in id order, the relays alive within the liveness window, this one
     * included (the statement does not see its own upsert, hence the union). Relays gone for a hundred windows
     * are forgotten.
     */
    private static final String SEEN = """
            WITH me AS (
              INSERT INTO delivery_relay (id, name, seen_at) VALUES (?, ?, now())
              ON CONFLICT (id) DO UPDATE SET seen_at = now() RETURNING id),
            gone AS (
              DELETE FROM delivery_relay WHERE seen_at < now() - ?::interval * 100)
            SELECT id FROM delivery_relay WHERE seen_at > now() - ?::interval AND id <> ?
            UNION ALL SELECT id FROM me
            ORDER BY id""";

    private static final String LEAVE = "DELETE FROM delivery_relay WHERE id = ?";

    private static final String ALIVE = """
            SELECT name, seen_at FROM delivery_relay WHERE seen_at > now() - ?::interval ORDER BY id""";

    /** A relay alive within the window, as the others see it. */
    record Alive(String name, Instant seenAt) {
    }

    /**
     * A relay's place among {@code live} relays: its share of a limit is the limit divided by the relays, and one
     * more for the first {@code limit % live} of them, so that the shares add up to the limit. With more relays
     * than the limit, the last ones get none.
     */
    record Share(int rank, int live) {

        Share {
            if (live < 1 || rank < 0 || rank >= live) {
                throw new IllegalArgumentException("relay " + rank + " of " + live);
            }
        }

        int of(int limit) {
            return limit / live + (rank < limit % live ? 1 : 0);
        }
    }

    private final DataSource dataSource;

    RelayRoster(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Marks {@code relay} alive now; its place among the relays alive within {@code liveness}. */
    Share seen(UUID relay, String name, Duration liveness) throws SQLException {
        String window = liveness.toMillis() + " milliseconds";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SEEN)) {
            ps.setObject(1, relay);
            ps.setString(2, name);
            ps.setString(3, window);
            ps.setString(4, window);
            ps.setObject(5, relay);
            int live = 0;
            int rank = -1;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (relay.equals(rs.getObject(1, UUID.class))) {
                        rank = live;
                    }
                    live++;
                }
            }
            return new Share(rank, live);
        }
    }

    /** The relays alive within {@code liveness}, in the order their shares are given out. */
    List<Alive> alive(Duration liveness) throws SQLException {
        List<Alive> alive = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(ALIVE)) {
            ps.setString(1, liveness.toMillis() + " milliseconds");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    alive.add(new Alive(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return alive;
    }

    /** At shutdown: the other relays take over this one's share at their next poll. */
    void leave(UUID relay) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LEAVE)) {
            ps.setObject(1, relay);
            ps.executeUpdate();
        }
    }
}
