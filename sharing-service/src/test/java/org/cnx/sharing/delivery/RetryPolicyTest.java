package org.cnx.sharing.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The partner's answer → what happens next, and the default schedule of about a day. */
class RetryPolicyTest {

    /** The defaults of DeliveryConfig: 8 attempts, 4 min × 2.5, ±50 %, at most 12 h. */
    private static RetryPolicy defaults(double random) {
        return new RetryPolicy(8, Duration.ofMinutes(4), 2.5, 0.5, Duration.ofHours(12), () -> random);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void twoHundredsDeliver(int status) {
        assertEquals(RetryPolicy.Verdict.DELIVERED, RetryPolicy.classify(status));
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504, 599})
    void timeoutsThrottlingAndServerErrorsAreRetried(int status) {
        assertEquals(RetryPolicy.Verdict.RETRY, RetryPolicy.classify(status));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 409, 413, 422, 301, 302, 303, 307, 308, 100, 600})
    void otherClientErrorsAndRedirectsFail(int status) {
        assertEquals(RetryPolicy.Verdict.FAILED, RetryPolicy.classify(status));
    }

    @Test
    void goneDisablesTheEndpoint() {
        assertEquals(RetryPolicy.Verdict.GONE, RetryPolicy.classify(410));
    }

    @Test
    void theDefaultScheduleIsEightAttemptsOverAboutADay() {
        RetryPolicy policy = defaults(0.5);
        assertEquals(8, policy.maxAttempts());
        assertTrue(!policy.exhausted(7) && policy.exhausted(8));
        assertEquals(Duration.ofMinutes(4), policy.nominalDelay(1));
        assertEquals(Duration.ofMinutes(10), policy.nominalDelay(2));
        assertEquals(Duration.ofMinutes(25), policy.nominalDelay(3));
        assertEquals(Duration.ofHours(12), policy.nominalDelay(7), "capped");
        Duration total = policy.nominalSchedule();
        assertTrue(total.compareTo(Duration.ofHours(20)) > 0 && total.compareTo(Duration.ofHours(26)) < 0,
                "about a day: " + total);
        // with the jitter at its extremes the whole schedule still spans half a day to a day and a half
        Duration shortest = Duration.ZERO;
        Duration longest = Duration.ZERO;
        for (int attempt = 1; attempt < 8; attempt++) {
            shortest = shortest.plus(defaults(0).delay(attempt, Duration.ZERO));
            longest = longest.plus(defaults(0.999999).delay(attempt, Duration.ZERO));
        }
        assertTrue(shortest.compareTo(Duration.ofHours(10)) > 0, shortest.toString());
        assertTrue(longest.compareTo(Duration.ofHours(36)) < 0, longest.toString());
    }

    @Property
    boolean jitterStaysWithinHalfEitherWayAndUnderTheCap(@ForAll @IntRange(min = 1, max = 12) int attempt,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double random) {
        RetryPolicy policy = defaults(random);
        long nominal = policy.nominalDelay(attempt).toMillis();
        long delay = policy.delay(attempt, Duration.ZERO).toMillis();
        return delay >= nominal / 2 && delay <= Math.min(nominal * 3 / 2 + 1, Duration.ofHours(12).toMillis());
    }

    @Test
    void retryAfterIsHonouredUpToTheLongestBackoff() {
        RetryPolicy policy = defaults(0);
        assertEquals(Duration.ofMinutes(30), policy.delay(1, Duration.ofMinutes(30)));
        assertEquals(Duration.ofHours(12), policy.delay(1, Duration.ofDays(3)));
        // the partner's largest number of seconds, past what a long counts in milliseconds
        Duration forever = RetryPolicy.retryAfter(Optional.of(Long.toString(Long.MAX_VALUE)), Instant.now());
        assertEquals(Duration.ofHours(12), policy.delay(1, forever));
        // a shorter Retry-After does not shorten the schedule
        assertEquals(Duration.ofMinutes(2), policy.delay(1, Duration.ofSeconds(5)));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        assertEquals(Duration.ofSeconds(120), RetryPolicy.retryAfter(Optional.of(" 120 "), now));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.of(2026, 11, 28, 10, 5, 0, 0,
                ZoneOffset.UTC));
        assertEquals(Duration.ofMinutes(5), RetryPolicy.retryAfter(Optional.of(date), now));
        assertEquals(Duration.ZERO, RetryPolicy.retryAfter(Optional.of("soon"), now));
        assertEquals(Duration.ZERO, RetryPolicy.retryAfter(Optional.of("-5"), now));
        assertEquals(Duration.ZERO, RetryPolicy.retryAfter(Optional.empty(), now));
    }

    /** RFC 9110 §5.6.7: a recipient reads the two obsolete date forms too, and more digits than a long holds. */
    @Test
    void retryAfterIsReadInTheObsoleteDateFormsAndPastWhatALongHolds() {
        Instant now = Instant.parse("2026-12-05T10:00:00Z");
        assertEquals(Duration.ofMinutes(5), RetryPolicy.retryAfter(Optional.of("Saturday, 05-Dec-26 10:05:00 GMT"),
                now));
        // asctime pads a one-digit day with a space and names no zone: it is GMT
        assertEquals(Duration.ofMinutes(5), RetryPolicy.retryAfter(Optional.of("Sat Dec  5 10:05:00 2026"), now));
        assertEquals(Duration.ofDays(10).plusMinutes(5),
                RetryPolicy.retryAfter(Optional.of("Tue Dec 15 10:05:00 2026"), now));
        // a two-digit year more than 50 years ahead is the last century's: 1999, long past
        assertEquals(Duration.ZERO, RetryPolicy.retryAfter(Optional.of("Sunday, 05-Dec-99 10:05:00 GMT"), now));
        assertEquals(Duration.ofDays(365 * 50 + 13), RetryPolicy.retryAfter(
                Optional.of("Saturday, 05-Dec-76 10:00:00 GMT"), now));
        assertEquals(Duration.ofHours(12), defaults(0).delay(1,
                RetryPolicy.retryAfter(Optional.of("99999999999999999999"), now)));
    }

    @Test
    void anImpossibleScheduleIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(0, Duration.ofMinutes(1), 2, 0.5, Duration.ofHours(1), () -> 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(8, Duration.ofMinutes(1), 0.5, 0.5, Duration.ofHours(1), () -> 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(8, Duration.ofMinutes(1), 2, 1.5, Duration.ofHours(1), () -> 0.5));
    }
}
