package org.cnx.bench;

import java.net.URI;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Drives HTTP load: closed-loop (N requests in flight back to back, for throughput) and open-loop (a
 * fixed schedule; latency counted from each request's intended send time, so a stall is charged to
 * every request it delayed — no coordinated omission).
 *
 * <p>It shares the machine with what it measures, so it has to be cheap: one Vert.x event loop and
 * HTTP/1.1 keep-alive connections (at most {@link #MAX_CONNECTIONS}; requests beyond them wait in the
 * client's queue, their wait counted). The JDK's HttpClient cost about a millisecond of CPU per request.
 */
final class Load {

    static final int MAX_CONNECTIONS = 64;

    /** A POST of {@code body} (JSON) to {@code uri} with {@code bearer} as its token. */
    record Post(URI uri, String bearer, String body) {
    }

    /** One request that got a response: its intended send time (wall clock) and the response body. */
    record Sent(Instant intended, int status, String body) {
    }

    /**
     * {@code emptyBodies}: responses with the expected status but no body, counted as failed (the bench needs the id
     * a body carries); see {@link #send}.
     */
    record Result(long ok, long failed, long emptyBodies, double seconds, Histogram latencyMicros, List<Sent> sent) {
    }

    private record Response(int status, String body) {
    }

    private final Vertx vertx;
    private final Context context;
    private final HttpClient http;

    Load() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
        context = vertx.getOrCreateContext();
    }

    /**
     * {@code workers} requests in flight at all times for {@code duration}: each response sends the next
     * request; request n is {@code requests.apply(n)}.
     */
    Result closed(int workers, Duration duration, IntFunction<Post> requests, int expectedStatus)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong empty = new AtomicLong();
        AtomicLong counter = new AtomicLong();
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CountDownLatch done = new CountDownLatch(workers);
        Runnable[] chain = new Runnable[1];
        chain[0] = () -> {
            if (System.nanoTime() >= end) {
                done.countDown();
                return;
            }
            Post post = requests.apply((int) counter.getAndIncrement());
            Instant intended = Instant.now();
            long t0 = System.nanoTime();
            send(post).onComplete(outcome -> {
                recorder.recordValue((System.nanoTime() - t0) / 1000);
                count(outcome.result(), expectedStatus, intended, ok, failed, empty, sent);
                chain[0].run();
            });
        };
        for (int w = 0; w < workers; w++) {
            chain[0].run();
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(ok.get(), failed.get(), empty.get(), seconds, recorder.getIntervalHistogram(),
                new ArrayList<>(sent));
    }

    /** {@code rate} requests per second for {@code duration}, each at its scheduled time, whatever came before. */
    Result open(double rate, Duration duration, IntFunction<Post> requests, int expectedStatus)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong empty = new AtomicLong();
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        long count = Math.round(rate * duration.toNanos() / 1e9);
        long interval = Math.round(1e9 / rate);
        CountDownLatch done = new CountDownLatch((int) count);
        Instant startWall = Instant.now();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long intendedNanos = start + i * interval;
            long wait = intendedNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Instant intended = startWall.plusNanos(i * interval);
            send(requests.apply(i)).onComplete(outcome -> {
                recorder.recordValue(Math.max(0, (System.nanoTime() - intendedNanos) / 1000));
                count(outcome.result(), expectedStatus, intended, ok, failed, empty, sent);
                done.countDown();
            });
        }
        done.await(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(ok.get(), failed.get(), empty.get(), seconds, recorder.getIntervalHistogram(),
                new ArrayList<>(sent));
    }

    /**
     * The response, or a failed future (connection refused, reset, time-out). The request is made on the client's
     * event loop, so that the body handler is attached in the same turn as the response head arrives: made from
     * another thread, the continuation ran a turn later, and a body that came in the same read was lost (a 201
     * with an empty body, once at 80 % load; vert.x issue 5904).
     */
    private Future<Response> send(Post post) {
        Promise<Response> response = Promise.promise();
        context.runOnContext(ignored -> request(post).onComplete(response));
        return response.future();
    }

    private Future<Response> request(Post post) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(post.uri().toString())
                .putHeader("Authorization", "Bearer " + post.bearer()).putHeader("Content-Type", "application/json")
                .setTimeout(60_000);
        return http.request(options)
                .compose(request -> request.send(Buffer.buffer(post.body())))
                .compose(response -> response.body().map(body -> new Response(response.statusCode(), body.toString())));
    }

    private static void count(Response response, int expectedStatus, Instant intended, AtomicLong ok, AtomicLong failed,
            AtomicLong empty, ConcurrentLinkedQueue<Sent> sent) {
        boolean expected = response != null && response.status() == expectedStatus;
        if (expected && !response.body().isBlank()) {
            ok.incrementAndGet();
            sent.add(new Sent(intended, response.status(), response.body()));
        } else {
            failed.incrementAndGet();
            if (expected) {
                empty.incrementAndGet();
            }
        }
    }

    void close() {
        http.close();
        vertx.close();
    }

}
