package org.cnx.sharing.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
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

    /** asctime-date: "Sun Nov  6 08:49:37 1994", the day padded with a space, in GMT without saying so. */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter
            .ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /**
     * {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110 §10.2.3) in any of the three forms a
     * recipient must read (§5.6.7); zero when unreadable or past. Seconds beyond a long are the longest wait.
     */
    public static Duration retryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Duration.ZERO;
        }
        String value = header.get().trim();
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return value.length() > 18 ? Duration.ofSeconds(Long.MAX_VALUE) : Duration.ofSeconds(Long.parseLong(value));
        }
        for (DateTimeFormatter form : List.of(DateTimeFormatter.RFC_1123_DATE_TIME, rfc850(now), ASCTIME)) {
            try {
                Duration d = Duration.between(now, ZonedDateTime.parse(value, form).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            }
        }
        return Duration.ZERO;
    }

    /**
     * rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT". Its two-digit year is the one within 50 years ahead of
     * {@code now}, else the last century's.
     */
    private static DateTimeFormatter rfc850(Instant now) {
        int year = now.atZone(ZoneOffset.UTC).getYear();
        return new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
                .appendValueReduced(ChronoField.YEAR, 2, 2, year - 49).appendPattern(" HH:mm:ss 'GMT'")
                .toFormatter(Locale.ENGLISH).withZone(ZoneOffset.UTC);
    }
}
