package org.cnx.audit.event;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Streams the events matching a filter, in seq order, straight from a database cursor to the response: memory stays
 * flat however large the export. The export covers the log as it was when asked for, and is logged
 * ({@code AUDIT_QUERIED}) before the first byte leaves.
 */
@ApplicationScoped
public class EventExporter {

    static final List<String> CSV_COLUMNS = List.of("seq", "eventId", "occurredAt", "recordedAt", "service", "action",
            "actorSub", "actorAgency", "actorRoles", "reportId", "releaseId", "deliveryId", "partner", "outcome",
            "payloadSha256", "details");

    private final LogSnapshot snapshot;
    private final EventService events;
    private final EventMapper mapper;
    private final ObjectMapper json;
    private final EventConfig config;

    EventExporter(LogSnapshot snapshot, EventService events, EventMapper mapper, ObjectMapper json, EventConfig config) {
        this.snapshot = snapshot;
        this.events = events;
        this.mapper = mapper;
        this.json = json;
        this.config = config;
    }

    public StreamingOutput export(EventFilter filter, ExportFormat format, JsonWebToken auditor) {
        long upTo = snapshot.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT size FROM log_state WHERE id = 1");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        ObjectNode details = filter.toJson().put("query", "export").put("format", format.code());
        events.recordRead(auditor, Action.AUDIT_QUERIED, Outcome.SUCCESS, null, details);
        return out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            if (format == ExportFormat.CSV) {
                writer.write(csvLine(CSV_COLUMNS));
            }
            // chunk by chunk, each read in a transaction of its own that ends before the chunk is written: the log up
            // to upTo does not change, and a client that reads slowly (or not at all) holds no connection. Streamed
            // from one open cursor, twenty stalled exports took the pool, and every append and receipt waited.
            long after = 0;
            List<AuditEvent> chunk;
            do {
                long from = after;
                chunk = snapshot.read(c -> chunk(c, filter, from, upTo, config.exportFetchSize()));
                for (AuditEvent event : chunk) {
                    writer.write(format == ExportFormat.CSV ? csvLine(csvRow(event))
                            : json.writeValueAsString(mapper.toView(event)) + "\n");
                    after = event.seq;
                }
            } while (chunk.size() == config.exportFetchSize());
            writer.flush();
        };
    }

    /** Up to {@code max} events matching {@code filter} with {@code after < seq <= upTo}, in seq order. */
    private static List<AuditEvent> chunk(Connection c, EventFilter filter, long after, long upTo, int max)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT seq, event_id, occurred_at, recorded_at, service, action, "
                + "actor_sub, actor_agency, actor_roles::text, report_id, release_id, delivery_id, partner, outcome, "
                + "payload_sha256, canonical FROM audit_event WHERE seq > ? AND seq <= ?");
        List<Object> params = new ArrayList<>(List.of(after, upTo));
        condition(sql, params, "occurred_at >= ?", filter.from() == null ? null : filter.from().atOffset(ZoneOffset.UTC));
        condition(sql, params, "occurred_at < ?", filter.to() == null ? null : filter.to().atOffset(ZoneOffset.UTC));
        condition(sql, params, "action = ?", filter.action() == null ? null : filter.action().name());
        condition(sql, params, "actor_agency = ?", filter.agency());
        if (filter.originAgency() == null) {
            condition(sql, params, "seq > ?", filter.afterSeq());
        } else {
            // as in EventRepository#page: an event recorded before its report's receipt counts as recorded with it
            String receipts = "SELECT report_id FROM audit_event WHERE action = 'REPORT_RECEIVED' "
                    + "AND service = 'intake' AND actor_agency = ? AND seq <= ?";
            sql.append(" AND report_id IN (").append(receipts).append(") AND (seq > ? OR report_id IN (")
                    .append(receipts).append(" AND seq > ?))");
            params.addAll(List.of(filter.originAgency(), upTo, filter.afterSeq(), filter.originAgency(), upTo,
                    filter.afterSeq()));
        }
        condition(sql, params, "actor_sub = ?", filter.actor());
        condition(sql, params, "report_id = ?", filter.reportId());
        condition(sql, params, "partner = ?", filter.partner());
        condition(sql, params, "outcome = ?", filter.outcome() == null ? null : filter.outcome().name());
        sql.append(" ORDER BY seq LIMIT ?");
        params.add(max);
        List<AuditEvent> events = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    events.add(event(rs));
                }
            }
        }
        return events;
    }

    private static void condition(StringBuilder sql, List<Object> params, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            params.add(value);
        }
    }

    /**
     * An exported event: the canonical text the log hashed, which the view shows, and the columns, which the filter
     * read and which the view falls back on for a row whose text is no event (verification names such a row).
     */
    private static AuditEvent event(ResultSet rs) throws SQLException {
        AuditEvent e = new AuditEvent();
        e.seq = rs.getLong(1);
        e.eventId = rs.getObject(2, UUID.class);
        e.occurredAt = rs.getObject(3, OffsetDateTime.class).toInstant();
        e.recordedAt = rs.getObject(4, OffsetDateTime.class).toInstant();
        e.service = rs.getString(5);
        e.action = rs.getString(6);
        e.actorSub = rs.getString(7);
        e.actorAgency = rs.getString(8);
        e.actorRoles = rs.getString(9);
        e.reportId = rs.getObject(10, UUID.class);
        e.releaseId = rs.getObject(11, UUID.class);
        e.deliveryId = rs.getObject(12, UUID.class);
        e.partner = rs.getString(13);
        e.outcome = rs.getString(14);
        e.payloadSha256 = rs.getString(15);
        e.canonical = rs.getString(16);
        return e;
    }

    private List<String> csvRow(AuditEvent e) {
        EventView v = mapper.toView(e);
        EventRequest.Subject subject = v.subject() == null ? new EventRequest.Subject(null, null, null, null)
                : v.subject();
        return List.of(Long.toString(v.seq()), v.eventId().toString(), v.occurredAt().toString(),
                v.recordedAt().toString(), v.service() == null ? "" : v.service().code(), v.action(), v.actor().sub(),
                orEmpty(v.actor().agency()), v.actor().roles() == null ? "" : write(v.actor().roles()),
                orEmpty(subject.reportId()), orEmpty(subject.releaseId()), orEmpty(subject.deliveryId()),
                orEmpty(subject.partner()),
                v.outcome(), orEmpty(v.payloadSha256()), v.details() == null ? "" : write(v.details()));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String orEmpty(Object value) {
        return value == null ? "" : value.toString();
    }

    /**
     * One RFC 4180 line. A cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) gets a
     * leading apostrophe, as OWASP advises for CSV exports; NDJSON carries the values unchanged.
     */
    static String csvLine(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            String cell = cells.get(i);
            if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
                cell = "'" + cell;
            }
            if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
                cell = '"' + cell.replace("\"", "\"\"") + '"';
            }
            line.append(cell);
        }
        return line.append("\r\n").toString();
    }
}
