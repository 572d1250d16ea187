package org.cnx.intake.outbox;

import java.time.Duration;

/** Delivers one batch (a JSON array) to a destination; throws when the batch must be retried. */
public interface OutboxSender {

    String destination();

    void send(String jsonArray);

    /**
     * How long the relay waits, once a commit has signalled new messages, before it claims them, so that the
     * messages of the commits that follow travel in the same request. None by default: on a report's way to a
     * partner every millisecond is latency.
     */
    default Duration linger() {
        return Duration.ZERO;
    }
}
