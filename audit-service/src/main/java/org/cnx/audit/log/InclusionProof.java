package org.cnx.audit.log;

import java.util.List;

/**
 * RFC 9162 inclusion proof of the event {@code seq} (leaf index {@code seq - 1}) in the tree of {@code treeSize}
 * events: {@code auditPath} from the leaf upwards, hex. {@code root} is where the path leads; compare it with a signed
 * head of that size.
 */
public record InclusionProof(long seq, long leafIndex, long treeSize, String leafHash, List<String> auditPath,
        String root) {
}
