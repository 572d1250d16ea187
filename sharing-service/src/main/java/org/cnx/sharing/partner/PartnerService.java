package org.cnx.sharing.partner;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.delivery.Deliveries;
import org.cnx.sharing.policy.IfMatch;
import org.cnx.sharing.policy.PolicyService;
import org.cnx.sharing.policy.Recipient;
import org.cnx.sharing.problem.Problem;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.problem.ProblemPointers;
import org.cnx.sharing.release.Clearances;
import org.cnx.sharing.report.IncomingReport;

/** The partner registry: every change is audited as PARTNER_CHANGED with the admin who made it. */
@ApplicationScoped
public class PartnerService {

    public record Saved(PartnerViews.PartnerView partner, boolean created) {
    }

    private final PartnerRepository partners;
    private final EndpointGuard guard;
    private final AuditTrail audit;
    private final Validator validator;
    private final Deliveries deliveries;
    private final Clearances clearances;
    private final PolicyService policies;

    PartnerService(PartnerRepository partners, EndpointGuard guard, AuditTrail audit, Validator validator,
            Deliveries deliveries, Clearances clearances, PolicyService policies) {
        this.partners = partners;
        this.guard = guard;
        this.audit = audit;
        this.validator = validator;
        this.deliveries = deliveries;
        this.clearances = clearances;
        this.policies = policies;
    }

    public Optional<PartnerViews.PartnerView> find(String code) {
        return partners.findByIdOptional(code).map(PartnerMapper::view);
    }

    public List<PartnerViews.PartnerView> page(String afterCode, int limit) {
        return partners.page(afterCode, limit).stream().map(PartnerMapper::view).toList();
    }

    /** The partners that get a decision for every new report, as the policy sees them. */
    public List<Recipient> recipients() {
        return partners.recipients();
    }

    @Transactional
    public Saved put(String code, PartnerViews.PartnerRequest request, IfMatch expected, AuditEvent.Actor actor) {
        checkCode(code);
        Partner partner = partners.findById(code, LockModeType.PESSIMISTIC_WRITE);
        check(request, partner == null ? null : partner.endpoint);
        checkUnchanged(code, partner, expected);
        boolean created = partner == null;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("change", created ? "CREATED" : "UPDATED");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (created) {
            partner = new Partner();
            partner.code = code;
            partner.createdAt = now;
        } else {
            details.put("before", PartnerMapper.view(partner));
        }
        // a partner that moved, or is back: what waits out a backoff earned where it was goes now
        boolean reachableAnew = !created && request.active()
                && (!partner.active || !partner.endpoint.equals(request.endpoint()));
        partner.name = request.name();
        partner.country = request.country();
        partner.endpoint = request.endpoint();
        partner.acceptedTypes = PartnerMapper.join(request.acceptedTypes());
        partner.maxTlp = request.maxTlp();
        partner.active = request.active();
        // an exchange-admin's word is the partner's state: one re-enabling an endpoint the relay disabled (410 Gone)
        // resumes its pending deliveries; one switching it off stops the decisions for it, as for any partner
        partner.disabledAt = null;
        partner.disabledReason = null;
        partner.updatedAt = now;
        if (created) {
            try {
                partners.persistAndFlush(partner);
            } catch (PersistenceException e) {
                throw new ProblemException(409, "conflict", "Conflict",
                        "Partner " + code + " was registered at the same moment; read it and try again.");
            }
        }
        PartnerViews.PartnerView view = PartnerMapper.view(partner);
        details.put("partner", view);
        AuditTrail.Batch redecisions = audit.batch();
        int cancelled = 0;
        if (!created) {
            // what waits for approval or delivery is decided again for the entry as it is now, not as it was, under
            // the policy in force once a change under way has committed
            clearances.changing();
            PolicyService.Active policy = policies.active();
            cancelled = clearances.partnerChanged(code, policy.version(), policy.document(), actor, redecisions);
            if (cancelled > 0) {
                details.put("releasesCancelled", cancelled);
            }
        }
        if (reachableAnew) {
            int due = deliveries.dueNow(code);
            if (due > 0) {
                details.put("deliveriesDueNow", due);
            }
        }
        audit.record("PARTNER_CHANGED", "SUCCESS", actor, subject(code), null, details);
        redecisions.record();
        return new Saved(view.cancelling(cancelled), created);
    }

    @Transactional
    public void delete(String code, IfMatch expected, AuditEvent.Actor actor) {
        checkCode(code);
        Partner partner = partners.findById(code, LockModeType.PESSIMISTIC_WRITE);
        if (partner == null) {
            throw notFound(code);
        }
        checkUnchanged(code, partner, expected);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("change", "DELETED");
        details.put("before", PartnerMapper.view(partner));
        partners.delete(partner);
        AuditTrail.Batch cancellations = audit.batch();
        int cancelled = clearances.removed(code, actor, cancellations);
        if (cancelled > 0) {
            details.put("releasesCancelled", cancelled);
        }
        audit.record("PARTNER_CHANGED", "SUCCESS", actor, subject(code), null, details);
        cancellations.record();
        deliveries.partnerRemoved(code, actor); // after the change, as the cancellations
    }

    /**
     * Registers the configured demo partners whose codes are free (all replicas may try at once).
     * Returns the codes registered.
     */
    @Transactional
    public List<String> seed(Map<String, PartnerConfig.Seed> seeds) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return seeds.entrySet().stream().sorted(Map.Entry.comparingByKey()).filter(e -> {
            Optional<String> refusal = guard.refusal(e.getValue().endpoint());
            if (refusal.isPresent()) {
                org.jboss.logging.Logger.getLogger(PartnerService.class).warnf(
                        "demo partner %s not seeded: its endpoint %s", e.getKey(), refusal.get());
                return false;
            }
            Partner p = new Partner();
            p.code = e.getKey();
            p.name = e.getValue().name();
            p.country = e.getValue().country();
            p.endpoint = e.getValue().endpoint();
            p.acceptedTypes = PartnerMapper.join(e.getValue().acceptedTypes());
            p.maxTlp = e.getValue().maxTlp();
            p.active = e.getValue().active();
            p.createdAt = now;
            p.updatedAt = now;
            if (!partners.insertIfAbsent(p)) {
                return false;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("change", "SEEDED");
            details.put("partner", PartnerMapper.view(p));
            audit.record("PARTNER_CHANGED", "SUCCESS", AuditTrail.SYSTEM, subject(p.code), null, details);
            return true;
        }).map(Map.Entry::getKey).toList();
    }

    /**
     * Bean Validation and the endpoint's rules together: 400 with every problem of the entry at once, so that an
     * admin does not correct the fields, send it again, and only then hear about the endpoint. {@code registered}: the
     * entry's endpoint as it is, which the rules added since it was registered do not refuse.
     */
    private void check(PartnerViews.PartnerRequest request, String registered) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<PartnerViews.PartnerRequest> v : validator.validate(request)) {
            errors.add(new Problem.FieldError(ProblemPointers.of(v.getPropertyPath(), 0), v.getMessage()));
        }
        if (errors.stream().noneMatch(e -> e.pointer().equals("/endpoint"))) {
            guard.refusal(request.endpoint(), registered)
                    .ifPresent(why -> errors.add(new Problem.FieldError("/endpoint", why)));
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(Problem.FieldError::pointer));
            throw new ProblemException(400, "validation", "Bad Request", errors.size() + " field(s) are invalid.",
                    errors);
        }
    }

    /**
     * With If-Match, the entry must be as the admin read it (412 otherwise): without it, an admin working from an
     * earlier reading put back the clearance another had just lowered, and nothing said so.
     */
    private static void checkUnchanged(String code, Partner partner, IfMatch expected) {
        String current = partner == null ? null : PartnerMapper.tag(partner.updatedAt);
        if (expected != null && !expected.matches(current)) {
            throw new ProblemException(412, "entry-changed", "Precondition Failed", (partner == null
                    ? "No partner " + code + " is registered" : "The entry of " + code + " is at ETag \"" + current
                            + "\" (changed " + partner.updatedAt + ")") + "; " + expected
                    + ". Read it again and decide on what it is now.");
        }
    }

    static void checkCode(String code) {
        if (code == null || !code.matches(IncomingReport.AGENCY)) {
            throw new ProblemException(400, "validation", "Bad Request",
                    "A partner code is " + IncomingReport.AGENCY_IN_WORDS + ".");
        }
    }

    static ProblemException notFound(String code) {
        return new ProblemException(404, "not-found", "Not Found", "No partner " + code + ".");
    }

    private static AuditEvent.Subject subject(String code) {
        return new AuditEvent.Subject(null, null, null, code);
    }
}
