package org.cnx.sharing.audit;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

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
 * (100 ms) after a commit's signal. Deliveries have their own relay, which does not wait. A transaction's events
 * share outbox rows, ten to a row, and still reach audit-service as elements of their own.
 */
@QuarkusTest
@QuarkusTestResource(FakePartners.class)
class AuditBatchingTest {

    private static final int COMMITS = 5;
    private static final int EVENTS = 25;
    private static final int PACKED_EVENTS = 250;

    /** From the first of {@link #commitApart}'s commits to the end of its last. */
    private long commitSpanMillis;

    @Inject
    Outbox outbox;

    @Inject
    AuditTrail audit;

    @Inject
    DataSource dataSource;

    @InjectWireMock
    WireMockServer peers;

    @Test
    void eventsOfCommitsTwentyMillisecondsApartTravelTogetherInOrder() throws InterruptedException {
        String marker = "linger-" + UUID.randomUUID();
        List<String> ids = commitApart(marker, Duration.ofMillis(20));

        await().atMost(Duration.ofSeconds(10)).until(() -> received(marker).size() == COMMITS);
        List<LoggedRequest> posts = posts(marker);
        // the relay sends once a linger (100 ms) at most: the commits' own span bounds the requests, not a guess
        long windows = 1 + (commitSpanMillis + 99) / 100;
        assumeTrue(windows < COMMITS, "the commits took " + commitSpanMillis + " ms: too slow to show the linger");
        assertTrue(posts.size() <= windows, COMMITS + " commits in " + commitSpanMillis + " ms took " + posts.size()
                + " requests");
        assertEquals(ids, received(marker), "every event arrives once, in commit order");
    }

    @Test
    void packsEventsInOrderAndTheRelaysArrayCarriesEachOfThem() {
        List<Outbox.Message> events = IntStream.range(0, EVENTS)
                .mapToObj(i -> new Outbox.Message(UUID.randomUUID(), "{\"n\":" + i + "}")).toList();

        List<Outbox.Message> messages = AuditTrail.pack(events, 10);

        assertEquals(List.of(events.get(0).id(), events.get(10).id(), events.get(20).id()),
                messages.stream().map(Outbox.Message::id).toList(), "three messages, each named by its first event");
        // what the relay sends for a batch of these messages
        String array = "[" + String.join(",", messages.stream().map(Outbox.Message::json).toList()) + "]";
        assertEquals(IntStream.range(0, EVENTS).boxed().toList(), JsonPath.from(array).getList("n", Integer.class));
    }

    @Test
    void aTransactionsEventsTakeARowPerTenAndArriveEachOnceInOrderAHundredToARequest() {
        String marker = "packing-" + UUID.randomUUID();
        List<String> recorded = new ArrayList<>();
        AtomicInteger rows = new AtomicInteger();
        QuarkusTransaction.requiringNew().run(() -> {
            AuditTrail.Batch batch = audit.batch();
            for (int i = 0; i < PACKED_EVENTS; i++) {
                String step = marker + "-" + i;
                recorded.add(step);
                batch.add("RELEASE_DECIDED", "SUCCESS", AuditTrail.SYSTEM, null, null, Map.of("step", step));
            }
            batch.record();
            rows.set(rowsWith(marker)); // inside the transaction: the relay cannot have taken them yet
        });
        assertEquals(PACKED_EVENTS / 10, rows.get(), PACKED_EVENTS + " events, ten to a row");

        await().atMost(Duration.ofSeconds(10)).until(() -> steps(marker).size() >= PACKED_EVENTS);
        assertEquals(recorded, steps(marker), "every event arrives once, in order, as an element of its own");
        // as many events to a request as before they shared rows: a larger append holds audit's lock longer
        List<Integer> perRequest = posts(marker).stream()
                .map(p -> JsonPath.from(p.getBodyAsString()).getList("$").size()).toList();
        assertTrue(perRequest.stream().allMatch(n -> n <= 100), "events per request: " + perRequest);
    }

    private int rowsWith(String marker) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM outbox_message WHERE destination = 'audit' AND payload LIKE ?")) {
            ps.setString(1, "%" + marker + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The marked events' steps, in the order audit-service received them. */
    private List<String> steps(String marker) {
        List<String> steps = new ArrayList<>();
        // a request may carry other tests' events beside these, gathered in the same linger
        posts(marker).forEach(post -> JsonPath.from(post.getBodyAsString()).<String>getList("details.step").stream()
                .filter(step -> step != null && step.startsWith(marker)).forEach(steps::add));
        return steps;
    }

    private List<String> commitApart(String marker, Duration gap) throws InterruptedException {
        // a first request warms the relay's client up: while a slow first request is under way, commits pile up
        String warmUp = "warm-up-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> outbox.enqueue(AuditTrail.DESTINATION, UUID.randomUUID(),
                "{\"id\":\"" + UUID.randomUUID() + "\",\"marker\":\"" + warmUp + "\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !received(warmUp).isEmpty());
        List<String> ids = new ArrayList<>();
        long first = System.nanoTime();
        for (int i = 0; i < COMMITS; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id.toString());
            QuarkusTransaction.requiringNew().run(() -> outbox.enqueue(AuditTrail.DESTINATION, id,
                    "{\"id\":\"" + id + "\",\"marker\":\"" + marker + "\"}"));
            if (i < COMMITS - 1) {
                Thread.sleep(gap.toMillis());
            }
        }
        commitSpanMillis = (System.nanoTime() - first) / 1_000_000;
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
        posts(marker).forEach(post -> ids.addAll(JsonPath.from(post.getBodyAsString())
                .getList("findAll { it.marker == '" + marker + "' }.id")));
        return ids;
    }
}
