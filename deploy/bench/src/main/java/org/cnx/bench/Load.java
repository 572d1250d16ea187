package org.cnx.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * Drives HTTP load: closed-loop (N workers back to back, for throughput) and open-loop (a fixed
 * schedule; latency counted from each request's intended send time, so a stall is charged to every
 * request it delayed — no coordinated omission).
 */
final class Load {

    /** One request that got a response: its intended send time (wall clock) and the response body. */
    record Sent(Instant intended, int status, String body) {
    }

    record Result(long ok, long failed, double seconds, Histogram latencyMicros, List<Sent> sent) {
        double throughput() {
            return ok / seconds;
        }
    }

    private final HttpClient http;
    private final ExecutorService pool = Executors.newFixedThreadPool(64);

    Load() {
        // HTTP/1.1 with keep-alive, like partner systems; the default (HTTP/2) tries an h2c upgrade per connection
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * {@code workers} requests in flight at all times for {@code duration}: each response sends the next
     * request (asynchronously, so the driver spends no thread per request); request n is {@code requests.apply(n)}.
     */
    Result closed(int workers, Duration duration, IntFunction<HttpRequest> requests, int expectedStatus)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong counter = new AtomicLong();
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CountDownLatch done = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            chain(requests, expectedStatus, end, counter, recorder, ok, failed, sent, done);
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(ok.get(), failed.get(), seconds, recorder.getIntervalHistogram(), new ArrayList<>(sent));
    }

    private void chain(IntFunction<HttpRequest> requests, int expectedStatus, long end, AtomicLong counter,
            Recorder recorder, AtomicLong ok, AtomicLong failed, ConcurrentLinkedQueue<Sent> sent, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        HttpRequest request = requests.apply((int) counter.getAndIncrement());
        Instant intended = Instant.now();
        long t0 = System.nanoTime();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            recorder.recordValue((System.nanoTime() - t0) / 1000);
            if (error == null && response.statusCode() == expectedStatus) {
                ok.incrementAndGet();
                sent.add(new Sent(intended, response.statusCode(), response.body()));
            } else {
                failed.incrementAndGet();
            }
            chain(requests, expectedStatus, end, counter, recorder, ok, failed, sent, done);
        });
    }

    /** {@code rate} requests per second for {@code duration}, each at its scheduled time, whatever came before. */
    Result open(double rate, Duration duration, IntFunction<HttpRequest> requests, int expectedStatus)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
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
            http.sendAsync(requests.apply(i), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                recorder.recordValue(Math.max(0, (System.nanoTime() - intendedNanos) / 1000));
                if (error == null && response.statusCode() == expectedStatus) {
                    ok.incrementAndGet();
                    sent.add(new Sent(intended, response.statusCode(), response.body()));
                } else {
                    failed.incrementAndGet();
                }
                done.countDown();
            });
        }
        done.await(60, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(ok.get(), failed.get(), seconds, recorder.getIntervalHistogram(), new ArrayList<>(sent));
    }

    void close() {
        pool.shutdownNow();
    }

}
