package org.cnx.intake.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.cnx.intake.FakePeers;
import org.cnx.intake.InjectWireMock;
import org.cnx.intake.outbox.Outbox;
import org.cnx.intake.outbox.OutboxRows;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A receiver refuses a batch whole when one message in it is invalid (audit-service: 400 with a pointer per
 * problem). One message it will never take must hold back only itself, not the messages claimed with it.
 */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class AuditRefusalTest {

    @Inject
    Outbox outbox;

    @Inject
    DataSource dataSource;

    @InjectWireMock
    WireMockServer peers;

    OutboxRows rows;

    @BeforeEach
    void readRows() {
        rows = new OutboxRows(dataSource);
    }

    @Test
    void aMessageTheReceiverRefusesHoldsBackOnlyItself() throws SQLException {
        String marker = "refusal-" + UUID.randomUUID();
        String poison = "poison-" + UUID.randomUUID();
        StubMapping refusal = peers.stubFor(post(urlEqualTo("/internal/v1/events")).withRequestBody(containing(poison))
                .atPriority(1).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"title\":\"Invalid event batch\",\"status\":400,\"errors\":[{\"pointer\":\"/2/action\","
                                + "\"message\":\"unknown action\"}]}")));
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

            await().atMost(Duration.ofSeconds(10)).until(() -> rows.pending(marker).size() == 1);
            assertEquals(List.of(ids.get(2)), rows.pending(marker), "the four others were accepted and left the outbox");
            // and the refused one is still there to be retried, with the receiver's answer
            await().atMost(Duration.ofSeconds(10)).until(() -> rows.attempts(ids.get(2)) >= 2);
            assertTrue(rows.lastError(ids.get(2)).contains("400"), rows.lastError(ids.get(2)));
        } finally {
            peers.removeStub(refusal);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rows.pending(marker).isEmpty());
    }
}
