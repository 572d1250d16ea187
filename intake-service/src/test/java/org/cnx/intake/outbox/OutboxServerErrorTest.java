package org.cnx.intake.outbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;

import org.cnx.intake.FakePeers;
import org.cnx.intake.InjectWireMock;
import org.cnx.intake.sharing.SharingClient;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A receiver's 500 may be about one message (a bug one report trips) or about everything (its database down).
 * The first must hold back only that message, not the hundred claimed with it; the second must not turn one
 * claim into a storm of requests.
 */
@QuarkusTest
@QuarkusTestResource(FakePeers.class)
class OutboxServerErrorTest {

    private static final int BATCH = 16;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    DataSource dataSource;

    @InjectWireMock
    WireMockServer peers;

    OutboxRows rows;

    @BeforeEach
    void readRows() {
        rows = new OutboxRows(dataSource);
    }

    /** The rows of destinations no worker serves would stay for good. */
    @AfterEach
    void forgetTestDestinations() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM outbox_message WHERE destination LIKE 'test-%'")) {
            ps.executeUpdate();
        }
    }

    @Test
    void aMessageTheReceiverFailsOnHoldsBackOnlyItself() throws SQLException {
        String marker = "fails-on-" + UUID.randomUUID();
        String poison = "poison-" + UUID.randomUUID();
        StubMapping failure = peers.stubFor(post(urlEqualTo("/internal/v1/reports")).withRequestBody(containing(poison))
                .atPriority(1).willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"title\":\"Internal Server Error\",\"status\":500}")));
        try {
            List<UUID> ids = enqueue(SharingClient.DESTINATION, marker, 5, 3, poison);

            await().atMost(Duration.ofSeconds(10)).until(() -> rows.pending(marker).size() == 1);
            assertEquals(List.of(ids.get(3)), rows.pending(marker), "the four others reached sharing and left the outbox");
            assertTrue(rows.lastError(ids.get(3)).contains("500"), rows.lastError(ids.get(3)));
        } finally {
            peers.removeStub(failure);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rows.pending(marker).isEmpty());
    }

    /**
     * A redirect (sharing's URL still http:// after it took https only, a proxy sending to its login page) takes
     * nothing: the hand-overs wait. The REST client throws for it, as for 4xx and 5xx, and follows no redirect; were it
     * to count as sent, every batch would be deleted from the outbox unsent.
     */
    @Test
    void aRedirectTakesNothingAndTheMessagesWait() throws SQLException {
        String marker = "redirected-" + UUID.randomUUID();
        StubMapping redirect = peers.stubFor(post(urlEqualTo("/internal/v1/reports"))
                .withRequestBody(containing(marker)).atPriority(1)
                .willReturn(aResponse().withStatus(307).withHeader("Location", "https://elsewhere.example/")));
        List<UUID> ids;
        try {
            ids = enqueue(SharingClient.DESTINATION, marker, 3, -1, null);
            // until the relay has tried them all: each answered (an error recorded), or gone from the outbox
            await().atMost(Duration.ofSeconds(10)).until(() -> rows.pending(marker).size() < ids.size()
                    || ids.stream().allMatch(id -> lastErrorOf(id).contains("307")));
            assertEquals(ids, rows.pending(marker), "nothing left the outbox");
            assertTrue(lastErrorOf(ids.get(0)).contains("307"), lastErrorOf(ids.get(0)));
        } finally {
            peers.removeStub(redirect);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rows.pending(marker).isEmpty());
    }

    /** The message's last error; "" once it has left the outbox, "null" before an attempt failed. */
    private String lastErrorOf(UUID id) {
        try {
            return rows.lastError(id);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void oneClaimIsolatesTheMessage() throws SQLException {
        String marker = "isolated-" + UUID.randomUUID();
        String destination = testDestination(); // no worker of the relay claims it: only this test does
        List<UUID> ids = enqueue(destination, marker, BATCH, 11, "poison");
        Receiver receiver = new Receiver(destination, batch -> batch.contains("poison") ? 500 : 200);

        assertEquals(OutboxRelay.Pass.WAIT, relay.relayOnce(receiver));

        assertEquals(List.of(ids.get(11)), rows.pending(marker), "fifteen went in the one claim");
        assertTrue(waitsOutABackoff(ids.get(11), receiver), "the message waits out a backoff of its own");
        assertEquals(1 + 2 * 4, receiver.posts, "halving 16 down to the one takes four rounds of two posts each");
        assertTrue(rows.lastError(ids.get(11)).contains("500"), rows.lastError(ids.get(11)));
    }

    /**
     * One message in each half that the receiver fails on: both halves failed, and the relay took the receiver for
     * down, held the whole batch due and backed off, claiming the same batch each time, for good.
     */
    @Test
    void twoMessagesTheReceiverFailsOnInEachHalfHoldBackOnlyThemselves() throws SQLException {
        String marker = "two-" + UUID.randomUUID();
        String destination = testDestination();
        List<UUID> ids = enqueue(destination, marker, BATCH, -1, null);
        Receiver receiver = failingOn(destination, ids.get(3), ids.get(12));

        assertEquals(OutboxRelay.Pass.WAIT, relay.relayOnce(receiver), "the receiver works: no backing off");

        assertEquals(List.of(ids.get(3), ids.get(12)), rows.pending(marker), "the fourteen others went in one claim");
        assertTrue(waitsOutABackoff(ids.get(3), receiver) && waitsOutABackoff(ids.get(12), receiver),
                "each waits out a backoff of its own");
    }

    /** The message sent alone failing too, the next claim of the batch sends the next one alone. */
    @Test
    void whenTheMessageSentAloneIsOneItFailsOnTheNextClaimTriesAnother() throws SQLException {
        String marker = "first-" + UUID.randomUUID();
        String destination = testDestination();
        List<UUID> ids = enqueue(destination, marker, BATCH, -1, null);
        Receiver receiver = failingOn(destination, ids.get(0), ids.get(12));

        assertEquals(OutboxRelay.Pass.BACK_OFF, relay.relayOnce(receiver), "taken for down, this once");
        assertEquals(ids, rows.pending(marker));
        assertEquals(OutboxRelay.Pass.WAIT, relay.relayOnce(receiver));
        assertEquals(List.of(ids.get(0), ids.get(12)), rows.pending(marker));
    }

    @Test
    void aReceiverFailingEverythingCostsThreeMorePostsNotOneForEachMessage() throws SQLException {
        String marker = "down-" + UUID.randomUUID();
        String destination = testDestination();
        List<UUID> ids = enqueue(destination, marker, BATCH, -1, null);
        Receiver receiver = new Receiver(destination, batch -> 500);

        assertEquals(OutboxRelay.Pass.BACK_OFF, relay.relayOnce(receiver), "the worker backs off");

        assertEquals(1 + 2 + 1, receiver.posts, "both halves failed as the whole did, and one message alone: not the "
                + "31 posts of halving down to every message");
        assertEquals(ids, rows.pending(marker), "all kept");
        assertEquals(1, rows.attempts(ids.get(0)));
        assertDue(ids);
    }

    @Test
    void anUnavailableReceiverGetsOnePostPerClaim() throws SQLException {
        String marker = "unavailable-" + UUID.randomUUID();
        String destination = testDestination();
        List<UUID> ids = enqueue(destination, marker, BATCH, -1, null);
        Receiver receiver = new Receiver(destination, batch -> 503);

        assertEquals(OutboxRelay.Pass.BACK_OFF, relay.relayOnce(receiver), "the worker backs off");

        assertEquals(1, receiver.posts, "a 503 says nothing about the content: the batch fails as it is");
        assertEquals(ids, rows.pending(marker));
        assertDue(ids);
    }

    /**
     * A receiver that takes nothing (down, or refusing the relay's token) was only a debug line: the relay backed off
     * in silence, forever, while reports piled up unsent. It is said once a minute, and so is its return.
     */
    @Test
    void aReceiverThatTakesNothingIsSaidInTheLogOnceAMinuteAndSoIsItsReturn() throws SQLException {
        String destination = testDestination();
        String marker = "said-" + UUID.randomUUID();
        enqueue(destination, marker, 2, -1, null);
        List<LogRecord> said = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String text = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
                if (text != null && text.contains(destination)) {
                    said.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(OutboxRelay.class.getName());
        logger.addHandler(capture);
        try {
            Receiver refusing = new Receiver(destination, batch -> 401);
            assertEquals(OutboxRelay.Pass.BACK_OFF, relay.relayOnce(refusing));
            assertEquals(OutboxRelay.Pass.BACK_OFF, relay.relayOnce(refusing));
            assertEquals(1, said.size(), "said once, not per pass");
            assertEquals(Level.WARNING.intValue(), said.get(0).getLevel().intValue());
            assertTrue(((ExtLogRecord) said.get(0)).getFormattedMessage().contains("HTTP 401"),
                    ((ExtLogRecord) said.get(0)).getFormattedMessage());

            assertEquals(OutboxRelay.Pass.WAIT, relay.relayOnce(new Receiver(destination, batch -> 200)));
            assertEquals(2, said.size());
            assertTrue(((ExtLogRecord) said.get(1)).getFormattedMessage().contains("takes messages again"));
            assertEquals(List.of(), rows.pending(marker), "sent");
        } finally {
            logger.removeHandler(capture);
        }
    }

    /**
     * While the receiver is down, the messages stay due, in order at the head of the claim's index: backed off batch
     * by batch, each claim walked a backlog of messages not yet due, and later batches came due before earlier ones.
     */
    private void assertDue(List<UUID> ids) throws SQLException {
        for (UUID id : ids) {
            assertTrue(rows.due(id), "due again as soon as the receiver is back: " + id);
        }
    }

    @Test
    void aMessageTheReceiverRefusesAloneWaitsOutItsOwnBackoff() throws SQLException {
        String marker = "refused-" + UUID.randomUUID();
        String destination = testDestination();
        List<UUID> ids = enqueue(destination, marker, 1, 0, "unreadable");
        Receiver receiver = new Receiver(destination, batch -> 422);

        assertEquals(OutboxRelay.Pass.WAIT, relay.relayOnce(receiver), "no reason to hold back what comes next");
        assertTrue(waitsOutABackoff(ids.get(0), receiver));
    }

    /**
     * A relay that claimed a batch and died before it could say so (killed after its POST) loses nothing: once its
     * lease runs out another relay sends the batch again (receivers de-duplicate by id), never before; and should the
     * first wake up after all, its completion, fenced by its claim, deletes nothing the second one has claimed since.
     */
    @Test
    void aBatchWhoseRelayStalledIsSentAgainOnceItsLeaseRunsOutAndTheLateRelayDeletesNothing() throws Exception {
        String marker = "stalled-" + UUID.randomUUID();
        String destination = testDestination();
        List<UUID> ids = enqueue(destination, marker, 3, -1, "");
        CountDownLatch posted = new CountDownLatch(1);
        CountDownLatch wakeUp = new CountDownLatch(1);
        Receiver stalled = new Receiver(destination, batch -> {
            posted.countDown();
            awaitQuietly(wakeUp);
            return 200;
        });
        ExecutorService firstRelay = Executors.newSingleThreadExecutor();
        try {
            Future<OutboxRelay.Pass> first = firstRelay.submit(() -> relay.relayOnce(stalled));
            assertTrue(posted.await(10, TimeUnit.SECONDS), "the first relay posted the batch");

            Receiver meanwhile = new Receiver(destination, batch -> 200);
            assertEquals(OutboxRelay.Pass.WAIT, relay.relayOnce(meanwhile), "its lease holds the batch");
            assertEquals(0, meanwhile.posts);

            expireLeases(ids); // as the lease's 30 s would
            List<Integer> leftWhenTheLateRelayCompleted = new ArrayList<>();
            Receiver next = new Receiver(destination, batch -> {
                wakeUp.countDown();
                try {
                    first.get(10, TimeUnit.SECONDS);
                    leftWhenTheLateRelayCompleted.add(rows.pending(marker).size());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return 200;
            });
            relay.relayOnce(next);
            assertEquals(1, next.posts, "the batch was sent again, whole");
            assertEquals(List.of(3), leftWhenTheLateRelayCompleted, "the late relay deleted nothing it no longer held");
            assertEquals(List.of(), rows.pending(marker), "the second relay's completion removed the batch");
        } finally {
            wakeUp.countDown();
            firstRelay.shutdownNow();
        }
    }

    private void expireLeases(List<UUID> ids) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE outbox_message SET lease_until = now() - interval '1 second' WHERE id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            assertEquals(ids.size(), ps.executeUpdate());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Answers each batch with the status {@code answer} gives it, as the REST client would report it. */
    private static final class Receiver implements OutboxSender {

        private final String destination;
        private final ToIntFunction<String> answer;
        int posts;
        /** When the last post was answered (the machine's clock, which PostgreSQL's now() reads too). */
        Instant answered;

        Receiver(String destination, ToIntFunction<String> answer) {
            this.destination = destination;
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
            answered = Instant.now();
            if (status != 200) {
                throw new WebApplicationException("HTTP " + status, status);
            }
        }
    }

    /**
     * Whether the failure put the message off by the test profile's shortest backoff (50 ms) past the receiver's
     * answer: whenever it is asked, where {@code !due} raced the backoff on a slow machine.
     */
    private boolean waitsOutABackoff(UUID id, Receiver receiver) throws SQLException {
        return !rows.availableAt(id).isBefore(receiver.answered.plusMillis(50));
    }

    /** A receiver that fails on a batch holding any of these messages, and takes every other. */
    private static Receiver failingOn(String destination, UUID... messages) {
        return new Receiver(destination, batch -> Arrays.stream(messages).anyMatch(m -> batch.contains(m.toString()))
                ? 500 : 200);
    }

    private static String testDestination() {
        return "test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private List<UUID> enqueue(String destination, String marker, int count, int poisoned, String poison) {
        List<UUID> ids = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                outbox.enqueue(destination, id, "{\"reportId\":\"" + id + "\",\"marker\":\"" + marker + "\""
                        + (i == poisoned ? ",\"note\":\"" + poison + "\"" : "") + "}");
            }
        });
        return ids;
    }
}
