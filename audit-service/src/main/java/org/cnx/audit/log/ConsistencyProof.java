package org.cnx.audit.log;

import java.util.List;

/** RFC 9162 consistency proof that the tree of {@code to} events extends the tree of {@code from} events (hex). */
public record ConsistencyProof(long from, long to, List<String> proof) {
}
