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

    /** Says a relay is alive; relays gone for a hundred liveness windows are forgotten. */
    private static final String SEEN = """
            WITH gone AS (DELETE FROM delivery_relay WHERE seen_at < now() - ?::interval * 100)
            INSERT INTO delivery_relay (id, name, seen_at) VALUES (?, ?, now())
            ON CONFLICT (id) DO UPDATE SET seen_at = now()""";

    private static final String LEAVE = "DELETE FROM delivery_relay WHERE id = ?";

    /** The relays alive within the window, in the order their shares are given out. */
    private static final String ALIVE = """
            SELECT id, name, seen_at FROM delivery_relay WHERE seen_at > now() - ?::interval ORDER BY id""";

    /** A relay alive within the window, as the others see it. */
    record Alive(UUID id, String name, Instant seenAt) {
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

    /** Marks {@code relay} alive now; its place among the relays alive within {@code liveness}, itself included. */
    Share seen(UUID relay, String name, Duration liveness) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(SEEN)) {
                ps.setString(1, window(liveness));
                ps.setObject(2, relay);
                ps.setString(3, name);
                ps.executeUpdate();
            }
            List<Alive> alive = alive(c, liveness); // a statement of its own: it sees the upsert, committed
            int rank = 0;
            while (rank < alive.size() && !alive.get(rank).id().equals(relay)) {
                rank++;
            }
            return new Share(rank, alive.size());
        }
    }

    /** The relays alive within {@code liveness}, in the order their shares are given out. */
    List<Alive> alive(Duration liveness) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return alive(c, liveness);
        }
    }

    private static List<Alive> alive(Connection c, Duration liveness) throws SQLException {
        List<Alive> alive = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ALIVE)) {
            ps.setString(1, window(liveness));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    alive.add(new Alive(rs.getObject(1, UUID.class), rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return alive;
    }

    private static String window(Duration liveness) {
        return liveness.toMillis() + " milliseconds";
    }

    /** At shutdown: the other relays take over this one's share at their next poll. */
    void leave(UUID relay) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LEAVE)) {
            ps.setObject(1, relay);
            ps.executeUpdate();
        }
    }
}
