package org.cnx.intake.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.cnx.intake.audit.AuditEvent;
import org.cnx.intake.audit.AuditTrail;
import org.cnx.intake.outbox.Outbox;
import org.cnx.intake.sharing.SharingClient;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

@ApplicationScoped
public class ReportService {

    private final ReportRepository reports;
    private final Outbox outbox;
    private final AuditTrail audit;
    private final ObjectMapper json;

    ReportService(ReportRepository reports, Outbox outbox, AuditTrail audit, ObjectMapper json) {
        this.reports = reports;
        this.outbox = outbox;
        this.audit = audit;
        this.json = json;
    }

    /** Stores the report, its hand-over to sharing and its audit event in one transaction. */
    @Transactional
    public Report submit(Caller caller, ReportRequest request, String payloadSha256) {
        Report report = new Report();
        report.id = UUID.randomUUID();
        report.agency = caller.agency();
        report.country = caller.country();
        report.externalRef = request.externalRef();
        report.type = request.type();
        report.tlp = request.tlp().name();
        report.title = request.title();
        report.status = Report.Status.RECEIVED;
        report.submittedBy = caller.token().getSubject();
        report.receivedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        report.body = write(request);
        report.payloadSha256 = payloadSha256;
        reports.persist(report);

        SharedReport shared = new SharedReport(report.id, report.agency, report.country, report.receivedAt,
                List.of(), request);
        outbox.enqueue(SharingClient.DESTINATION, report.id, write(shared));
        audit.record("REPORT_RECEIVED", "SUCCESS", caller.token(), AuditEvent.Subject.report(report.id),
                payloadSha256, Map.of("type", request.type().name(), "tlp", report.tlp,
                        "externalRef", request.externalRef()));
        return report;
    }

    public Optional<Report> find(Caller caller, UUID id) {
        return reports.findOwned(id, caller.agency());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable", e);
        }
    }
}
