package org.cnx.audit.log;

import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cnx.audit.event.LogState;
import org.cnx.audit.merkle.Frontier;
import org.cnx.audit.problem.ProblemException;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Signed tree heads. A head is signed from the frontier stored with the log's size, never from a rescan of the
 * rows, so a row changed behind the application's back cannot slip into a signed root. Heads are signed
 * <ul>
 * <li>every {@code cnx.log.checkpoint-period} when the log has grown since the latest head;</li>
 * <li>on demand: when a receipt needs a head covering its event, before every verification, and when an auditor
 * asks for one ({@code POST /api/v1/log/checkpoints}).</li>
 * </ul>
 * A head smaller than the latest is never signed: if the log's size has gone down, someone removed events, and
 * verification says so. Nor one over a state the events do not give: the frontier is checked against the leaves
 * appended since the largest signed head that keeps its frontier (a 409 {@code log-inconsistent} where they differ).
 */
@ApplicationScoped
public class CheckpointService {

    private static final Logger LOG = Logger.getLogger(CheckpointService.class);
    private static final String LEAVES =
            "SELECT seq, leaf_hash FROM audit_event WHERE seq > ? AND seq <= ? ORDER BY seq";
    private static final int LEAVES_FETCHED = 4096;

    private final TreeHeadRepository heads;
    private final CheckpointSigner signer;
    private final EntityManager em;

    CheckpointService(TreeHeadRepository heads, CheckpointSigner signer, EntityManager em) {
        this.heads = heads;
        this.signer = signer;
        this.em = em;
    }

    @Transactional
    public Optional<Checkpoint> latest() {
        return latestSigned().map(Checkpoint::of);
    }

    /**
     * The head of the largest tree audit-service signed. One stored by someone else (the app role may insert heads)
     * is skipped and logged: a head forged above the log's size stopped all signing, and every receipt answered a 400.
     */
    private Optional<TreeHead> latestSigned() {
        try (Stream<TreeHead> largestFirst = heads.largestFirst()) {
            return largestFirst.filter(head -> {
                if (signer.verifies(head)) {
                    return true;
                }
                LOG.errorf("the tree head for size %d was not signed by audit-service; it is ignored", head.treeSize);
                return false;
            }).findFirst();
        }
    }

    /** The latest head if it covers the first {@code size} events, else a head signed now for the whole log. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Checkpoint covering(long size) {
        Optional<TreeHead> latest = latestSigned();
        if (latest.isPresent() && latest.get().treeSize >= size) {
            return Checkpoint.of(latest.get());
        }
        return Checkpoint.of(signIfGrown(latest));
    }

    /** A head for the log as it is now: the latest one if the log has not grown since, else a new one. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Checkpoint current() {
        return Checkpoint.of(signIfGrown(latestSigned()));
    }

    @Scheduled(identity = "checkpoint", every = "${cnx.log.checkpoint-period}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void periodic() {
        try {
            signIfGrown(latestSigned());
        } catch (ProblemException refused) {
            // logged where it was found; the next period tries again
        }
    }

    /**
     * The tree of the stored events up to {@code size} (fewer where one is missing), from the frontier of the largest
     * head audit signed that has one giving its signed root, else from the first event. The log's state is written by
     * every append, and the application's role may write it by hand: a frontier set so had a root signed that no
     * stored log gives. Not from the latest head alone: one without a frontier (signed by a pod on the code before V9,
     * or a copy someone stored) had every head after it read the whole log.
     */
    private Frontier eventsUpTo(long size) {
        Frontier tree;
        try (Stream<TreeHead> largestFirst = heads.withFrontierLargestFirst(size)) {
            tree = largestFirst.map(head -> Map.entry(head, signedFrontier(head)))
                    .filter(start -> start.getValue().size() > 0 && signer.verifies(start.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElseGet(Frontier::new);
        }
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement s = c.prepareStatement(LEAVES)) {
                s.setFetchSize(LEAVES_FETCHED);
                s.setLong(1, tree.size());
                s.setLong(2, size);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next() && rs.getLong(1) == tree.size() + 1) {
                        tree.append(rs.getBytes(2));
                    }
                }
            }
            return tree;
        });
    }

    /** A head's frontier where it gives the head's signed root: the events before it need not be read again. */
    private static Frontier signedFrontier(TreeHead head) {
        try {
            Frontier frontier = Frontier.decode(head.treeSize, head.frontier);
            return MessageDigest.isEqual(frontier.root(), head.root) ? frontier : new Frontier();
        } catch (IllegalArgumentException noneOrMisshapen) {
            return new Frontier();
        }
    }

    private TreeHead signIfGrown(Optional<TreeHead> latest) {
        LogState state = em.find(LogState.class, LogState.ID);
        if (latest.isPresent() && latest.get().treeSize >= state.size) {
            if (latest.get().treeSize > state.size) {
                LOG.errorf("the log has %d events but a head was signed for %d: events were removed; "
                        + "no smaller head will be signed", state.size, latest.get().treeSize);
            }
            return latest.get();
        }
        byte[] root = Frontier.decode(state.size, state.frontier).root();
        Frontier events = eventsUpTo(state.size);
        if (events.size() != state.size || !MessageDigest.isEqual(events.root(), root)) {
            String detail = "The log's state (" + state.size + " events) does not match its events"
                    + (events.size() < state.size ? " (event " + (events.size() + 1) + " is missing)" : "")
                    + ": no head is signed over it";
            LOG.error(detail);
            throw new ProblemException(409, "log-inconsistent", "Conflict", detail);
        }
        TreeHead head = signer.sign(state.size, root, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        head.frontier = events.encode();
        // beside any head someone else stored for this size (and one another replica signed a moment earlier)
        heads.insert(head);
        return head;
    }
}
