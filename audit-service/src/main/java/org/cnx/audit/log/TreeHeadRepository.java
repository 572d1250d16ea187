package org.cnx.audit.log;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class TreeHeadRepository implements PanacheRepositoryBase<TreeHead, Long> {

    /** The head of the largest tree; heads are never removed, so this is also the newest. */
    Optional<TreeHead> latest() {
        return find("order by treeSize desc").firstResultOptional();
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
