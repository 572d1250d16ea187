package org.cnx.sharing.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.sharing.FakePartners;
import org.cnx.sharing.InjectWireMock;
import org.cnx.sharing.outbox.Outbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

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
    AuditTrail audit;

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /**
     * Sharing packs a transaction's audit events ten to a message; the relay split a refused batch down to single
     * messages, never below: one event audit-service did not know yet (a rolling upgrade) held back the nine others
     * packed with it, their receipts and what auditors see of them, until audit-service was upgraded.
     */
    @Test
    void oneRefusedEventPackedWithOthersHoldsBackOnlyItself() throws SQLException {
        String marker = "packed-" + UUID.randomUUID();
        String poison = "POISON_" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        StubMapping refusal = peers.stubFor(post(urlEqualTo("/internal/v1/events")).withRequestBody(containing(poison))
                .atPriority(1).willReturn(aResponse().withStatus(400).withHeader("Content-Type",
                        "application/problem+json").withBody("{\"title\":\"Invalid event batch\",\"status\":400}")));
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                AuditTrail.Batch events = audit.batch();
                for (int i = 0; i < 10; i++) {
                    events.add(i == 3 ? poison : "DELIVERY_ATTEMPTED", "SUCCESS", AuditTrail.SYSTEM,
                            new AuditEvent.Subject(UUID.randomUUID(), null, null, null), null,
                            Map.of("marker", marker, "index", i));
                }
                events.record();
            });
            assertEquals(1, pending(marker).size(), "ten events, one message");
            // the nine others reach audit-service in requests it takes
            await().atMost(Duration.ofSeconds(15)).until(() -> taken(marker) == 9);
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts(pending(marker).get(0)) >= 1);
            assertEquals(1, pending(marker).size(), "the message stays, to be retried for the refused event");
        } finally {
            peers.removeStub(refusal);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> pending(marker).isEmpty());
    }

    /** How many events with {@code marker} audit-service was sent in requests it did not refuse, once each. */
    private long taken(String marker) {
        return peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/events")).withRequestBody(containing(marker)))
                .stream().map(LoggedRequest::getBodyAsString).filter(body -> !body.contains("POISON_"))
                .flatMap(body -> {
                    try {
                        List<JsonNode> events = new ArrayList<>();
                        JSON.readTree(body).forEach(events::add);
                        return events.stream();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .filter(event -> marker.equals(event.path("details").path("marker").asText()))
                .map(event -> event.path("details").path("index").asInt()).distinct().count();
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
