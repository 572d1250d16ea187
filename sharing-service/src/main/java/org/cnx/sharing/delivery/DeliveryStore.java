package org.cnx.sharing.delivery;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The delivery table as the relay uses it, in plain SQL: one statement claims due rows for every
 * active partner with free capacity, another records a batch of outcomes, fenced by claim and attempt.
 */
@ApplicationScoped
class DeliveryStore {

    /**
     * Per active partner, up to its free capacity (the concurrency limit minus the requests this relay
     * has in flight to it) of its due rows, oldest due first, skipping rows another relay holds locked;
     * the claim counts the attempt and leases the row. Rows of inactive partners stay pending.
     */
    private static final String CLAIM = """
            WITH lanes AS (
              SELECT p.code, p.endpoint, greatest(0, ? - coalesce(b.busy, 0)) AS free
                FROM partner p LEFT JOIN unnest(?::text[], ?::int[]) AS b(code, busy) ON b.code = p.code
               WHERE p.active),
            picked AS (
              SELECT x.id, l.endpoint FROM lanes l CROSS JOIN LATERAL (
                SELECT d.id FROM delivery d
                 WHERE d.partner = l.code AND d.status = 'PENDING' AND d.next_attempt_at <= now()
                   AND (d.lease_until IS NULL OR d.lease_until < now())
                 ORDER BY d.next_attempt_at LIMIT l.free FOR UPDATE SKIP LOCKED) x
               WHERE l.free > 0)
            UPDATE delivery d SET lease_until = now() + ?::interval, claim = ?, attempts = d.attempts + 1,
                   last_attempt_at = now()
              FROM picked WHERE d.id = picked.id
            RETURNING d.id, d.attempts, d.kind, d.report_id, d.release_id, d.partner, d.payload, d.payload_sha256,
                      picked.endpoint""";

    /**
     * Only the claim that made the attempt may record its outcome: a relay whose lease ran out (and whose
     * row another relay has claimed since, with a new claim and attempt number) changes nothing. A delivery
     * cancelled meanwhile (its report withdrawn, its release cancelled by a change), or failed with its partner's
     * removal (the one way a failed row keeps its claim), keeps its status unless the attempt landed: an attempt that
     * landed is delivered whatever happened meanwhile, since the partner holds the record or the recall, and an officer
     * listing what was delivered must see it (a release stays cancelled). A status kept keeps its reason and its HTTP
     * status too (the attempt's own answer is in its history): an in-flight 503 replaced "partner is not registered",
     * and then stood beside it.
     */
    private static final String COMPLETE = """
            UPDATE delivery d SET status = CASE WHEN d.status = 'PENDING' OR u.status = 'DELIVERED' THEN u.status
                                                ELSE d.status END,
                   last_status = CASE WHEN d.status = 'PENDING' OR u.status = 'DELIVERED' THEN u.code
                                      ELSE d.last_status END,
                   last_error = CASE WHEN d.status = 'PENDING' OR u.status = 'DELIVERED' THEN u.error
                                     ELSE d.last_error END,
                   next_attempt_at = u.next_at,
                   delivered_at = CASE WHEN u.status = 'DELIVERED' THEN u.finished_at ELSE d.delivered_at END,
                   lease_until = NULL, claim = NULL
              FROM unnest(?::uuid[], ?::int[], ?::uuid[], ?::varchar[], ?::int[], ?::text[], ?::timestamptz[],
                          ?::timestamptz[]) AS u(id, attempt, claim, status, code, error, next_at, finished_at)
             WHERE d.id = u.id AND d.attempts = u.attempt AND d.claim = u.claim
            RETURNING d.id, d.status""";

    /** Deliveries locked in id order, the one order in which a transaction locks several of them. */
    private static final String LOCK_IN_ORDER =
            "SELECT id, status FROM delivery WHERE id = ANY(?::uuid[]) ORDER BY id FOR UPDATE";

    private static final String INSERT_ATTEMPTS = """
            INSERT INTO delivery_attempt (delivery_id, partner, attempt, started_at, finished_at, outcome, http_status,
                                          error, relay)
            SELECT * FROM unnest(?::uuid[], ?::varchar[], ?::int[], ?::timestamptz[], ?::timestamptz[], ?::varchar[],
                                 ?::int[], ?::text[], ?::varchar[])""";

    /** Only the endpoint that answered 410: an exchange-admin may have moved the partner while it was asked. */
    private static final String DISABLE_PARTNER = """
            UPDATE partner SET active = false, disabled_at = clock_timestamp(), disabled_reason = ?,
                   updated_at = clock_timestamp()
             WHERE code = ? AND active AND endpoint = ?""";

    /**
     * Retries whose partner an exchange-admin moved while the attempt was in flight, to the old endpoint: due at once
     * at the new one, as the move makes every other waiting delivery (a backoff earned at the old address).
     */
    private static final String DUE_AT_NEW_ENDPOINT = """
            UPDATE delivery d SET next_attempt_at = now()
              FROM unnest(?::uuid[], ?::text[]) AS u(id, endpoint), partner p
             WHERE d.id = u.id AND d.status = 'PENDING' AND d.next_attempt_at > now() AND p.code = d.partner
               AND p.endpoint <> u.endpoint""";

    /**
     * The partners of {@code ?} none of whose deliveries landed within the outage window (the attempts of the batch
     * that lands one are not recorded yet) are back: their retries waiting out a backoff are due at once. A partner
     * down for an hour had its records' next attempts hours away, spread by the backoff, and they arrived that much
     * later once it answered again. Not a delivery the partner answered 429 (it asked for fewer requests, which its
     * answering others does not withdraw), nor an attempt in flight. A partner that answers others meanwhile leaves a
     * delivery it refuses to its backoff: a record its bug fails with a 500 would otherwise be tried again after each
     * success, and dead-lettered within minutes. Nor one whose failure was the partner's answer rather than its absence
     * (only no answer, 408, 502, 503 and 504 say it was away): at a partner that takes a record every few minutes or
     * less often, no delivery lands within the window before each one that does, and a record its bug fails with a
     * 500 came due after every other.
     */
    private static final String DUE_ON_RECOVERY = """
            WITH back AS (
              SELECT u.code FROM unnest(?::text[]) AS u(code)
               WHERE NOT EXISTS (SELECT 1 FROM delivery_attempt x
                                  WHERE x.partner = u.code AND x.finished_at > now() - ?::interval
                                    AND x.outcome = 'DELIVERED'))
            UPDATE delivery d SET next_attempt_at = now()
              FROM back
             WHERE d.partner = back.code AND d.status = 'PENDING' AND d.attempts > 0 AND d.next_attempt_at > now()
               AND (d.lease_until IS NULL OR d.lease_until < now())
               AND (d.last_status IS NULL OR d.last_status IN (408, 502, 503, 504))
            RETURNING d.partner""";

    /**
     * Deliveries an answer from the partner's old endpoint just failed or dead-lettered (a 404 or a 308 from the
     * address it left, a refusal of the guard) while an exchange-admin moved it: pending again, due at once at the new
     * one. The old address's answer says nothing of the new one's. A dead one gets its attempts anew there, counted
     * as a replay (a withdrawal still recalls what the old ones may have delivered). Not for a partner registered
     * under the code since the attempt began: its predecessor's removal failed the delivery.
     */
    private static final String REVIVED_AT_NEW_ENDPOINT = """
            UPDATE delivery d SET status = 'PENDING', next_attempt_at = now(),
                   attempts = CASE WHEN d.status = 'DEAD' THEN 0 ELSE d.attempts END,
                   replays = d.replays + CASE WHEN d.status = 'DEAD' THEN 1 ELSE 0 END
              FROM unnest(?::uuid[], ?::text[], ?::varchar[]) AS u(id, endpoint, status), partner p
             WHERE d.id = u.id AND d.status = u.status AND p.code = d.partner AND p.endpoint <> u.endpoint
               AND p.created_at <= d.last_attempt_at
            RETURNING d.id""";

    /**
     * Per registered partner: its state, backlog, dead letters, last success and attempts within the window. Each
     * registered partner's deliveries and attempts since it was registered (a code registered again showed its
     * predecessor's last success and dead letters); a dead letter counts while it can be replayed: a recall, or a
     * record whose release still stands (one cancelled or recalled since is a 409 to replay, and stayed counted).
     */
    private static final String HEALTH = """
            SELECT p.code, p.active, p.disabled_at, p.disabled_reason,
                   (SELECT max(d.delivered_at) FROM delivery d WHERE d.partner = p.code AND d.status = 'DELIVERED'
                       AND d.created_at >= p.created_at),
                   a.last_attempt,
                   (SELECT count(*) FROM delivery d WHERE d.partner = p.code AND d.status = 'PENDING'
                       AND d.created_at >= p.created_at),
                   (SELECT min(d.created_at) FROM delivery d WHERE d.partner = p.code AND d.status = 'PENDING'
                       AND d.created_at >= p.created_at),
                   (SELECT count(*) FROM delivery d WHERE d.partner = p.code AND d.status = 'DEAD'
                       AND d.created_at >= p.created_at AND (d.kind = 'RECALL' OR EXISTS (SELECT 1 FROM release r
                           WHERE r.id = d.release_id AND r.status = 'RELEASED'))),
                   a.attempts, a.failures
              FROM partner p CROSS JOIN LATERAL (
                     SELECT count(*) AS attempts,
                            count(*) FILTER (WHERE x.outcome NOT IN ('DELIVERED', 'GIVEN_BACK')) AS failures,
                            max(x.finished_at) AS last_attempt
                       FROM delivery_attempt x WHERE x.partner = p.code AND x.finished_at > now() - ?::interval
                        AND x.finished_at >= p.created_at) a
             ORDER BY p.code""";

    /** Pending deliveries to partners no longer registered (removed by an exchange-admin), not held by a relay. */
    private static final String ORPHANS = """
            UPDATE delivery d SET status = 'FAILED', last_error = 'partner is not registered', last_status = NULL,
                   lease_until = NULL, claim = NULL
             WHERE d.id IN (SELECT o.id FROM delivery o
                             WHERE o.status = 'PENDING' AND (o.lease_until IS NULL OR o.lease_until < now())
                               AND NOT EXISTS (SELECT 1 FROM partner p WHERE p.code = o.partner)
                             LIMIT ? FOR UPDATE SKIP LOCKED)
            RETURNING d.id, d.kind, d.report_id, d.release_id, d.partner, d.payload_sha256, d.attempts""";

    /**
     * Every pending delivery to a partner being removed, in flight or not: an attempt in flight keeps its claim, so
     * that its outcome is recorded, and the delivery stays failed unless it landed. Nothing is left for a partner
     * registered later under the same code.
     */
    private static final String OF_REMOVED = """
            UPDATE delivery d SET status = 'FAILED', last_error = 'partner is not registered', last_status = NULL
             WHERE d.partner = ? AND d.status = 'PENDING'
            RETURNING d.id, d.kind, d.report_id, d.release_id, d.partner, d.payload_sha256, d.attempts""";

    /**
     * An attempt a shutdown cut short, given back as if never claimed: not counted, due at once for another relay
     * (or this one once restarted). Fenced like an outcome, by claim and attempt. A delivery cancelled or failed
     * meanwhile (a withdrawal, its partner's removal, which keep the claim) keeps its status, and the attempt is
     * recorded all the same: it may have reached the partner, and the withdrawal counted on it for its recall.
     */
    private static final String GIVE_BACK = """
            UPDATE delivery SET attempts = attempts - 1, given_back = given_back + 1, lease_until = NULL, claim = NULL
             WHERE id = ? AND claim = ? AND attempts = ?""";

    private static final String PRUNE = "DELETE FROM delivery_attempt WHERE finished_at < now() - ?::interval";

    /** A delivery failed because its partner is no longer registered. */
    record Orphan(UUID id, Delivery.Kind kind, UUID reportId, UUID releaseId, String partner, String sha256,
            int attempts) {
    }

    /** One claimed attempt at a delivery, with the partner's endpoint as registered at claim time. */
    record Claimed(UUID id, UUID claim, int attempt, Delivery.Kind kind, UUID reportId, UUID releaseId,
            String partner, String payload, String sha256, String endpoint) {
    }

    /** The row update that records one attempt's outcome. */
    record Completion(UUID id, int attempt, UUID claim, Delivery.Status status, Integer httpStatus, String error,
            Instant nextAttemptAt, Instant finishedAt) {
    }

    private final DataSource dataSource;

    DeliveryStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Claims due deliveries; {@code busy} holds this relay's requests in flight per partner. */
    List<Claimed> claim(Map<String, Integer> busy, int perPartner, Duration lease) throws SQLException {
        List<Claimed> claimed = new ArrayList<>();
        UUID claim = UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CLAIM)) {
            String[] codes = busy.keySet().toArray(String[]::new);
            Integer[] counts = new Integer[codes.length];
            for (int i = 0; i < codes.length; i++) {
                counts[i] = busy.get(codes[i]);
            }
            ps.setInt(1, perPartner);
            ps.setArray(2, texts(c, codes));
            ps.setArray(3, c.createArrayOf("int4", counts));
            ps.setString(4, lease.toMillis() + " milliseconds");
            ps.setObject(5, claim);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Claimed(rs.getObject(1, UUID.class), claim, rs.getInt(2),
                            Delivery.Kind.valueOf(rs.getString(3)), rs.getObject(4, UUID.class),
                            rs.getObject(5, UUID.class), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9)));
                }
            }
        }
        return claimed;
    }

    /** The status each delivery had before the outcomes, and after, of those whose outcome held its claim. */
    record Completed(Map<UUID, Delivery.Status> before, Map<UUID, Delivery.Status> after) {
    }

    /** Applies the outcomes that still hold their claim. */
    Completed complete(Connection c, List<Completion> completions) throws SQLException {
        int n = completions.size();
        UUID[] ids = new UUID[n];
        Integer[] attempts = new Integer[n];
        UUID[] claims = new UUID[n];
        String[] statuses = new String[n];
        Integer[] codes = new Integer[n];
        String[] errors = new String[n];
        Instant[] next = new Instant[n];
        Instant[] finished = new Instant[n];
        for (int i = 0; i < n; i++) {
            Completion x = completions.get(i);
            ids[i] = x.id();
            attempts[i] = x.attempt();
            claims[i] = x.claim();
            statuses[i] = x.status().name();
            codes[i] = x.httpStatus();
            errors[i] = x.error();
            next[i] = (x.nextAttemptAt());
            finished[i] = (x.finishedAt());
        }
        Map<UUID, Delivery.Status> before = new HashMap<>();
        Map<UUID, Delivery.Status> applied = new HashMap<>();
        // in the order every other writer of several deliveries locks them (a change's cancellations): the order the
        // attempts finished in deadlocked with a policy publish cancelling two of them the other way round
        try (PreparedStatement ps = c.prepareStatement(LOCK_IN_ORDER)) {
            ps.setArray(1, texts(c, ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    before.put(rs.getObject(1, UUID.class), Delivery.Status.valueOf(rs.getString(2)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(COMPLETE)) {
            ps.setArray(1, texts(c, ids));
            ps.setArray(2, c.createArrayOf("int4", attempts));
            ps.setArray(3, texts(c, claims));
            ps.setArray(4, texts(c, statuses));
            ps.setArray(5, c.createArrayOf("int4", codes));
            ps.setArray(6, texts(c, errors));
            ps.setArray(7, texts(c, next));
            ps.setArray(8, texts(c, finished));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    applied.put(rs.getObject(1, UUID.class), Delivery.Status.valueOf(rs.getString(2)));
                }
            }
        }
        return new Completed(before, applied);
    }

    void insertAttempts(Connection c, List<DeliveryAttempt> attempts) throws SQLException {
        if (attempts.isEmpty()) {
            return;
        }
        int n = attempts.size();
        UUID[] ids = new UUID[n];
        String[] partners = new String[n];
        Integer[] numbers = new Integer[n];
        Instant[] started = new Instant[n];
        Instant[] finished = new Instant[n];
        String[] outcomes = new String[n];
        Integer[] codes = new Integer[n];
        String[] errors = new String[n];
        String[] relays = new String[n];
        for (int i = 0; i < n; i++) {
            DeliveryAttempt a = attempts.get(i);
            ids[i] = a.deliveryId;
            partners[i] = a.partner;
            numbers[i] = a.attempt;
            started[i] = (a.startedAt);
            finished[i] = (a.finishedAt);
            outcomes[i] = a.outcome;
            codes[i] = a.httpStatus;
            errors[i] = a.error;
            relays[i] = a.relay;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_ATTEMPTS)) {
            ps.setArray(1, texts(c, ids));
            ps.setArray(2, texts(c, partners));
            ps.setArray(3, c.createArrayOf("int4", numbers));
            ps.setArray(4, texts(c, started));
            ps.setArray(5, texts(c, finished));
            ps.setArray(6, texts(c, outcomes));
            ps.setArray(7, c.createArrayOf("int4", codes));
            ps.setArray(8, texts(c, errors));
            ps.setArray(9, texts(c, relays));
            ps.executeUpdate();
        }
    }

    /**
     * Locks these partners' rows, in code order, for the rest of the transaction: shared (against an admin's change of
     * an entry, which holds its row until it commits), or {@code exclusive} to change one.
     */
    void lockPartners(Connection c, List<String> codes, boolean exclusive) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT code FROM partner WHERE code = ANY(?) ORDER BY code "
                + (exclusive ? "FOR UPDATE" : "FOR SHARE"))) {
            ps.setArray(1, texts(c, codes.toArray()));
            ps.executeQuery().close();
        }
    }

    /**
     * Disables an active partner's {@code endpoint}; false when it was already inactive, is gone, or has moved to
     * another endpoint since. Stamped with the time it happens, not the transaction's start: the transaction may have
     * waited for an admin's change of the entry, and read as older than it.
     */
    boolean disablePartner(Connection c, String code, String endpoint, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DISABLE_PARTNER)) {
            ps.setString(1, reason);
            ps.setString(2, code);
            ps.setString(3, endpoint);
            return ps.executeUpdate() == 1;
        }
    }

    /** Of these retries, attempted at {@code endpoints}, those whose partner has moved since are due at once. */
    int dueAtNewEndpoint(Connection c, List<UUID> ids, List<String> endpoints) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DUE_AT_NEW_ENDPOINT)) {
            ps.setArray(1, texts(c, ids.toArray()));
            ps.setArray(2, texts(c, endpoints.toArray()));
            return ps.executeUpdate();
        }
    }

    /**
     * Of {@code partners}, each of which just had a delivery land, those back after an outage
     * ({@link #DUE_ON_RECOVERY}) have their retries due at once; returns how many per partner.
     */
    Map<String, Integer> dueOnRecovery(Connection c, List<String> partners, Duration outage) throws SQLException {
        Map<String, Integer> due = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(DUE_ON_RECOVERY)) {
            ps.setArray(1, texts(c, partners.toArray()));
            ps.setString(2, outage.toMillis() + " milliseconds");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.merge(rs.getString(1), 1, Integer::sum);
                }
            }
        }
        return due;
    }

    /** The deliveries of {@code ids} that {@link #REVIVED_AT_NEW_ENDPOINT} made pending again. */
    Set<UUID> revivedAtNewEndpoint(Connection c, List<UUID> ids, List<String> endpoints, List<String> statuses)
            throws SQLException {
        Set<UUID> revived = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(REVIVED_AT_NEW_ENDPOINT)) {
            ps.setArray(1, texts(c, ids.toArray()));
            ps.setArray(2, texts(c, endpoints.toArray()));
            ps.setArray(3, texts(c, statuses.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    revived.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return revived;
    }

    List<DeliveryViews.PartnerHealth> health(Duration window) throws SQLException {
        List<DeliveryViews.PartnerHealth> partners = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(HEALTH)) {
            ps.setString(1, window.toMillis() + " milliseconds");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long attempts = rs.getLong(10);
                    long failures = rs.getLong(11);
                    partners.add(new DeliveryViews.PartnerHealth(rs.getString(1), rs.getBoolean(2), instant(rs, 3),
                            rs.getString(4), instant(rs, 5), instant(rs, 6), rs.getLong(7), instant(rs, 8),
                            rs.getLong(9), attempts, failures, attempts == 0 ? null : (double) failures / attempts));
                }
            }
        }
        return partners;
    }

    /** Fails up to {@code limit} pending deliveries whose partner is no longer registered. */
    List<Orphan> failOrphans(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ORPHANS)) {
            ps.setInt(1, limit);
            return orphans(ps);
        }
    }

    /** Fails every pending delivery to {@code partner}, which is being removed from the registry. */
    List<Orphan> failPendingOf(Connection c, String partner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OF_REMOVED)) {
            ps.setString(1, partner);
            return orphans(ps);
        }
    }

    private static List<Orphan> orphans(PreparedStatement ps) throws SQLException {
        List<Orphan> orphans = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                orphans.add(new Orphan(rs.getObject(1, UUID.class), Delivery.Kind.valueOf(rs.getString(2)),
                        rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getString(5),
                        rs.getString(6), rs.getInt(7)));
            }
        }
        return orphans;
    }

    /** Gives {@code claimed} back uncounted; false when its claim was lost meanwhile. */
    boolean giveBack(Connection c, Claimed claimed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GIVE_BACK)) {
            ps.setObject(1, claimed.id());
            ps.setObject(2, claimed.claim());
            ps.setInt(3, claimed.attempt());
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes attempt history older than {@code retention}; returns how many rows went. */
    int pruneAttempts(Duration retention) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PRUNE)) {
            ps.setString(1, retention.toMillis() + " milliseconds");
            return ps.executeUpdate();
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** Values as a text[] parameter (the statement casts it): no reliance on the driver's type mapping. */
    private static Array texts(Connection c, Object[] values) throws SQLException {
        String[] text = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            text[i] = values[i] == null ? null : values[i].toString();
        }
        return c.createArrayOf("text", text);
    }
}
