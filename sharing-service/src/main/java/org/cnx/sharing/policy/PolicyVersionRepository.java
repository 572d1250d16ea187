package org.cnx.sharing.policy;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.cnx.sharing.jdbc.InTransaction;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class PolicyVersionRepository implements PanacheRepositoryBase<PolicyVersion, Integer> {

    public Optional<PolicyVersion> latest() {
        return findAll(Sort.descending("version")).firstResultOptional();
    }

    /** The version in force, locked: publishers queue behind each other instead of racing for its number. */
    public Optional<PolicyVersion> lockLatest() {
        return findAll(Sort.descending("version")).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /**
     * The number of the version in force; 0 before any. Plain SQL rather than HQL: every start asks (PolicySeeder),
     * and a JVM's first HQL statement builds Hibernate's HQL parser, about 0.2 s of a 2-core machine's start to
     * ready; every hand-over asks too, and there even a native query through Hibernate costs several times the
     * statement.
     */
    public int latestNumber() {
        return InTransaction.select(getEntityManager(), "SELECT coalesce(max(version), 0) FROM policy_version",
                rs -> rs.getInt(1)).get(0);
    }

    /** Inserts unless the version exists (a replica may seed at the same time); true when inserted. */
    public boolean insertIfAbsent(PolicyVersion v) {
        return getEntityManager().createNativeQuery("""
                INSERT INTO policy_version (version, document, document_sha256, created_at, created_by_sub, created_by_agency)
                VALUES (:version, :document, :sha, :createdAt, :sub, cast(:agency as varchar))
                ON CONFLICT (version) DO NOTHING""")
                .setParameter("version", v.version).setParameter("document", v.document)
                .setParameter("sha", v.documentSha256).setParameter("createdAt", v.createdAt)
                .setParameter("sub", v.createdBySub).setParameter("agency", v.createdByAgency)
                .executeUpdate() == 1;
    }
}
