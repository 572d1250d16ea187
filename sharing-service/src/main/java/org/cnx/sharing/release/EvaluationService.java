package org.cnx.sharing.release;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.partner.PartnerService;
import org.cnx.sharing.policy.PolicyService;
import org.cnx.sharing.policy.Tlp;
import org.cnx.sharing.problem.Problem;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.report.IncomingReport;
import org.cnx.sharing.validation.StorableStrings;
import org.cnx.sharing.watchlist.Watchlist;

/** Dry runs: the decisions and payloads a hand-over would produce, without storing or sending anything. */
@ApplicationScoped
public class EvaluationService {

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

    public EvaluationViews.Result evaluate(EvaluationViews.EvaluationRequest request) {
        if (!request.report().isObject()) {
            throw new ProblemException(400, "validation", "Bad Request", "The report must be a JSON object.",
                    List.of(new Problem.FieldError("/report", "must be a JSON object")));
        }
        // a tree is read without the refusal of text that cannot be stored: half a surrogate pair failed the answer
        List<Problem.FieldError> unstorable = StorableStrings.problems(request.report(), "/report");
        if (!unstorable.isEmpty()) {
            throw new ProblemException(400, "validation", "Bad Request", unstorable.size() + " field(s) are invalid.",
                    unstorable);
        }
        // the hits intake found, where given (to reproduce a hand-over); else found here as intake finds them
        List<String> hits = request.watchlistHits() != null ? request.watchlistHits()
                : watchlist.hits(request.report());
        IncomingReport report = new IncomingReport(request.id() == null ? UUID.randomUUID() : request.id(),
                request.agency(), request.country(), request.receivedAt() == null ? Instant.now() : request.receivedAt(),
                hits, request.report());
        // intake refuses a report without a known label: its preview would be every partner denied, for no reason
        // an officer could act on. The label is read as the evaluator reads it.
        if (Tlp.parse(report.tlp()).isEmpty()) {
            throw new ProblemException(400, "validation", "Bad Request", "1 field(s) are invalid.",
                    List.of(new Problem.FieldError("/report/tlp", Tlp.MESSAGE)));
        }
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
