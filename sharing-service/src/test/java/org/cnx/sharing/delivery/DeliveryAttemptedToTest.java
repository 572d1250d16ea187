package org.cnx.sharing.delivery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Whether a partner's entry is the one a delivery's attempts went to: what a withdrawal's recall may reach. */
class DeliveryAttemptedToTest {

    private static final Instant REGISTERED = Instant.parse("2026-11-01T00:00:00Z");

    private static Delivery delivery(Instant createdAt, Instant lastAttemptAt) {
        Delivery d = new Delivery();
        d.createdAt = createdAt;
        d.lastAttemptAt = lastAttemptAt;
        return d;
    }

    @Test
    void theEntryRegisteredBeforeTheLastAttemptIsTheOneItWentTo() {
        assertTrue(delivery(REGISTERED.plusSeconds(10), REGISTERED.plusSeconds(20)).attemptedTo(REGISTERED));
        assertFalse(delivery(REGISTERED.minusSeconds(20), REGISTERED.minusSeconds(10)).attemptedTo(REGISTERED),
                "registered again after the attempt: another holder");
        assertFalse(delivery(REGISTERED.plusSeconds(10), REGISTERED.plusSeconds(20)).attemptedTo(null), "removed");
    }

    /**
     * A record delivered before V3 added last_attempt_at has none: its recall failed at once as if its partner were
     * gone, and the partner kept the withdrawn report.
     */
    @Test
    void aDeliveryFromBeforeAttemptTimesWereKeptGoesByItsCreation() {
        assertTrue(delivery(REGISTERED.plusSeconds(10), null).attemptedTo(REGISTERED));
        assertFalse(delivery(REGISTERED.minusSeconds(10), null).attemptedTo(REGISTERED));
    }
}
