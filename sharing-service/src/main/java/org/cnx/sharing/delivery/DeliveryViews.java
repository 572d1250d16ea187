package org.cnx.sharing.delivery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What liaison officers and exchange-admins see of deliveries. */
public final class DeliveryViews {

    private DeliveryViews() {
    }

    @Schema(name = "DeliverySummary")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Summary(
            @Schema(description = "the delivery id: the token's jti and the X-Cnx-Delivery-Id header") UUID id,
            Delivery.Kind kind, UUID releaseId, UUID reportId, String partner, Delivery.Status status,
            @Schema(description = "attempts made (since the last redelivery)") int attempts,
            @Schema(description = "attempts before the delivery is dead-lettered") int maxAttempts,
            @Schema(description = "HTTP status beside lastError: of the latest attempt, or of the one before a "
                    + "withdrawal or the partner's removal ended the delivery (the later attempts' in attemptHistory); "
                    + "absent when none came back") Integer lastHttpStatus,
            @Schema(description = "why the latest attempt did not deliver") String lastError,
            Instant lastAttemptAt,
            @Schema(description = "when it is tried next (PENDING only)") Instant nextAttemptAt,
            Instant createdAt, Instant deliveredAt,
            @Schema(description = "SHA-256 of the body, as in the token's body_sha256 claim") String payloadSha256) {

        static Summary of(Delivery d, int maxAttempts) {
            return new Summary(d.id, d.kind, d.releaseId, d.reportId, d.partner, d.status, d.attempts, maxAttempts,
                    d.lastStatus, d.lastError, d.lastAttemptAt,
                    d.status == Delivery.Status.PENDING ? d.nextAttemptAt : null, d.createdAt, d.deliveredAt,
                    d.payloadSha256);
        }
    }

    public record Page(List<Summary> items, String next) {
    }

    @Schema(name = "DeliveryAttempt")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptView(int attempt, Instant startedAt, Instant finishedAt,
            @Schema(description = "DELIVERED, RETRY, FAILED, DEAD (the last attempt), GONE (410: endpoint disabled) or "
                    + "GIVEN_BACK (cut short by a shutdown, not counted, tried again at once: it may have arrived)")
            String outcome, Integer httpStatus, String error,
            @Schema(description = "the replica (host/process) that made the attempt") String relay) {

        static AttemptView of(DeliveryAttempt a) {
            return new AttemptView(a.attempt, a.startedAt, a.finishedAt, a.outcome, a.httpStatus, a.error, a.relay);
        }
    }

    /** A delivery with its attempt history (kept for {@code cnx.delivery.attempt-retention}). */
    @Schema(name = "DeliveryDetail")
    public record Detail(Summary delivery, List<AttemptView> attemptHistory) {
    }

    /**
     * One partner's endpoint and the deliveries to it. The counts take in every country's deliveries, so only
     * exchange-admins get them; a liaison officer gets the endpoint's state and failure rate, and counts their own
     * country's deliveries in {@code GET /api/v1/deliveries}.
     */
    @Schema(name = "PartnerDeliveryHealth")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PartnerHealth(String partner,
            @Schema(description = "false: no deliveries go out (pending ones wait)") boolean active,
            @Schema(description = "when the relay disabled the endpoint (it answered 410 Gone)") Instant disabledAt,
            String disabledReason,
            @Schema(description = "the latest delivery it acknowledged with a 2xx") Instant lastSuccessAt,
            @Schema(description = "the latest attempt within the window") Instant lastAttemptAt,
            @Schema(description = "deliveries waiting (PENDING); exchange-admins only") Long backlog,
            @Schema(description = "when the oldest waiting delivery was scheduled; exchange-admins only")
            Instant oldestPendingSince,
            @Schema(description = "dead-lettered deliveries (replayable); exchange-admins only") Long deadLetters,
            @Schema(description = "attempts within the window; exchange-admins only") Long attempts,
            @Schema(description = "attempts within the window that did not deliver; exchange-admins only")
            Long failedAttempts,
            @Schema(description = "failedAttempts / attempts; absent without attempts") Double failureRate) {

        /** The endpoint's state and failure rate, without the counts of every country's deliveries. */
        PartnerHealth endpointOnly() {
            return new PartnerHealth(partner, active, disabledAt, disabledReason, lastSuccessAt, lastAttemptAt, null,
                    null, null, null, null, failureRate);
        }
    }

    /** A sharing replica's delivery relay, and its share of the per-partner limit. */
    @Schema(name = "DeliveryRelay")
    public record RelayView(@Schema(description = "host/process, as the attempts and audit events name it") String name,
            @Schema(description = "when it last said it was alive") Instant seenAt,
            @Schema(description = "requests it may have in flight to one partner") int share) {
    }

    @Schema(name = "DeliveryHealth")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Health(
            @Schema(description = "the period of attempts behind the failure rates (ISO-8601)", example = "PT1H")
            String window, Instant asOf, List<PartnerHealth> partners,
            @Schema(description = "requests in flight to one partner at a time, across all replicas; exchange-admins only")
            Integer perPartnerConcurrency,
            @Schema(description = "the relays running, which share that limit out; exchange-admins only")
            List<RelayView> relays) {
    }
}
