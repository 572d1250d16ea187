package org.cnx.sharing.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.cnx.sharing.audit.AuditEvent;
import org.cnx.sharing.audit.AuditTrail;
import org.cnx.sharing.problem.Problem;
import org.cnx.sharing.problem.ProblemException;
import org.cnx.sharing.problem.ProblemPointers;
import org.cnx.sharing.release.Clearances;
import org.cnx.sharing.watchlist.Watchlist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The versioned release policy: publish a new version, read any version, and the one in force. */
@ApplicationScoped
public class PolicyService {

    /** A policy version in force; version 0 is the empty policy before any was published. */
    public record Active(int version, PolicyDocument document) {
    }

    static final String INITIAL = "policy/initial-policy.json";

    private final PolicyVersionRepository versions;
    private final AuditTrail audit;
    private final ObjectMapper json;
    private final Validator validator;
    private final Clearances clearances;
    private final Watchlist watchlist;
    /** Versions never change, so each is parsed once. */
    private final Map<Integer, PolicyDocument> parsed = new ConcurrentHashMap<>();

    PolicyService(PolicyVersionRepository versions, AuditTrail audit, ObjectMapper json, Validator validator,
            Clearances clearances, Watchlist watchlist) {
        this.versions = versions;
        this.audit = audit;
        this.json = json;
        this.validator = validator;
        this.clearances = clearances;
        this.watchlist = watchlist;
    }

    /** The policy in force now. */
    public Active active() {
        int latest = versions.latestNumber();
        if (latest == 0) {
            return new Active(0, PolicyDocument.EMPTY);
        }
        PolicyDocument document = parsed.get(latest);
        if (document == null) {
            document = versions.findByIdOptional(latest).map(v -> parse(v.document)).orElse(PolicyDocument.EMPTY);
            parsed.put(latest, document);
        }
        return new Active(latest, document);
    }

    public Optional<PolicyViews.Version> current() {
        return versions.latest().map(this::view);
    }

    public Optional<PolicyViews.Version> version(int number) {
        return versions.findByIdOptional(number).map(this::view);
    }

    /**
     * Publishes {@code document} as the next version. With {@code expectedVersion}, only if that is
     * still the version in force (412 otherwise), so two admins cannot silently overwrite each other; without it, after
     * any publish under way.
     */
    @Transactional
    public PolicyViews.Version publish(PolicyDocument document, IfMatch expectedVersion, AuditEvent.Actor actor) {
        check(document, "");
        // publishers queue behind each other (and behind the decisions under the version in force): the one that
        // waited reads the version the other published. Locking the latest row alone, it read the version both
        // replaced, took the same number, and answered 409.
        clearances.changing();
        Optional<PolicyVersion> previous = versions.lockLatest();
        int current = previous.map(v -> v.version).orElse(0);
        if (expectedVersion != null && !expectedVersion.matches(current)) {
            throw new ProblemException(412, "version-changed", "Precondition Failed",
                    "The policy in force is " + (current == 0 ? "none" : "version " + current) + "; "
                            + expectedVersion + ".");
        }
        PolicyVersion next = newVersion(current + 1, document, actor.sub(), actor.agency());
        try {
            versions.persistAndFlush(next);
        } catch (PersistenceException e) {
            throw new ProblemException(409, "conflict", "Conflict",
                    "Another version was published at the same moment; read the policy and try again.");
        }
        // what has not left yet holds to the new version where it denies (cancelled) or asks more approvals (raised),
        // audited after the change
        AuditTrail.Batch redecisions = audit.batch();
        int cancelled = clearances.policyPublished(next.version, document, actor, redecisions);
        Map<String, Object> details = details(next.version, current, document);
        if (cancelled > 0) {
            details.put("releasesCancelled", cancelled);
        }
        audit.record("POLICY_CHANGED", "SUCCESS", actor, null, next.documentSha256, details);
        redecisions.record();
        // not through the cache of parsed versions: this one is not committed yet, and may never be (its number would
        // then be the next publish's, and the cache would hold this document for it)
        return view(next, document).cancelling(cancelled);
    }

    /** Publishes the shipped initial policy as version 1 unless a version exists. */
    @Transactional
    public boolean seedInitial() {
        if (versions.latestNumber() > 0) {
            return false;
        }
        PolicyDocument document = initialDocument(json);
        check(document, "");
        PolicyVersion first = newVersion(1, document, AuditTrail.SYSTEM.sub(), null);
        if (!versions.insertIfAbsent(first)) {
            return false;
        }
        Map<String, Object> details = details(1, 0, document);
        details.put("seeded", INITIAL);
        audit.record("POLICY_CHANGED", "SUCCESS", AuditTrail.SYSTEM, null, first.documentSha256, details);
        return true;
    }

    /** Bean Validation and the cross-field checks; 400 with every problem, pointers under {@code base}. */
    public void check(PolicyDocument document, String base) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Set<ConstraintViolation<PolicyDocument>> violations = validator.validate(document);
        for (ConstraintViolation<PolicyDocument> v : violations) {
            errors.add(new Problem.FieldError(base + ProblemPointers.of(v.getPropertyPath(), 0), v.getMessage()));
        }
        errors.addAll(document.problems(base));
        errors.addAll(unknownWatchlistNames(document, base));
        if (!errors.isEmpty()) {
            errors.sort(java.util.Comparator.comparing(Problem.FieldError::pointer));
            throw new ProblemException(400, "validation", "Bad Request",
                    errors.size() + " problem(s) in the policy document.", errors);
        }
    }

    /**
     * A rule's watch-list names are the list's own names, which hits carry: a synonym (4-ANPP), a CAS number or a
     * misspelling was taken, and the rule never matched (a DENY for ANPP let ANPP reports go).
     */
    private List<Problem.FieldError> unknownWatchlistNames(PolicyDocument document, String base) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; document.rules() != null && i < document.rules().size(); i++) {
            PolicyDocument.Rule rule = document.rules().get(i);
            List<String> names = rule == null || rule.match() == null ? null : rule.match().watchlist();
            for (int j = 0; names != null && j < names.size(); j++) {
                String name = names.get(j);
                String listed = name == null ? null : watchlist.nameFor(name);
                if (name != null && !name.isBlank() && !name.equalsIgnoreCase(listed)) {
                    errors.add(new Problem.FieldError(base + "/rules/" + i + "/match/watchlist/" + j, listed == null
                            ? "not on the watch list: " + name
                            : name + " is the watch list's " + listed + ": a rule names it " + listed));
                }
            }
        }
        return errors;
    }

    static PolicyDocument initialDocument(ObjectMapper json) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(INITIAL)) {
            if (in == null) {
                throw new IllegalStateException(INITIAL + " is missing");
            }
            return json.readValue(in, PolicyDocument.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PolicyVersion newVersion(int number, PolicyDocument document, String sub, String agency) {
        PolicyVersion v = new PolicyVersion();
        v.version = number;
        v.document = write(document);
        v.documentSha256 = AuditTrail.sha256(v.document);
        v.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        v.createdBySub = sub;
        v.createdByAgency = agency;
        return v;
    }

    private static Map<String, Object> details(int version, int previous, PolicyDocument document) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", version);
        details.put("previousVersion", previous);
        details.put("rules", document.rules().stream().map(PolicyDocument.Rule::id).toList());
        if (document.description() != null) {
            details.put("description", document.description());
        }
        return details;
    }

    private PolicyViews.Version view(PolicyVersion v) {
        return view(v, parsed.computeIfAbsent(v.version, n -> parse(v.document)));
    }

    private static PolicyViews.Version view(PolicyVersion v, PolicyDocument document) {
        return new PolicyViews.Version(v.version, v.createdAt, new PolicyViews.Author(v.createdBySub, v.createdByAgency),
                v.documentSha256, document, null);
    }

    private PolicyDocument parse(String document) {
        try {
            return json.readValue(document, PolicyDocument.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored policy document is unreadable", e);
        }
    }

    private String write(PolicyDocument document) {
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("policy document not serialisable", e);
        }
    }
}
