package org.cnx.audit.event;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cnx.audit.merkle.Frontier;
import org.jboss.logging.Logger;

/**
 * The only way into the log. Appends run one at a time (the {@link LogState} row is locked for the
 * rest of the transaction), so sequence numbers continue without gaps, and an event id already in
 * the log is skipped rather than logged twice. Each new event's leaf hash extends the Merkle tree's
 * frontier, which is saved with the new size in the same transaction: O(log n) per event.
 */
@ApplicationScoped
public class EventLog {

    private static final Logger LOG = Logger.getLogger(EventLog.class);

    private final EventRepository events;
    private final EventMapper mapper;

    EventLog(EventRepository events, EventMapper mapper) {
        this.events = events;
        this.mapper = mapper;
    }

    /** Appends validated events in the caller's transaction, which must commit for them to count. */
    @Transactional(Transactional.TxType.MANDATORY)
    public AppendResult append(List<EventRequest> batch) {
        LogState state = events.lockState();
        Frontier tree = Frontier.decode(state.size, state.frontier);
        // checked under the lock, so no concurrent append can slip the same id in between
        Map<UUID, String> logged = new HashMap<>(
                events.findCanonicalByEventIds(batch.stream().map(EventRequest::eventId).distinct().toList()));
        Instant recordedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        int appended = 0;
        for (EventRequest event : batch) {
            EventRequest normalized = event.normalized();
            String previous = logged.get(normalized.eventId());
            if (previous != null) {
                if (!previous.equals(CanonicalJson.of(normalized))) {
                    LOG.warnf("event %s re-sent with different content; the logged version stands",
                            normalized.eventId());
                }
                continue;
            }
            AuditEvent entity = mapper.toEntity(normalized, state.size + 1, recordedAt);
            events.persist(entity);
            tree.append(entity.leafHash);
            state.size = entity.seq;
            logged.put(entity.eventId, entity.canonical);
            appended++;
        }
        state.frontier = tree.encode();
        return new AppendResult(appended, batch.size() - appended);
    }
}
