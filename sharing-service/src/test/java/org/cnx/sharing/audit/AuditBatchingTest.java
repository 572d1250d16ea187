package org.cnx.sharing.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cnx.sharing.FakePartners;
import org.cnx.sharing.InjectWireMock;
import org.cnx.sharing.outbox.Outbox;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Under a trickle of reports, each hand-over and delivery would cost audit-service a request, the log's lock and a
 * chain update of its own. The audit relay therefore lets events gather for {@code cnx.outbox.audit-linger}
 * (100 ms) after a commit's signal. Deliveries have their own relay, which does not wait.
 */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class AuditBatchingTest {

    private static final int COMMITS = 5;

    @Inject
    Outbox outbox;

    @InjectWireMock
    WireMockServer peers;

    @Test
    void eventsOfCommitsTwentyMillisecondsApartTravelTogetherInOrder() throws InterruptedException {
        String marker = "linger-" + UUID.randomUUID();
        List<String> ids = commitApart(marker, Duration.ofMillis(20));

        await().atMost(Duration.ofSeconds(10)).until(() -> received(marker).size() == COMMITS);
        List<LoggedRequest> posts = posts(marker);
        assertTrue(posts.size() <= 2, COMMITS + " commits within the linger took " + posts.size() + " requests");
        assertEquals(ids, received(marker), "every event arrives once, in commit order");
    }

    private List<String> commitApart(String marker, Duration gap) throws InterruptedException {
        // a first request warms the relay's client up: while a slow first request is under way, commits pile up
        String warmUp = "warm-up-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> outbox.enqueue(AuditTrail.DESTINATION, UUID.randomUUID(),
                "{\"id\":\"" + UUID.randomUUID() + "\",\"marker\":\"" + warmUp + "\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !received(warmUp).isEmpty());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < COMMITS; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id.toString());
            QuarkusTransaction.requiringNew().run(() -> outbox.enqueue(AuditTrail.DESTINATION, id,
                    "{\"id\":\"" + id + "\",\"marker\":\"" + marker + "\"}"));
            Thread.sleep(gap.toMillis());
        }
        return ids;
    }

    /** The audit batches that carried {@code marker}, in arrival order. */
    private List<LoggedRequest> posts(String marker) {
        List<LoggedRequest> posts = new ArrayList<>(peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/events")))
                .stream().filter(r -> r.getBodyAsString().contains(marker)).toList());
        posts.sort((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate()));
        return posts;
    }

    private List<String> received(String marker) {
        List<String> ids = new ArrayList<>();
        posts(marker).forEach(post -> ids.addAll(JsonPath.from(post.getBodyAsString()).getList("id")));
        return ids;
    }
}
