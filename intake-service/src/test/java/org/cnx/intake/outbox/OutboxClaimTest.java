package org.cnx.intake.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.intake.FakePeers;
import org.cnx.intake.InjectWireMock;
import org.cnx.intake.sharing.SharingClient;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A claim marks each message it takes (lease, claim token, attempt). Those updates must stay on the row's page and
 * add no index entries (HOT): otherwise every message leaves dead entries in every index of the outbox, which each
 * later claim steps over until VACUUM comes, and claims get slower the longer the relay runs.
 */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class OutboxClaimTest {

    private static final int MESSAGES = 60;

    @Inject
    Outbox outbox;

    @Inject
    DataSource dataSource;

    @InjectWireMock
    WireMockServer peers;

    @Test
    void claimsAreHotUpdatesAndSentMessagesLeaveTheTable() throws Exception {
        String marker = "claim-" + UUID.randomUUID();
        long[] before = updates();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < MESSAGES; i++) {
                UUID id = UUID.randomUUID();
                outbox.enqueue(SharingClient.DESTINATION, id,
                        "{\"id\":\"" + id + "\",\"marker\":\"" + marker + "\",\"padding\":\"" + "x".repeat(1500) + "\"}");
            }
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> sent(marker) == MESSAGES);
        await().atMost(Duration.ofSeconds(10)).until(() -> pending(marker) == 0);
        // a session reports its changes when it goes idle, or, where it reported less than a second before, 10 s later
        await().atMost(Duration.ofSeconds(30)).until(() -> updates()[0] - before[0] >= MESSAGES);
        long[] after = updates();
        long updated = after[0] - before[0];
        long hot = after[1] - before[1];
        assertTrue(hot >= 0.9 * updated, hot + " of " + updated + " claim updates were HOT");
        assertEquals(0, pending(marker), "sent messages are deleted");
    }

    private long sent(String marker) {
        return peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/reports"))).stream()
                .mapToLong(r -> r.getBodyAsString().split(marker, -1).length - 1).sum();
    }

    private long pending(String marker) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox_message WHERE payload LIKE '%" + marker + "%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Updates of outbox rows so far, and how many of them were HOT. */
    private long[] updates() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'outbox_message'")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }
}
