package org.cnx.sharing.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.ToIntFunction;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A receiver's 500 to both halves of a batch may be the receiver failing everything, or one message in each half it
 * fails on: the relay took the second for the first, held the batch due and backed off from it, for good, while
 * audit logged nothing more from sharing. Only this test claims its destination.
 */
@QuarkusTest
class OutboxServerErrorTest {

    private static final int BATCH = 16;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    DataSource dataSource;

    private final String destination = "test-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void forgetTheDestination() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM outbox_message WHERE destination = ?")) {
            ps.setString(1, destination);
            ps.executeUpdate();
        }
    }

    @Test
    void twoMessagesTheReceiverFailsOnInEachHalfHoldBackOnlyThemselves() throws SQLException {
        List<UUID> ids = enqueue();
        List<String> failing = List.of(ids.get(3).toString(), ids.get(12).toString());
        Receiver receiver = new Receiver(batch -> failing.stream().anyMatch(batch::contains) ? 500 : 200);

        assertEquals(OutboxRelay.Pass.WAIT, relay.relayOnce(receiver), "the receiver works: no backing off");
        assertEquals(List.of(ids.get(3), ids.get(12)), pending(), "the fourteen others went in one claim");
    }

    @Test
    void aReceiverFailingEverythingCostsThreeMorePostsNotOneForEachMessage() throws SQLException {
        List<UUID> ids = enqueue();
        Receiver receiver = new Receiver(batch -> 500);

        assertEquals(OutboxRelay.Pass.BACK_OFF, relay.relayOnce(receiver), "the worker backs off");
        assertEquals(1 + 2 + 1, receiver.posts, "the whole, both halves and one message alone");
        assertEquals(ids, pending(), "all kept");
    }

    private List<UUID> enqueue() {
        List<UUID> ids = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < BATCH; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                outbox.enqueue(destination, id, "{\"eventId\":\"" + id + "\"}");
            }
        });
        return ids;
    }

    private List<UUID> pending() throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM outbox_message WHERE destination = ? ORDER BY seq")) {
            ps.setString(1, destination);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    private final class Receiver implements OutboxSender {

        private final ToIntFunction<String> answer;
        int posts;

        Receiver(ToIntFunction<String> answer) {
            this.answer = answer;
        }

        @Override
        public String destination() {
            return destination;
        }

        @Override
        public void send(String jsonArray) {
            posts++;
            int status = answer.applyAsInt(jsonArray);
            if (status != 200) {
                throw new WebApplicationException("HTTP " + status, status);
            }
        }
    }
}
