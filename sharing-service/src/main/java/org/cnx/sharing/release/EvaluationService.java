package org.cnx.sharing.release;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.partner.PartnerService;
import org.cnx.sharing.policy.PolicyDocument;
import org.cnx.sharing.policy.PolicyService;
import org.cnx.sharing.policy.Tlp;
import org.cnx.sharing.problem.Problem;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.redaction.ReportShape;
import org.cnx.sharing.report.IncomingReport;
import org.cnx.sharing.validation.IsoInstant;
import org.cnx.sharing.validation.StorableStrings;
import org.cnx.sharing.watchlist.Watchlist;

import com.fasterxml.jackson.databind.JsonNode;

/** Dry runs: the decisions and payloads a hand-over would produce, without storing or sending anything. */
@ApplicationScoped
public class EvaluationService {

    /** Intake's limits (its ReportRequest). */
    static final int MAX_SUBSTANCES = 50;
    static final int MAX_SUBJECTS = 100;
    static final int MAX_IDENTIFIERS = 20;
    static final int MAX_TRANSIT_COUNTRIES = 20;
    static final int MAX_RELEASABLE_TO = 50;

    private final PartnerService partners;
    private final PolicyService policies;
    private final ReleaseDecider decider;
    private final Watchlist watchlist;

    EvaluationService(PartnerService partners, PolicyService policies, ReleaseDecider decider, Watchlist watchlist) {
        this.partners = partners;
        this.policies = policies;
        this.decider = decider;
        this.watchlist = watchlist;
    }

    /**
     * Intake's limits on what a report lists, which every hand-over keeps: redaction time grows with the square of
     * the fields a profile selects, and a preview of a hundred thousand subjects held a core for hours.
     */
    private static List<Problem.FieldError> oversized(JsonNode report) {
        List<Problem.FieldError> errors = new ArrayList<>();
        limit(report.path("substances"), MAX_SUBSTANCES, "/report/substances", errors);
        limit(report.path("shipment").path("transitCountries"), MAX_TRANSIT_COUNTRIES,
                "/report/shipment/transitCountries", errors);
        limit(report.path("handling").path("releasableTo"), MAX_RELEASABLE_TO, "/report/handling/releasableTo", errors);
        JsonNode subjects = report.path("subjects");
        limit(subjects, MAX_SUBJECTS, "/report/subjects", errors);
        for (int i = 0; subjects.isArray() && i < subjects.size() && i < MAX_SUBJECTS; i++) {
            limit(subjects.get(i).path("identifiers"), MAX_IDENTIFIERS, "/report/subjects/" + i + "/identifiers",
                    errors);
        }
        return errors;
    }

    private static void limit(JsonNode list, int max, String pointer, List<Problem.FieldError> errors) {
        if (list.isArray() && list.size() > max) {
            errors.add(new Problem.FieldError(pointer, "size must be between 0 and " + max));
        }
    }

    /**
     * Where the report is not as a hand-over carries it (intake refuses, or rewrites, such a body): its fields and
     * their kinds ({@link ReportShape#misfits}), a type and a TLP label intake knows (read as the evaluator reads
     * them), and {@code occurredAt} as intake stores it, an instant in UTC: {@code 2026-11-20T16:00:00+08:00} was
     * previewed, and hashed, as no hand-over of that report would carry it.
     */
    private static List<Problem.FieldError> misfits(JsonNode report) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, String> misfit : ReportShape.misfits(report, "/report")) {
            errors.add(new Problem.FieldError(misfit.getKey(), misfit.getValue()));
        }
        // intake refuses a report without a type or a label it knows: its preview was every partner denied, for no
        // reason an officer could act on
        JsonNode type = report.path("type");
        if (!type.isTextual() || !type.textValue().matches(PolicyDocument.REPORT_TYPE)) {
            misfit(errors, "/report/type", PolicyDocument.REPORT_TYPE_MESSAGE);
        }
        if (Tlp.parse(report.path("tlp").asText("")).isEmpty()) {
            misfit(errors, "/report/tlp", Tlp.MESSAGE);
        }
        JsonNode occurred = report.path("occurredAt");
        if (occurred.isTextual()) {
            String canonical = utc(occurred.textValue());
            if (!occurred.textValue().equals(canonical)) {
                errors.add(new Problem.FieldError("/report/occurredAt", "must be an instant in UTC as intake stores it"
                        + (canonical == null ? ", such as 2026-11-20T08:00:00Z, from 1583 to 9999"
                                : ": " + canonical)));
            }
        }
        errors.sort(Comparator.comparing(Problem.FieldError::pointer));
        return errors;
    }

    /** Adds what is wrong at {@code pointer} unless the shape said already. */
    private static void misfit(List<Problem.FieldError> errors, String pointer, String message) {
        if (errors.stream().noneMatch(e -> e.pointer().equals(pointer))) {
            errors.add(new Problem.FieldError(pointer, message));
        }
    }

    /** A timestamp with its offset as the instant intake stores, or null where it is none or intake refuses it. */
    private static String utc(String text) {
        try {
            Instant at = OffsetDateTime.parse(text).toInstant();
            return at.isBefore(IsoInstant.EARLIEST) || at.isAfter(IsoInstant.LATEST) ? null : at.toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A 400 naming every field of {@code errors}, where there is one. */
    private static void refuse(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "validation", "Bad Request", errors.size() + " field(s) are invalid.",
                    errors);
        }
    }

    public EvaluationViews.Result evaluate(EvaluationViews.EvaluationRequest request) {
        if (!request.report().isObject()) {
            throw new ProblemException(400, "validation", "Bad Request", "The report must be a JSON object.",
                    List.of(new Problem.FieldError("/report", "must be a JSON object")));
        }
        refuse(oversized(request.report()));
        // a tree is read without the refusal of text that cannot be stored: half a surrogate pair failed the answer
        refuse(StorableStrings.problems(request.report(), "/report"));
        refuse(misfits(request.report()));
        // the hits intake found, where given (to reproduce a hand-over); else found here as intake finds them
        List<String> hits = request.watchlistHits() != null ? request.watchlistHits()
                : watchlist.hits(request.report());
        IncomingReport report = new IncomingReport(request.id() == null ? UUID.randomUUID() : request.id(),
                request.agency(), request.country(), request.receivedAt() == null ? Instant.now() : request.receivedAt(),
                hits, request.report());
        boolean draft = request.policy() != null;
        PolicyService.Active policy;
        if (draft) {
            policies.check(request.policy(), "/policy");
            policy = new PolicyService.Active(0, request.policy());
        } else {
            policy = policies.active();
        }
        List<EvaluationViews.PartnerDecision> decisions = partners.recipients().stream()
                .filter(p -> !p.code().equals(report.agency()))
                .map(p -> {
                    ReleaseDecider.Assessment a = decider.assess(report, p, policy);
                    ReleaseRecords.Prepared record = a.record();
                    return new EvaluationViews.PartnerDecision(p.code(), p.country(), a.decision().action(),
                            a.decision().requiredApprovals(), a.decision().rule(), a.decision().reasons(),
                            record == null ? null : a.decision().redaction(), record == null ? null : record.withheld(),
                            record == null ? null : record.payload(), record == null ? null : record.sha256());
                })
                .toList();
        return new EvaluationViews.Result(draft ? null : policy.version(), draft, report.id(), report.receivedAt(),
                report.watchlistHits(), decisions);
    }
}
