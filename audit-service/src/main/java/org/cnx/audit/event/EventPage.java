package org.cnx.audit.event;

import java.util.List;

/** One page of {@code GET /api/v1/events}; {@code next} is null on the last page. */
public record EventPage(List<EventView> items, String next) {
}
