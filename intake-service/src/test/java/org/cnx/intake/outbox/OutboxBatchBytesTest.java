package org.cnx.intake.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.cnx.intake.FakePeers;
import org.cnx.intake.InjectWireMock;
import org.cnx.intake.sharing.SharingClient;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Sharing refuses bodies over its limit, so a batch is capped in bytes as well as in messages: under load,
 * a hundred large reports in one POST would otherwise be refused again and again, and stall the hand-over.
 */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class OutboxBatchBytesTest {

    private static final int CAP = 1_048_576;

    @Inject
    Outbox outbox;

    @InjectWireMock
    WireMockServer peers;

    @Test
    void largeMessagesAreSentInSeveralPostsNoneOverTheCapAndNoneLost() {
        String marker = "bytes-" + UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 12; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                outbox.enqueue(SharingClient.DESTINATION, id, message(id, marker, 300_000));
            }
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> received(marker).size() == 12);
        List<LoggedRequest> posts = posts(marker);
        assertTrue(posts.size() >= 4, "3.6 MB in POSTs of at most 1 MiB takes at least 4, took " + posts.size());
        for (LoggedRequest post : posts) {
            int bytes = post.getBodyAsString().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= CAP + 64, "a POST of " + bytes + " bytes is over the cap");
        }
        assertEquals(new HashSet<>(ids.stream().map(UUID::toString).toList()), received(marker),
                "every message arrives, in order of enqueueing across the POSTs");
        assertEquals(ids.stream().map(UUID::toString).toList(), receivedInOrder(marker));
    }

    @Test
    void aMessageLargerThanTheCapStillGoesAlone() {
        String marker = "huge-" + UUID.randomUUID();
        UUID huge = UUID.randomUUID();
        UUID small = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.enqueue(SharingClient.DESTINATION, huge, message(huge, marker, CAP + 10_000));
            outbox.enqueue(SharingClient.DESTINATION, small, message(small, marker, 100));
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> received(marker).size() == 2);
        List<LoggedRequest> posts = posts(marker);
        assertEquals(2, posts.size(), "the oversized message is sent on its own, and does not hold back the next");
        assertEquals(List.of(huge.toString()), JsonPath.from(posts.get(0).getBodyAsString()).getList("id"));
    }

    private static String message(UUID id, String marker, int padding) {
        return "{\"id\":\"" + id + "\",\"marker\":\"" + marker + "\",\"padding\":\"" + "x".repeat(padding) + "\"}";
    }

    private List<LoggedRequest> posts(String marker) {
        List<LoggedRequest> posts = new ArrayList<>(peers.findAll(postRequestedFor(urlEqualTo("/internal/v1/reports"))).stream()
                .filter(r -> r.getBodyAsString().contains(marker)).toList());
        posts.sort((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate()));
        return posts;
    }

    private List<String> receivedInOrder(String marker) {
        List<String> ids = new ArrayList<>();
        posts(marker).forEach(post -> ids.addAll(JsonPath.from(post.getBodyAsString()).getList("id")));
        return ids;
    }

    private Set<String> received(String marker) {
        return new HashSet<>(receivedInOrder(marker));
    }
}
