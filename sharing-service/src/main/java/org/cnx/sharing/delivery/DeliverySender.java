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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.partner.EndpointGuard;

/**
 * Makes one attempt: checks the endpoint again (DNS may have changed since it was registered), signs
 * the delivery for the partner and POSTs it, never following a redirect and never waiting longer than
 * connect timeout + request timeout for the whole response.
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
        CompletableFuture<HttpResponse<Void>> response = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            HttpResponse<Void> r = response.get(deadlineMillis, TimeUnit.MILLISECONDS);
            int code = r.statusCode();
            RetryPolicy.Verdict verdict = RetryPolicy.classify(code);
            return new Result(verdict, code, verdict == RetryPolicy.Verdict.DELIVERED ? null : "HTTP " + code,
                    RetryPolicy.retryAfter(r.headers().firstValue("Retry-After"), Instant.now()), started, Instant.now());
        } catch (TimeoutException e) {
            response.cancel(true);
            return retry("no complete response within " + deadlineMillis + " ms", started);
        } catch (ExecutionException e) {
            return retry(describe(e.getCause()), started);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            return retry("interrupted (shutting down)", started);
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
