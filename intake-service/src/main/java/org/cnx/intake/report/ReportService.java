package org.cnx.intake.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cnx.intake.audit.AuditEvent;
import org.cnx.intake.audit.AuditTrail;
import org.cnx.intake.idempotency.IdempotencyKeys;
import org.cnx.intake.idempotency.IdempotencyRecord;
import org.cnx.intake.outbox.Outbox;
import org.cnx.intake.problem.ProblemException;
import org.cnx.intake.sharing.RecallClient;
import org.cnx.intake.sharing.SharingClient;
import org.cnx.intake.watchlist.Watchlist;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

@ApplicationScoped
public class ReportService {

    /** How many invalid fields' pointers a REPORT_REJECTED event names; the problem itself names every one. */
    public static final int AUDITED_POINTERS = 100;

    /** How many characters of an invalid field's pointer a REPORT_REJECTED event keeps. */
    static final int AUDITED_POINTER_LENGTH = 200;

    /** The response to a submission: new (201), the same report again (200), or a replay of a key's first answer. */
    public record Submission(int status, UUID reportId, String body, boolean replayed) {
    }

    private final ReportRepository reports;
    private final IdempotencyKeys idempotency;
    private final Watchlist watchlist;
    private final Outbox outbox;
    private final AuditTrail audit;
    private final ObjectMapper json;
    /** Writes a request as its fingerprint is taken: see {@link #fingerprint}. */
    private final ObjectMapper fingerprints;

    ReportService(ReportRepository reports, IdempotencyKeys idempotency, Watchlist watchlist, Outbox outbox,
            AuditTrail audit, ObjectMapper json) {
        this.reports = reports;
        this.idempotency = idempotency;
        this.watchlist = watchlist;
        this.outbox = outbox;
        this.audit = audit;
        this.json = json;
        this.fingerprints = json.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .registerModule(new SimpleModule().addSerializer(new NumberValue()));
    }

    /**
     * Accepts a report once. With an {@code Idempotency-Key}, a retry with the same report (its canonical
     * content) gets the first response again and a different one gets 422; concurrent requests with one key
     * are serialised by an advisory lock. A known {@code externalRef} with the same content answers with the
     * existing report; with other content, 409. The report, its hand-over to sharing and its audit event
     * commit together.
     */
    @Transactional
    public Submission submit(Caller caller, ReportRequest request, String payloadSha256, String idempotencyKey) {
        String content = write(request);
        String contentSha256 = fingerprint(request);
        if (idempotencyKey != null) {
            Optional<IdempotencyRecord> earlier = idempotency.find(caller.agency(), idempotencyKey);
            if (earlier.isPresent()) {
                IdempotencyRecord record = earlier.get();
                // the same report is the same request, however a retry spaces or orders it (as for an externalRef);
                // a key remembered before fingerprints were the content's holds the hash of the bytes
                if (!sameContent(record.fingerprint, contentSha256, content)
                        && !record.fingerprint.equals(payloadSha256)) {
                    // naming the report the key made: a client that took the 422 for "not stored" filed it again
                    throw new ProblemException(422, "idempotency-key-reused", "Unprocessable Content",
                            "This Idempotency-Key was already used with a different report: " + record.reportId
                                    + ".", null, Map.of("existingReportId", record.reportId));
                }
                return new Submission(record.responseStatus, record.reportId, record.responseBody, true);
            }
        }
        idempotency.lock("external-ref:" + caller.agency() + ":" + request.externalRef());
        Optional<Report> existing = reports.findByExternalRef(caller.agency(), request.externalRef());
        Submission submission;
        if (existing.isPresent()) {
            Report report = existing.get();
            if (!sameContent(report.contentSha256, contentSha256, content)) {
                throw new ProblemException(409, "external-ref-conflict", "Conflict",
                        "externalRef " + request.externalRef() + " already names report " + report.id
                                + " with different content.",
                        null, Map.of("existingReportId", report.id));
            }
            submission = new Submission(200, report.id, write(ReportView.summary(report)), false);
        } else {
            Report report = create(caller, request, content, contentSha256, payloadSha256);
            submission = new Submission(201, report.id, write(ReportView.summary(report)), false);
        }
        if (idempotencyKey != null) {
            idempotency.remember(caller.agency(), idempotencyKey, contentSha256, submission.reportId(),
                    submission.status(), submission.body());
        }
        return submission;
    }

    private Report create(Caller caller, ReportRequest request, String content, String contentSha256,
            String payloadSha256) {
        Report report = new Report();
        report.id = UUID.randomUUID();
        report.agency = caller.agency();
        report.country = caller.country();
        report.externalRef = request.externalRef();
        report.type = ReportType.valueOf(request.type());
        report.tlp = request.tlp();
        report.title = request.title();
        report.status = Report.Status.RECEIVED;
        report.submittedBy = caller.token().getSubject();
        report.receivedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        report.body = content;
        report.contentSha256 = contentSha256;
        report.payloadSha256 = payloadSha256;
        report.watchlistHits = watchlist.hits(request.substances() == null ? List.of() : request.substances().stream()
                .map(s -> new Watchlist.Substance(s.name(), s.casNumber())).toList());
        reports.insert(report, write(report.watchlistHits));

        SharedReport shared = new SharedReport(report.id, report.agency, report.country, report.receivedAt,
                report.watchlistHits, content);
        Map<String, Object> details = new HashMap<>();
        details.put("type", request.type());
        details.put("tlp", report.tlp);
        details.put("externalRef", request.externalRef());
        details.put("watchlistHits", report.watchlistHits);
        // the hand-over to sharing and the audit event, in one statement
        outbox.enqueueAll(List.of(new Outbox.Message(SharingClient.DESTINATION, report.id, write(shared)),
                audit.event("REPORT_RECEIVED", "SUCCESS", caller.token(), AuditEvent.Subject.report(report.id),
                        payloadSha256, details)));
        return report;
    }

    /**
     * A refused submission: audited in its own transaction, since the request changes nothing else.
     * The details name the status, the problem's type and the invalid fields (pointers, never values). Not the
     * problem's text: the parser's words quote what it could not read ({@code Unrecognized token 'E12345678'}), and
     * the log keeps for good what it is given.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void rejected(Caller caller, String payloadSha256, ProblemException refusal) {
        Map<String, Object> details = new HashMap<>();
        details.put("status", refusal.status());
        details.put("reason", refusal.type());
        if (refusal.errors() != null) {
            // the first ones, and how many: a 256 KiB body of empty objects broke 170,000 rules, and its 7 MB event,
            // over what audit-service takes, was retried for ever and never logged. A pointer names the caller's
            // fields, unknown ones too (a name of 50,000 characters): cut to its first 200.
            List<String> pointers = refusal.errors().stream().map(e -> e.pointer())
                    .map(ReportService::audited)
                    .toList();
            details.put("invalidFields", pointers.subList(0, Math.min(pointers.size(), AUDITED_POINTERS)));
            if (pointers.size() > AUDITED_POINTERS) {
                details.put("invalidFieldCount", pointers.size());
            }
        }
        audit.record("REPORT_REJECTED", "FAILURE", caller.token(), null, payloadSha256, details);
    }

    /** A pointer cut to its first 200 characters, never between the halves of one (an emoji: "?" in the log). */
    private static String audited(String pointer) {
        if (pointer.length() <= AUDITED_POINTER_LENGTH) {
            return pointer;
        }
        int end = Character.isHighSurrogate(pointer.charAt(AUDITED_POINTER_LENGTH - 1)) ? AUDITED_POINTER_LENGTH - 1
                : AUDITED_POINTER_LENGTH;
        return pointer.substring(0, end) + "…";
    }

    public Optional<Report> find(Caller caller, UUID id) {
        return reports.findOwned(id, caller.agency());
    }

    public List<Report> page(Caller caller, ReportRepository.Filter filter, ReportCursor after, int limit) {
        return reports.page(caller.agency(), filter, after, limit);
    }

    /**
     * The originator withdraws its report: sharing recalls every release of it. A hand-over still waiting in the
     * outbox (sharing down, or refusing it) is taken back: it and the recall waited out backoffs of their own, and the
     * hand-over reaching sharing first had the report released, and delivered, before the recall came.
     */
    @Transactional
    public Report withdraw(Caller caller, UUID id, String reason) {
        Report report = reports.lockOwned(id, caller.agency())
                .orElseThrow(() -> new ProblemException(404, "not-found", "Not Found", "No such report."));
        if (report.status == Report.Status.WITHDRAWN) {
            // said as fields too: a client retrying a withdrawal whose answer it lost can tell its own took effect
            Map<String, Object> withdrawal = new LinkedHashMap<>();
            withdrawal.put("reportId", report.id);
            withdrawal.put("withdrawnAt", report.withdrawnAt.toString());
            if (report.withdrawalReason != null) {
                withdrawal.put("withdrawalReason", report.withdrawalReason);
            }
            throw new ProblemException(409, "already-withdrawn", "Conflict",
                    "The report was withdrawn at " + report.withdrawnAt + ".", null, withdrawal);
        }
        report.status = Report.Status.WITHDRAWN;
        report.withdrawnAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        report.withdrawalReason = reason;
        outbox.enqueue(RecallClient.DESTINATION, UUID.randomUUID(),
                write(new SharedReport.Recall(report.id, report.agency, reason, report.withdrawnAt,
                        caller.token().getSubject())));
        Map<String, Object> details = new LinkedHashMap<>();
        if (reason != null) {
            details.put("reason", reason);
        }
        Outbox.TakenBack handOver = outbox.takeBack(SharingClient.DESTINATION, report.id);
        if (handOver != Outbox.TakenBack.NONE) {
            // sharing will not hear of the report, only of its withdrawal: auditors see why
            details.put("handOverTakenBack", true);
            details.put("handOverInFlight", handOver == Outbox.TakenBack.IN_FLIGHT);
        }
        audit.record("REPORT_WITHDRAWN", "SUCCESS", caller.token(), AuditEvent.Subject.report(report.id), null,
                details);
        return report;
    }

    /**
     * The SHA-256 of the report's content, whichever way a client wrote it: fields in any order and spacing, a field
     * absent or null, a number with trailing zeros or without ({@code 25} and {@code 25.0}). Written with its nulls, a
     * field added to the request in a later version would have changed the fingerprint of every report filed before
     * it, and their partners' unchanged retries would have been refused as other content (409, or 422 with the key).
     */
    String fingerprint(ReportRequest request) {
        try {
            return sha256(fingerprints.writeValueAsBytes(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }

    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether a report or key filed before holds this content's fingerprint: {@code contentSha256}, or, filed before
     * fingerprints left nulls out, the hash of the content as written (taken only then, not for every new report).
     */
    private static boolean sameContent(String held, String contentSha256, String content) {
        return held.equals(contentSha256) || held.equals(sha256(content));
    }

    /** A number as its value: {@code 25.0} as {@code 25}, {@code 100.00} as {@code 1E+2}. */
    private static final class NumberValue extends StdSerializer<BigDecimal> {

        NumberValue() {
            super(BigDecimal.class);
        }

        @Override
        public void serialize(BigDecimal value, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeNumber(value.stripTrailingZeros());
        }
    }
}
