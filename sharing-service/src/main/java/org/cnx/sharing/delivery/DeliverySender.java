package org.cnx.sharing.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.partner.EndpointGuard;

/**
 * Makes one attempt: checks the endpoint again (DNS may have changed since it was registered), signs
 * the delivery for the partner and POSTs it, never following a redirect and never waiting longer than
 * connect timeout + request timeout for the whole response.
 * <p>
 * The request is sent with the blocking {@code send} on the lane's own thread. {@code sendAsync} would complete
 * every response through {@code CompletableFuture}'s default executor, which starts a new thread per task where the
 * common pool has a parallelism of 1 (two cores or fewer): a thread per delivery. The request timeout covers the
 * wait for the response's headers only, so a watchdog interrupts the lane at the deadline; the HTTP client then
 * cancels the exchange.
 */
@ApplicationScoped
class DeliverySender {

    static final String DELIVERY_ID_HEADER = "X-Cnx-Delivery-Id";

    /** What one attempt came to, before the retry policy turns it into the delivery's next state. */
    record Result(RetryPolicy.Verdict verdict, Integer httpStatus, String error, Duration retryAfter,
            Instant startedAt, Instant finishedAt) {
    }

    private final DeliverySigner signer;
    private final EndpointGuard guard;
    private final Duration requestTimeout;
    private final long deadlineMillis;
    private final HttpClient http;
    private final ScheduledThreadPoolExecutor watchdog = watchdog();

    DeliverySender(DeliveryConfig config, DeliverySigner signer, EndpointGuard guard) {
        this.signer = signer;
        this.guard = guard;
        this.requestTimeout = config.requestTimeout();
        this.deadlineMillis = config.connectTimeout().plus(config.requestTimeout()).toMillis();
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    Result send(DeliveryStore.Claimed delivery) {
        Instant started = Instant.now();
        Optional<String> refusal = guard.refusal(delivery.endpoint());
        if (refusal.isPresent()) {
            return result(RetryPolicy.Verdict.FAILED, null, "endpoint refused: it " + refusal.get(), started);
        }
        URI uri;
        try {
            uri = URI.create(delivery.endpoint());
        } catch (IllegalArgumentException e) {
            return result(RetryPolicy.Verdict.FAILED, null, "endpoint refused: it is not a valid URL", started);
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + signer.sign(delivery.id(), delivery.partner(), delivery.sha256()))
                .header(DELIVERY_ID_HEADER, delivery.id().toString())
                .POST(HttpRequest.BodyPublishers.ofString(delivery.payload(), StandardCharsets.UTF_8))
                .build();
        Deadline deadline = new Deadline(Thread.currentThread());
        deadline.watch(watchdog.schedule(deadline, deadlineMillis, TimeUnit.MILLISECONDS));
        HttpResponse<Void> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            if (deadline.end()) {
                return retry("no complete response within " + deadlineMillis + " ms", started);
            }
            Thread.currentThread().interrupt();
            return retry("interrupted (shutting down)", started);
        } catch (IOException e) {
            return retry(describe(e), started);
        } finally {
            deadline.end(); // whatever came, the watchdog must not interrupt the lane's next attempt
        }
        // a response that came as the deadline passed still counts
        int code = r.statusCode();
        RetryPolicy.Verdict verdict = RetryPolicy.classify(code);
        return new Result(verdict, code, verdict == RetryPolicy.Verdict.DELIVERED ? null : "HTTP " + code,
                RetryPolicy.retryAfter(r.headers().firstValue("Retry-After"), Instant.now()), started, Instant.now());
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "delivery-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        // an attempt that ended in time takes its deadline out of the queue, instead of leaving it there until it
        // would have passed (connect + request timeout, thousands of them at a few hundred deliveries per second)
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    @PreDestroy
    void stopWatchdog() {
        watchdog.shutdownNow();
    }

    /**
     * The deadline of one attempt: when it passes, it interrupts the lane's thread, unless the attempt ended first.
     * {@link #end()} takes back an interrupt it made, so that it does not reach the lane's next attempt.
     */
    private static final class Deadline implements Runnable {

        private final Thread lane;
        private ScheduledFuture<?> task;
        private boolean ended;
        private boolean passed;

        Deadline(Thread lane) {
            this.lane = lane;
        }

        void watch(ScheduledFuture<?> scheduled) {
            this.task = scheduled;
        }

        @Override
        public synchronized void run() {
            if (!ended) {
                passed = true;
                lane.interrupt();
            }
        }

        /**
         * Ends the watch, from the lane's thread; true when the deadline had passed, and then its interrupt is
         * cleared. Calling it again changes nothing more.
         */
        boolean end() {
            task.cancel(false);
            synchronized (this) {
                if (!ended) {
                    ended = true;
                    if (passed) {
                        Thread.interrupted();
                    }
                }
                return passed;
            }
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof HttpTimeoutException) {
            return "timed out waiting for the response";
        }
        if (cause instanceof ConnectException) {
            return "connection failed" + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        if (cause instanceof IOException) {
            return "I/O error: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return "error: " + (cause == null ? "unknown" : cause.getClass().getSimpleName());
    }

    private static Result retry(String error, Instant started) {
        return result(RetryPolicy.Verdict.RETRY, null, error, started);
    }

    private static Result result(RetryPolicy.Verdict verdict, Integer code, String error, Instant started) {
        return new Result(verdict, code, error, Duration.ZERO, started, Instant.now());
    }
}
