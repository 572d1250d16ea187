package org.cnx.demopartner;

import java.time.Instant;
import java.util.List;

/** A page of a partner's arrival log: what arrived, in order; how many arrivals there are in all; repeats acknowledged. */
public record Arrivals(List<Arrival> items, int total, long duplicates) {

    /** One delivery's first arrival: its id, the report it carried (null for a recall), when it arrived. */
    public record Arrival(String deliveryId, String reportId, Instant receivedAt) {
    }
}
