package org.cnx.audit.log;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.cnx.audit.event.LogState;
import org.cnx.audit.merkle.Frontier;
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
 * verification says so.
 */
@ApplicationScoped
public class CheckpointService {

    private static final Logger LOG = Logger.getLogger(CheckpointService.class);

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
        signIfGrown(latestSigned());
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
        TreeHead head = signer.sign(state.size, root, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        // beside any head someone else stored for this size (and one another replica signed a moment earlier)
        heads.insert(head);
        return head;
    }
}
