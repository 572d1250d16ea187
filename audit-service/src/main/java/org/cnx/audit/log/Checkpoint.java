package org.cnx.audit.log;

import java.time.Instant;
import java.util.HexFormat;

/**
 * A signed tree head as clients read it: the size and root that {@code jws} signs (unsigned copies for convenience:
 * trust only what the JWS carries, verified with a key from {@code /.well-known/jwks.json} by {@code kid}).
 */
public record Checkpoint(long size, String root, Instant timestamp, String kid, String jws) {

    static Checkpoint of(TreeHead head) {
        return new Checkpoint(head.treeSize, HexFormat.of().formatHex(head.root), head.signedAt, head.kid, head.jws);
    }
}
