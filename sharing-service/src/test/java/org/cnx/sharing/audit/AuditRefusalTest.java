package org.cnx.sharing.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.sharing.FakePartners;
import org.cnx.sharing.InjectWireMock;
import org.cnx.sharing.outbox.Outbox;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A receiver refuses a batch whole when one message in it is invalid (audit-service: 400 with a pointer per
 * problem), and fails it whole when one message trips a bug of its own (500). One message it will not take must
 * hold back only itself, not the messages claimed with it.
 */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class AuditRefusalTest {

    @Inject
    Outbox outbox;

    @Inject
    DataSource dataSource;

    @InjectWireMock
    WireMockServer peers;

    @ParameterizedTest
    @ValueSource(ints = { 400, 500 })
    void aMessageTheReceiverRefusesOrFailsOnHoldsBackOnlyItself(int status) throws SQLException {
        String marker = "refusal-" + UUID.randomUUID();
        String poison = "poison-" + UUID.randomUUID();
        StubMapping refusal = peers.stubFor(post(urlEqualTo("/internal/v1/events")).withRequestBody(containing(poison))
                .atPriority(1).willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"title\":\"Invalid event batch\",\"status\":" + status + ",\"errors\":[{"
                                + "\"pointer\":\"/2/action\",\"message\":\"unknown action\"}]}")));
        try {
            List<UUID> ids = new ArrayList<>();
            // five events committed together, so that they are claimed and sent in one batch; the third is refused
            QuarkusTransaction.requiringNew().run(() -> {
                for (int i = 0; i < 5; i++) {
                    UUID id = UUID.randomUUID();
                    ids.add(id);
                    outbox.enqueue(AuditTrail.DESTINATION, id, "{\"eventId\":\"" + id + "\",\"marker\":\"" + marker + "\""
                            + (i == 2 ? ",\"action\":\"" + poison + "\"" : "") + "}");
                }
            });

            await().atMost(Duration.ofSeconds(10)).until(() -> pending(marker).size() == 1);
            assertEquals(List.of(ids.get(2)), pending(marker), "the four others were accepted and left the outbox");
            // and the refused one is still there to be retried, with the receiver's answer
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts(ids.get(2)) >= 2);
            assertTrue(lastError(ids.get(2)).contains(String.valueOf(status)), lastError(ids.get(2)));
        } finally {
            peers.removeStub(refusal);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> pending(marker).isEmpty());
    }

    private List<UUID> pending(String marker) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM outbox_message WHERE payload LIKE ? ORDER BY seq")) {
            ps.setString(1, "%" + marker + "%");
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    private int attempts(UUID id) throws SQLException {
        return Integer.parseInt(column(id, "attempts"));
    }

    private String lastError(UUID id) throws SQLException {
        return column(id, "last_error");
    }

    private String column(UUID id, String column) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + column + " FROM outbox_message WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? String.valueOf(rs.getString(1)) : "";
            }
        }
    }
}
