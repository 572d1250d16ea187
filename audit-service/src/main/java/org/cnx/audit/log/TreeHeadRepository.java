package org.cnx.audit.log;

import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class TreeHeadRepository implements PanacheRepositoryBase<TreeHead, Long> {

    /** Heads from the largest tree down, read as the stream is consumed; heads are never removed. */
    Stream<TreeHead> largestFirst() {
        return find("order by treeSize desc, id desc").withHint("org.hibernate.fetchSize", 16).stream();
    }

    /** As {@link #largestFirst()}, of the heads stored with the frontier they were signed over (V9). */
    Stream<TreeHead> withFrontierLargestFirst(long upTo) {
        return find("frontier is not null and treeSize <= ?1 order by treeSize desc, id desc", upTo)
                .withHint("org.hibernate.fetchSize", 16).stream();
    }

    /** Stores a head beside any other of its size (the table is insert-only). */
    void insert(TreeHead head) {
        getEntityManager().createNativeQuery("INSERT INTO tree_head (tree_size, root, signed_at, kid, jws, "
                        + "frontier) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, head.treeSize)
                .setParameter(2, head.root)
                .setParameter(3, head.signedAt)
                .setParameter(4, head.kid)
                .setParameter(5, head.jws)
                .setParameter(6, head.frontier)
                .executeUpdate();
    }
}
