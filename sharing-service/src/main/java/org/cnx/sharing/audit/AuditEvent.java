package org.cnx.sharing.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The event contract of audit-service's {@code POST /internal/v1/events} (DESIGN §4). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(UUID eventId, Instant occurredAt, String service, String action, Actor actor,
        Subject subject, String outcome, String payloadSha256, Map<String, Object> details) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Actor(String sub, String agency, List<String> roles) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Subject(UUID reportId, UUID releaseId, UUID deliveryId, String partner) {

        public static Subject report(UUID reportId) {
            return new Subject(reportId, null, null, null);
        }

        public static Subject release(UUID reportId, UUID releaseId, String partner) {
            return new Subject(reportId, releaseId, null, partner);
        }
    }
}
