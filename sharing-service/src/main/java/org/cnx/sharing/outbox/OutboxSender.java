package org.cnx.sharing.outbox;

import java.time.Duration;
import java.util.OptionalInt;

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

    /** Messages in one POST, at most, where a message may carry several elements; else {@code cnx.outbox.batch-size}. */
    default OptionalInt batchSize() {
        return OptionalInt.empty();
    }
}
