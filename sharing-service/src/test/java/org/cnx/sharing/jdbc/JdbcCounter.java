package org.cnx.sharing.jdbc;

import java.util.concurrent.atomic.AtomicLong;

import org.hibernate.SessionEventListener;

/**
 * Counts the JDBC batches Hibernate executes, in every session (registered for tests through
 * {@code hibernate.session.events.auto}): a hand-over's rows should go in a few batches, not one per row.
 */
public class BatchCounter implements SessionEventListener {

    private static final AtomicLong BATCHES = new AtomicLong();

    public static long batches() {
        return BATCHES.get();
    }

    @Override
    public void jdbcExecuteBatchStart() {
        BATCHES.incrementAndGet();
    }
}
