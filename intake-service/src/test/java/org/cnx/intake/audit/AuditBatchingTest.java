package org.cnx.intake.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cnx.intake.FakePeers;
import org.cnx.intake.InjectWireMock;
import org.cnx.intake.outbox.Outbox;
import org.cnx.intake.sharing.SharingClient;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Under a trickle of reports, each commit would cost audit-service a request, the log's lock and a chain update
 * of its own. The audit relay therefore lets events gather for {@code cnx.outbox.audit-linger} (100 ms) after a
 * commit's signal; the hand-over to sharing, on a report's way to partners, does not wait.
 */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class AuditBatchingTest {

    private static final int COMMITS = 5;

    /** From the first of {@link #commitApart}'s commits to the end of its last. */
    private long commitSpanMillis;

    @Inject
    Outbox outbox;

    @InjectWireMock
    WireMockServer peers;

    @Test
    void eventsOfCommitsTwentyMillisecondsApartTravelTogetherInOrder() throws InterruptedException {
        String marker = "linger-" + UUID.randomUUID();
        List<String> ids = commitApart(AuditTrail.DESTINATION, marker, Duration.ofMillis(20));

        await().atMost(Duration.ofSeconds(10)).until(() -> received("/internal/v1/events", marker).size() == COMMITS);
        List<LoggedRequest> posts = posts("/internal/v1/events", marker);
        // the relay sends once a linger (100 ms) at most: the commits' own span bounds the requests, not a guess
        long windows = 1 + (commitSpanMillis + 99) / 100;
        assumeTrue(windows < COMMITS, "the commits took " + commitSpanMillis + " ms: too slow to show the linger");
        assertTrue(posts.size() <= windows, COMMITS + " commits in " + commitSpanMillis + " ms took " + posts.size()
                + " requests");
        assertEquals(ids, received("/internal/v1/events", marker), "every event arrives once, in commit order");
    }

    @Test
    void reportsForSharingLeaveWithoutWaiting() throws InterruptedException {
        String marker = "no-linger-" + UUID.randomUUID();
        List<String> ids = commitApart(SharingClient.DESTINATION, marker, Duration.ofMillis(60));

        await().atMost(Duration.ofSeconds(10)).until(() -> received("/internal/v1/reports", marker).size() == COMMITS);
        int requests = posts("/internal/v1/reports", marker).size();
        assertTrue(requests >= 3, COMMITS + " reports 60 ms apart were held back into " + requests + " requests");
        assertEquals(ids, received("/internal/v1/reports", marker));
    }

    private List<String> commitApart(String destination, String marker, Duration gap) throws InterruptedException {
        // a first request warms the relay's client up: while a slow first request is under way, commits pile up
        String warmUp = "warm-up-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> outbox.enqueue(destination, UUID.randomUUID(),
                "{\"id\":\"" + UUID.randomUUID() + "\",\"marker\":\"" + warmUp + "\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !received(path(destination), warmUp).isEmpty());
        List<String> ids = new ArrayList<>();
        long first = System.nanoTime();
        for (int i = 0; i < COMMITS; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id.toString());
            QuarkusTransaction.requiringNew().run(() -> outbox.enqueue(destination, id,
                    "{\"id\":\"" + id + "\",\"marker\":\"" + marker + "\"}"));
            if (i < COMMITS - 1) {
                Thread.sleep(gap.toMillis());
            }
        }
        commitSpanMillis = (System.nanoTime() - first) / 1_000_000;
        return ids;
    }

    private static String path(String destination) {
        return destination.equals(AuditTrail.DESTINATION) ? "/internal/v1/events" : "/internal/v1/reports";
    }

    private List<LoggedRequest> posts(String path, String marker) {
        List<LoggedRequest> posts = new ArrayList<>(peers.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .filter(r -> r.getBodyAsString().contains(marker)).toList());
        posts.sort((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate()));
        return posts;
    }

    private List<String> received(String path, String marker) {
        List<String> ids = new ArrayList<>();
        // a request may carry other tests' messages beside these, gathered in the same linger
        posts(path, marker).forEach(post -> ids.addAll(JsonPath.from(post.getBodyAsString())
                .getList("findAll { it.marker == '" + marker + "' }.id")));
        return ids;
    }
}
