package org.cnx.audit.event;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event of a {@code POST /internal/v1/events} batch, as producers send it (null fields omitted).
 * {@code seq} and {@code recordedAt} are server-owned and therefore absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventRequest(
        @NotNull UUID eventId,
        @NotNull @JsonDeserialize(using = UtcInstant.class) Instant occurredAt,
        @NotNull ServiceName service,
        @NotNull Action action,
        @NotNull @Valid Actor actor,
        @Valid Subject subject,
        @NotNull Outcome outcome,
        @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lowercase hex digits") String payloadSha256,
        ObjectNode details) {

    /**
     * The event as the log stores it: {@code occurredAt} at the database's microsecond precision and
     * an all-empty subject dropped, so that the stored columns and the canonical text agree.
     */
    EventRequest normalized() {
        return new EventRequest(eventId, occurredAt.truncatedTo(ChronoUnit.MICROS), service, action, actor,
                subject == null || subject.isEmpty() ? null : subject, outcome, payloadSha256, details);
    }

    /** Who acted: a person or partner system from the IdP, or a service acting on its own. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Actor(
            @NotBlank @Size(max = 255) String sub,
            @Size(max = 64) String agency,
            @Size(max = 20) List<@NotBlank @Size(max = 64) String> roles) {
    }

    /** What the event is about; every field optional. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Subject(UUID reportId, UUID releaseId, UUID deliveryId, @Size(max = 64) String partner) {

        boolean isEmpty() {
            return reportId == null && releaseId == null && deliveryId == null && partner == null;
        }
    }
}
