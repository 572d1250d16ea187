package org.cnx.audit.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.node.ObjectNode;

@ApplicationScoped
public class EventService {

    private final EventLog log;
    private final EventRepository events;
    private final EventMapper mapper;

    EventService(EventLog log, EventRepository events, EventMapper mapper) {
        this.log = log;
        this.events = events;
        this.mapper = mapper;
    }

    /** The whole batch in one transaction: all of it is logged, or none. */
    @Transactional
    public AppendResult append(List<EventRequest> batch) {
        return log.append(batch);
    }

    /**
     * One page of events in seq order, and an {@code AUDIT_QUERIED} event for the read, committed
     * together: no page leaves this service without its read being logged. A walk covers the log as it was at its
     * first page (its cursors carry that size), so it ends although each page adds an event.
     */
    @Transactional
    public EventPage query(EventFilter filter, String after, int limit, JsonWebToken auditor) {
        Cursor at = Cursor.decode(after);
        long upTo = at.upTo() == Cursor.UNBOUNDED ? events.size() : at.upTo();
        List<AuditEvent> rows = events.page(filter, at.after(), upTo, limit + 1);
        boolean more = rows.size() > limit;
        List<AuditEvent> page = more ? rows.subList(0, limit) : rows;
        List<EventView> items = page.stream().map(mapper::toView).toList();
        String next = more ? new Cursor(page.get(page.size() - 1).seq, upTo).encode() : null;

        ObjectNode details = filter.toJson();
        if (after != null) {
            details.put("after", after);
        }
        details.put("limit", limit);
        log.append(List.of(new EventRequest(UUID.randomUUID(), Instant.now(), ServiceName.AUDIT,
                Action.AUDIT_QUERIED, actor(auditor), null, Outcome.SUCCESS, null, details)));
        return new EventPage(items, next);
    }

    /**
     * Logs a read of the log (or a refused one) by the caller: {@code AUDIT_QUERIED} or {@code ACCESS_DENIED}, in its
     * own transaction, committed before the caller gets the result.
     */
    @Transactional
    public void recordRead(JsonWebToken caller, Action action, Outcome outcome, EventRequest.Subject subject,
            ObjectNode details) {
        log.append(List.of(new EventRequest(UUID.randomUUID(), Instant.now(), ServiceName.AUDIT, action, actor(caller),
                subject, outcome, null, details)));
    }

    private static EventRequest.Actor actor(JsonWebToken token) {
        return new EventRequest.Actor(token.getSubject(), token.getClaim("agency"),
                token.getGroups().stream().sorted().toList());
    }
}
