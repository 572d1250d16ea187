package org.cnx.sharing.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;

/**
 * A request the caller's token may not make (its roles, a service-only path, or no agency or country to act for) is
 * logged as {@code ACCESS_DENIED} with who tried which method on which path: a partner's system probing an officer's
 * endpoint is something auditors of both countries are to see, as they see an officer deciding on another country's
 * release. The 403 leaves once the event is committed (off the event loop, in a transaction of its own).
 */
@ApplicationScoped
public class AccessDenials {

    private static final Logger LOG = Logger.getLogger(AccessDenials.class);
    /** A path is the caller's text: kept to what names an endpoint. */
    static final int MAX_PATH = 512;

    private final AuditTrail audit;
    private final ManagedExecutor executor;

    AccessDenials(AuditTrail audit, ManagedExecutor executor) {
        this.audit = audit;
        this.executor = executor;
    }

    /**
     * Records the refused request {@code context} carries, if a token was verified for it; done when the event is
     * committed, or could not be (which is logged: the caller is refused either way).
     */
    public CompletionStage<Void> refused(RoutingContext context) {
        return refused(context, "role");
    }

    /** As {@link #refused(RoutingContext)}, for a refusal of another kind: {@code problem} is its problem type. */
    public CompletionStage<Void> refused(RoutingContext context, String problem) {
        if (!(context.user() instanceof QuarkusHttpUser user)) {
            return CompletableFuture.completedFuture(null);
        }
        SecurityIdentity identity = user.getSecurityIdentity();
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return CompletableFuture.completedFuture(null);
        }
        AuditEvent.Actor actor = AuditTrail.actor(token);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", context.request().method().name());
        String path = context.normalizedPath();
        details.put("path", shown(path));
        details.put("problem", problem);
        return executor.runAsync(() -> {
            try {
                QuarkusTransaction.requiringNew().run(() -> audit.record("ACCESS_DENIED", "DENIED", actor, null,
                        null, details));
            } catch (RuntimeException e) {
                LOG.errorf(e, "ACCESS_DENIED of %s on %s not recorded", actor.sub(), details.get("path"));
            }
        });
    }

    /** At most {@link #MAX_PATH} characters, a NUL (which PostgreSQL cannot store) as U+FFFD. */
    static String shown(String path) {
        return (path.length() > MAX_PATH ? path.substring(0, MAX_PATH) : path).replace('\0', '\uFFFD');
    }
}
