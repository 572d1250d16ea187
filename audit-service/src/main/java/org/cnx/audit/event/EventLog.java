package org.cnx.audit.event;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cnx.audit.merkle.Frontier;
import org.cnx.audit.problem.Problem;
import org.cnx.audit.problem.ProblemException;
import org.jboss.logging.Logger;

/**
 * The only way into the log. Appends run one at a time (the {@link LogState} row is locked for the
 * rest of the transaction), so sequence numbers continue without gaps, and an event id already in
 * the log is skipped rather than logged twice (with other content, the batch is refused). Each new
 * event's leaf hash extends the Merkle tree's frontier, which is saved with the new size in the same
 * transaction: O(log n) per event.
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
        List<Problem.FieldError> reused = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            EventRequest normalized = batch.get(i).normalized();
            String previous = logged.get(normalized.eventId());
            if (previous != null) {
                if (!previous.equals(CanonicalJson.of(normalized))) {
                    reused.add(new Problem.FieldError("/" + i + "/eventId", "event " + normalized.eventId()
                            + " is logged with other content"));
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
        if (!reused.isEmpty()) {
            // refused, not acknowledged as a duplicate: the producer then deleted it from its outbox, and what it said
            // the second time was lost without a trace but this service's log. Refused, it waits in the outbox.
            LOG.warnf("%d event(s) re-sent with other content; the batch is refused: %s", reused.size(), reused);
            throw new ProblemException(422, "event-id-reused", "Unprocessable Content", "An event id of the batch is "
                    + "logged with other content; the log keeps what it logged, and nothing of the batch was appended.",
                    reused);
        }
        state.frontier = tree.encode();
        return new AppendResult(appended, batch.size() - appended);
    }
}
