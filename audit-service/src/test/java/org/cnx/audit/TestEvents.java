package org.cnx.audit;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Builds events as producers send them, posts them with service tokens, and inspects the log table. */
public final class TestEvents {

    public static final String APPEND = "/internal/v1/events";
    public static final String EVENTS = "/api/v1/events";

    private TestEvents() {
    }

    public static String serviceToken(String issuer, String keyName) {
        return TestTokens.sign(TestTokens.claims(issuer, "cnx-audit", "service", Duration.ofMinutes(5)), keyName);
    }

    public static String intakeToken() {
        return serviceToken("cnx-intake", "intake");
    }

    public static String sharingToken() {
        return serviceToken("cnx-sharing", "sharing");
    }

    public static String auditorToken(String sub) {
        return TestTokens.person("auditor", "US-DEA", "US", sub);
    }

    public static String partnerToken(String agency) {
        return TestTokens.person("partner", agency, agency.substring(0, 2));
    }

    /** A minimal valid event, in a mutable map so that tests can change or remove fields. */
    public static Map<String, Object> event(String service, String action) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", UUID.randomUUID().toString());
        event.put("occurredAt", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        event.put("service", service);
        event.put("action", action);
        event.put("actor", new LinkedHashMap<>(Map.of("sub", "user-us-cbp-partner", "agency", "US-CBP",
                "roles", List.of("partner"))));
        event.put("outcome", "SUCCESS");
        return event;
    }

    public static Response post(String token, Object body) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(body)
                .post(APPEND);
    }

    public static long logSize(DataSource db) {
        return queryLong(db, "SELECT size FROM log_state WHERE id = 1");
    }

    public static boolean logged(DataSource db, Object eventId) {
        return queryLong(db, "SELECT count(*) FROM audit_event WHERE event_id = '" + UUID.fromString(eventId.toString())
                + "'") == 1;
    }

    public static String canonical(DataSource db, Object eventId) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT canonical FROM audit_event WHERE event_id = '"
                        + UUID.fromString(eventId.toString()) + "'")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole log is numbered 1..n without holes, and its state row says n. */
    public static void assertGapFree(DataSource db) {
        List<Long> seqs = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT seq FROM audit_event ORDER BY seq")) {
            while (rs.next()) {
                seqs.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        List<Long> expected = LongStream.rangeClosed(1, seqs.size()).boxed().toList();
        if (!seqs.equals(expected)) {
            throw new AssertionError("log has holes or duplicates: " + seqs);
        }
        long size = logSize(db);
        if (size != seqs.size()) {
            throw new AssertionError("log_state.size " + size + " but " + seqs.size() + " events");
        }
    }

    private static long queryLong(DataSource db, String sql) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
