package org.cnx.audit.log;

import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class TreeHeadRepository implements PanacheRepositoryBase<TreeHead, Long> {

    /** Heads from the largest tree down, read as the stream is consumed; heads are never removed. */
    Stream<TreeHead> largestFirst() {
        return find("order by treeSize desc").withHint("org.hibernate.fetchSize", 16).stream();
    }

    /**
     * Stores a head unless one of that size exists already (signed concurrently by another replica): the table is
     * insert-only, so a conflict must not turn into an update.
     */
    void insertIfAbsent(TreeHead head) {
        getEntityManager().createNativeQuery("INSERT INTO tree_head (tree_size, root, signed_at, kid, jws) "
                        + "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (tree_size) DO NOTHING")
                .setParameter(1, head.treeSize)
                .setParameter(2, head.root)
                .setParameter(3, head.signedAt)
                .setParameter(4, head.kid)
                .setParameter(5, head.jws)
                .executeUpdate();
    }
}
