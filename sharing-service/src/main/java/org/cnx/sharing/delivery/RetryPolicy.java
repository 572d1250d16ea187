package org.cnx.sharing.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * What a partner's answer means and when to try again: 2xx delivered; 408, 429, 5xx, time-outs and
 * connection errors are retried with exponential backoff and jitter, honouring {@code Retry-After}
 * (up to the longest backoff); 410 disables the partner's endpoint; any other status (other 4xx, 3xx,
 * which is never followed) fails the delivery.
 */
public final class RetryPolicy {

    public enum Verdict { DELIVERED, RETRY, FAILED, GONE }

    private final int maxAttempts;
    private final long initialMillis;
    private final double multiplier;
    private final double jitter;
    private final long maxMillis;
    private final DoubleSupplier random;

    /** {@code random} yields uniform values in [0, 1). */
    RetryPolicy(int maxAttempts, Duration initial, double multiplier, double jitter, Duration max,
            DoubleSupplier random) {
        if (maxAttempts < 1 || multiplier < 1 || jitter < 0 || jitter >= 1 || initial.isNegative()
                || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("retry policy: need max-attempts ≥ 1, backoff-multiplier ≥ 1, "
                    + "0 ≤ jitter < 1 and 0 ≤ initial-backoff ≤ max-backoff");
        }
        this.maxAttempts = maxAttempts;
        this.initialMillis = initial.toMillis();
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    static RetryPolicy of(DeliveryConfig config) {
        return new RetryPolicy(config.maxAttempts(), config.initialBackoff(), config.backoffMultiplier(),
                config.jitter(), config.maxBackoff(), Math::random);
    }

    public static Verdict classify(int status) {
        if (status >= 200 && status < 300) {
            return Verdict.DELIVERED;
        }
        if (status == 410) {
            return Verdict.GONE;
        }
        if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
            return Verdict.RETRY;
        }
        return Verdict.FAILED;
    }

    /** After a retryable failure of {@code attempt} (1-based): is that the last one? */
    public boolean exhausted(int attempt) {
        return attempt >= maxAttempts;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** The scheduled wait after attempt {@code attempt}, before jitter. */
    public Duration nominalDelay(int attempt) {
        double millis = initialMillis * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxMillis));
    }

    /** The wait after attempt {@code attempt}: jittered, never shorter than {@code retryAfter}, never above the cap. */
    public Duration delay(int attempt, Duration retryAfter) {
        long nominal = nominalDelay(attempt).toMillis();
        long jittered = Math.round(nominal * (1 + jitter * (2 * random.getAsDouble() - 1)));
        // compared as durations: a Retry-After past 292 million years overflowed toMillis(), and every attempt's
        // outcome went unrecorded until the lease ran out
        long asked = retryAfter == null ? 0 : retryAfter.compareTo(Duration.ofMillis(maxMillis)) > 0 ? maxMillis
                : retryAfter.toMillis();
        long wait = Math.max(jittered, asked);
        return Duration.ofMillis(Math.max(0, Math.min(wait, maxMillis)));
    }

    /** The whole schedule without jitter: the sum of the waits between the first and the last attempt. */
    public Duration nominalSchedule() {
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            total = total.plus(nominalDelay(attempt));
        }
        return total;
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110 §10.2.3); zero when unreadable. */
    public static Duration retryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Duration.ZERO;
        }
        String value = header.get().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException ignored) {
                return Duration.ZERO;
            }
        }
    }
}
