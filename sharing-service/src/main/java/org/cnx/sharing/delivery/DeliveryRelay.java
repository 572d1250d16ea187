package org.cnx.sharing.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.partner.EndpointGuard;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Pushes released records, and recalls of them, to partner endpoints: the partner's current
 * registry entry (active, endpoint) decides where, and the endpoint is checked again before each
 * attempt (DNS may have changed since it was registered). Deliveries are claimed with
 * {@code FOR UPDATE SKIP LOCKED} and a lease (a crashed worker's claims expire and are retried); the
 * claim token fences completion, so a worker that lost its lease cannot mark a delivery done. 2xx is
 * delivered; 408, 429, 5xx and I/O errors are retried with exponential backoff and jitter
 * (honouring {@code Retry-After}) until the last attempt dead-letters; other statuses fail, and
 * redirects are never followed.
 */
@ApplicationScoped
public class DeliveryRelay {

    private static final Logger LOG = Logger.getLogger(DeliveryRelay.class);

    private static final String CLAIM = """
            WITH claimed AS (
              UPDATE delivery d SET lease_until = now() + ?::interval, claim = ?, attempts = d.attempts + 1
               WHERE d.id IN (SELECT id FROM delivery
                               WHERE status = 'PENDING' AND next_attempt_at <= now()
                                 AND (lease_until IS NULL OR lease_until < now())
                               ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
              RETURNING d.id, d.kind, d.report_id, d.release_id, d.partner, d.payload, d.payload_sha256, d.attempts)
            SELECT c.*, p.endpoint, p.active FROM claimed c LEFT JOIN partner p ON p.code = c.partner""";
    /**
     * Fenced by the claim. A delivery cancelled meanwhile (its report was withdrawn) keeps its status,
     * but the attempt's outcome is still recorded.
     */
    private static final String COMPLETE = """
            UPDATE delivery SET status = CASE WHEN status = 'PENDING' THEN cast(:status as varchar) ELSE status END,
                   last_status = :code, last_error = :error,
                   delivered_at = :deliveredAt, next_attempt_at = :next, lease_until = NULL, claim = NULL
             WHERE id = :id AND claim = :claim""";

    /** A claimed attempt; {@code endpoint} is null when the partner is no longer registered. */
    record Claimed(UUID id, UUID claim, Delivery.Kind kind, UUID reportId, UUID releaseId, String partner,
            String payload, String sha256, int attempt, String endpoint, boolean active) {
    }

    private record Outcome(Delivery.Status status, String action, Integer code, String error, Instant next) {
    }

    private final DataSource dataSource;
    private final EntityManager em;
    private final DeliveryConfig config;
    private final DeliverySigner signer;
    private final EndpointGuard guard;
    private final AuditTrail audit;
    private final HttpClient http;
    private final Semaphore signal = new Semaphore(0);
    private ExecutorService worker;
    private volatile boolean running;

    DeliveryRelay(DataSource dataSource, EntityManager em, DeliveryConfig config, DeliverySigner signer,
            EndpointGuard guard, AuditTrail audit) {
        this.dataSource = dataSource;
        this.em = em;
        this.config = config;
        this.signer = signer;
        this.guard = guard;
        this.audit = audit;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    void start(@Observes StartupEvent event) {
        if (!config.relayEnabled()) {
            return;
        }
        running = true;
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "delivery-relay");
            t.setDaemon(true);
            return t;
        });
        worker.submit(this::loop);
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    void wake() {
        if (signal.availablePermits() == 0) {
            signal.release();
        }
    }

    private void loop() {
        while (running) {
            try {
                List<Claimed> batch = claim();
                batch.forEach(this::attempt);
                if (batch.size() < config.batchSize()) {
                    signal.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | SQLException e) {
                LOG.warnf("delivery relay: %s", e.getMessage());
                signal.tryAcquire();
            }
        }
    }

    List<Claimed> claim() throws SQLException {
        List<Claimed> claimed = new ArrayList<>();
        UUID claim = UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setString(1, config.lease().toMillis() + " milliseconds");
            ps.setObject(2, claim);
            ps.setInt(3, config.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Claimed(rs.getObject("id", UUID.class), claim,
                            Delivery.Kind.valueOf(rs.getString("kind")), rs.getObject("report_id", UUID.class),
                            rs.getObject("release_id", UUID.class), rs.getString("partner"),
                            rs.getString("payload"), rs.getString("payload_sha256"), rs.getInt("attempts"),
                            rs.getString("endpoint"), rs.getBoolean("active")));
                }
            }
        }
        return claimed;
    }

    private void attempt(Claimed delivery) {
        Outcome outcome = send(delivery);
        QuarkusTransaction.requiringNew().run(() -> {
            int updated = em.createNativeQuery(COMPLETE)
                    .setParameter("status", outcome.status().name())
                    .setParameter("code", outcome.code())
                    .setParameter("error", outcome.error())
                    .setParameter("deliveredAt", outcome.status() == Delivery.Status.DELIVERED ? Instant.now() : null)
                    .setParameter("next", outcome.next())
                    .setParameter("id", delivery.id())
                    .setParameter("claim", delivery.claim())
                    .executeUpdate();
            if (updated == 0) {
                LOG.infof("delivery %s: lease lost, outcome of attempt %d discarded", delivery.id(), delivery.attempt());
                return;
            }
            Map<String, Object> details = new HashMap<>();
            details.put("kind", delivery.kind().name());
            details.put("attempt", delivery.attempt());
            if (outcome.code() != null) {
                details.put("httpStatus", outcome.code());
            }
            if (outcome.error() != null) {
                details.put("error", outcome.error());
            }
            if (outcome.status() == Delivery.Status.PENDING) {
                details.put("nextAttemptAt", outcome.next().toString());
            }
            audit.record(outcome.action(), outcome.status() == Delivery.Status.DELIVERED ? "SUCCESS" : "FAILURE",
                    AuditTrail.SYSTEM,
                    new AuditEvent.Subject(delivery.reportId(), delivery.releaseId(), delivery.id(), delivery.partner()),
                    delivery.sha256(), details);
        });
    }

    private Outcome send(Claimed delivery) {
        if (delivery.endpoint() == null) {
            return failed("partner is not registered");
        }
        if (!delivery.active()) {
            return failed("partner is not active");
        }
        // checked again at every attempt: the host may resolve elsewhere than when it was registered
        Optional<String> refusal = guard.refusal(delivery.endpoint());
        if (refusal.isPresent()) {
            return failed("endpoint refused: it " + refusal.get());
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(delivery.endpoint()))
                    .timeout(config.requestTimeout())
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + signer.sign(delivery.id(), delivery.partner(), delivery.sha256()))
                    .header("X-Cnx-Delivery-Id", delivery.id().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.payload(), StandardCharsets.UTF_8))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int code = response.statusCode();
            if (code >= 200 && code < 300) {
                return new Outcome(Delivery.Status.DELIVERED, "DELIVERY_SUCCEEDED", code, null, Instant.now());
            }
            if (code == 408 || code == 429 || code >= 500) {
                return retry(delivery, code, "HTTP " + code, retryAfter(response));
            }
            return new Outcome(Delivery.Status.FAILED, "DELIVERY_FAILED", code, "HTTP " + code, Instant.now());
        } catch (IOException | IllegalArgumentException e) {
            return retry(delivery, null, e.getClass().getSimpleName() + ": " + e.getMessage(), Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return retry(delivery, null, "interrupted", Duration.ZERO);
        }
    }

    private static Outcome failed(String error) {
        return new Outcome(Delivery.Status.FAILED, "DELIVERY_FAILED", null, error, Instant.now());
    }

    private Outcome retry(Claimed delivery, Integer code, String error, Duration retryAfter) {
        if (delivery.attempt() >= config.maxAttempts()) {
            return new Outcome(Delivery.Status.DEAD, "DELIVERY_DEAD", code, error, Instant.now());
        }
        long base = config.initialBackoff().toMillis() << Math.min(delivery.attempt() - 1, 20);
        long capped = Math.min(base, config.maxBackoff().toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        long wait = Math.min(Math.max(jittered, retryAfter.toMillis()), config.maxBackoff().toMillis());
        return new Outcome(Delivery.Status.PENDING, "DELIVERY_ATTEMPTED", code, error,
                Instant.now().plusMillis(wait));
    }

    /** {@code Retry-After} as seconds or an HTTP date; zero when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Duration.ZERO;
        }
        String value = header.get().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(Instant.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException ignored) {
                return Duration.ZERO;
            }
        }
    }
}
