package org.cnx.sharing.jdbc;

import java.util.concurrent.atomic.AtomicLong;

import org.hibernate.SessionEventListener;

/**
 * Counts the JDBC round trips Hibernate makes, in every session (registered for tests through
 * {@code hibernate.session.events.auto}): each batch it executes, and each statement it executes on its own
 * (a query, or a row it could not batch). A hand-over's rows should go in a few batches, not one per row.
 */
public class JdbcCounter implements SessionEventListener {

    private static final AtomicLong ROUND_TRIPS = new AtomicLong();

    public static long roundTrips() {
        return ROUND_TRIPS.get();
    }

    @Override
    public void jdbcExecuteBatchStart() {
        ROUND_TRIPS.incrementAndGet();
    }

    @Override
    public void jdbcExecuteStatementStart() {
        ROUND_TRIPS.incrementAndGet();
    }
}
