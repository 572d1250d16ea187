package org.cnx.sharing.delivery;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.partner.EndpointGuard;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Makes one attempt: checks the endpoint again (DNS may have changed since it was registered), signs
 * the delivery for the partner and POSTs it to the address that check resolved, never following a redirect and
 * never waiting longer than connect timeout + request timeout for the whole response.
 * <p>
 * The request goes through Vert.x's HTTP client on Quarkus's event loops, and the lane's thread waits for its
 * outcome until the deadline; at the deadline the request is reset (its connection closed). The JDK's HTTP client
 * cost sharing about twice the CPU per delivery (JFR over a bench run: 15.6 % of sharing's samples, on the lanes
 * and the client's own threads). Connections are kept alive and pooled per partner host, without a limit below the
 * lanes' own: a partner that hangs holds its lanes' connections, never a slot another partner's lanes would wait for.
 */
@ApplicationScoped
class DeliverySender {

    static final String DELIVERY_ID_HEADER = "X-Cnx-Delivery-Id";

    /** Far above any number of lanes to one host: the lanes, not the pool, limit the requests in flight. */
    private static final int CONNECTIONS_PER_HOST = 1_000;

    /** What one attempt came to, before the retry policy turns it into the delivery's next state. */
    record Result(RetryPolicy.Verdict verdict, Integer httpStatus, String error, Duration retryAfter,
            Instant startedAt, Instant finishedAt) {
    }

    /** The parts of a response the retry policy reads; its body is read to the end and dropped. */
    private record Reply(int status, String retryAfter) {
    }

    private final DeliverySigner signer;
    private final EndpointGuard guard;
    private final long connectTimeoutMillis;
    private final long requestTimeoutMillis;
    private final long deadlineMillis;
    private final HttpClient http;

    DeliverySender(DeliveryConfig config, DeliverySigner signer, EndpointGuard guard, Vertx vertx) {
        this.signer = signer;
        this.guard = guard;
        this.connectTimeoutMillis = config.connectTimeout().toMillis();
        this.requestTimeoutMillis = config.requestTimeout().toMillis();
        this.deadlineMillis = connectTimeoutMillis + requestTimeoutMillis;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setConnectTimeout((int) connectTimeoutMillis)
                .setKeepAlive(true)
                .setVerifyHost(true),
                new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_HOST));
    }

    Result send(DeliveryStore.Claimed delivery) {
        Instant started = Instant.now();
        EndpointGuard.Target target = guard.target(delivery.endpoint());
        if (target instanceof EndpointGuard.Refused refused) {
            // a name that does not resolve now may resolve later; an address the guard refuses is not retried
            return result(refused.mayChange() ? RetryPolicy.Verdict.RETRY : RetryPolicy.Verdict.FAILED, null,
                    "endpoint refused: it " + refused.why(), started);
        }
        InetAddress address = ((EndpointGuard.Allowed) target).address();
        RequestOptions request;
        try {
            URL url = URI.create(delivery.endpoint()).toURL();
            int port = url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
            request = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setAbsoluteURI(url)
                    // to the address the guard checked; the URL's host still names the partner in the Host header,
                    // and its certificate must match it
                    .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                    .setFollowRedirects(false)
                    // the pool's wait and the connection's set-up; then no byte for the request timeout ends it
                    .setConnectTimeout(connectTimeoutMillis)
                    .setIdleTimeout(requestTimeoutMillis)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Authorization",
                            "Bearer " + signer.sign(delivery.id(), delivery.partner(), delivery.sha256()))
                    .putHeader(DELIVERY_ID_HEADER, delivery.id().toString());
        } catch (IllegalArgumentException | MalformedURLException e) {
            return result(RetryPolicy.Verdict.FAILED, null, "endpoint refused: it is not a valid URL", started);
        }
        Attempt attempt = new Attempt();
        CompletableFuture<Reply> reply = http.request(request)
                .compose(r -> attempt.started(r) ? r.send(Buffer.buffer(delivery.payload()))
                        : Future.failedFuture("abandoned at the deadline"))
                .compose(response -> response.end()
                        .map(done -> new Reply(response.statusCode(), response.getHeader("Retry-After"))))
                .toCompletionStage().toCompletableFuture();
        Reply r;
        try {
            r = reply.get(deadlineMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            attempt.abandon();
            return retry("no complete response within " + deadlineMillis + " ms", started);
        } catch (InterruptedException e) {
            attempt.abandon();
            Thread.currentThread().interrupt();
            return retry("interrupted (shutting down)", started);
        } catch (ExecutionException e) {
            return retry(describe(e.getCause()), started);
        }
        RetryPolicy.Verdict verdict = RetryPolicy.classify(r.status());
        return new Result(verdict, r.status(), verdict == RetryPolicy.Verdict.DELIVERED ? null : "HTTP " + r.status(),
                RetryPolicy.retryAfter(Optional.ofNullable(r.retryAfter()), Instant.now()), started, Instant.now());
    }

    /**
     * One attempt's request, which the lane may abandon at the deadline: the request is then reset (its connection
     * closed), and one whose connection came only as the deadline passed is never sent.
     */
    private static final class Attempt {

        private final AtomicReference<HttpClientRequest> request = new AtomicReference<>();
        private final AtomicBoolean abandoned = new AtomicBoolean();

        /** On the event loop, once connected: false when the lane has given up, and the request is then reset. */
        boolean started(HttpClientRequest r) {
            request.set(r);
            if (abandoned.get()) {
                r.reset();
                return false;
            }
            return true;
        }

        /** On the lane, at the deadline or shutdown; each side sees the other's write, so one of them resets. */
        void abandon() {
            abandoned.set(true);
            HttpClientRequest r = request.get();
            if (r != null) {
                r.reset();
            }
        }
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /**
     * The longest error text an attempt keeps. The HTTP parser quotes what it could not read of a partner's answer (a
     * header line of 8 KiB): the error is for an officer's list and the attempts' history, not a copy of the answer.
     */
    static final int ERROR_MAX = 500;

    /**
     * An exception's message as stored text: the partner's bytes it may quote, a NUL among them, failed the update
     * that records the attempt (PostgreSQL's text holds no U+0000), and the record went out again at every lease.
     */
    private static String shown(String message) {
        String text = message.replace('\0', '\uFFFD');
        return text.length() <= ERROR_MAX ? text : text.substring(0, ERROR_MAX - 1) + "…";
    }

    private static String describe(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof TimeoutException) {
            // Vert.x's: no connection within the connect timeout, or no byte of the response within the request timeout
            return cause.getMessage() != null && cause.getMessage().contains("getting a connection")
                    ? "connect timed out" : "timed out waiting for the response";
        }
        if (cause instanceof ConnectException) {
            return shown("connection failed" + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        }
        if (cause == null) {
            return "error: unknown";
        }
        return shown("I/O error: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    private static Result retry(String error, Instant started) {
        return result(RetryPolicy.Verdict.RETRY, null, error, started);
    }

    private static Result result(RetryPolicy.Verdict verdict, Integer code, String error, Instant started) {
        return new Result(verdict, code, error, Duration.ZERO, started, Instant.now());
    }
}
