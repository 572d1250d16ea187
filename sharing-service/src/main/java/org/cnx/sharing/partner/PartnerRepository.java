package org.cnx.sharing.partner;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class PartnerRepository implements PanacheRepositoryBase<Partner, String> {

    /** Partners after {@code afterCode} in code order (one query). */
    public List<Partner> page(String afterCode, int limit) {
        return find("code > ?1", Sort.by("code"), afterCode).page(0, limit).list();
    }

    public List<Partner> active() {
        return list("active", Sort.by("code"), true);
    }

    /** Inserts unless the code is taken (also by a concurrent replica); true when inserted. */
    public boolean insertIfAbsent(Partner p) {
        return getEntityManager().createNativeQuery("""
                INSERT INTO partner (code, name, country, endpoint, accepted_types, max_tlp, active, created_at, updated_at)
                VALUES (:code, :name, :country, :endpoint, :types, :maxTlp, :active, :createdAt, :updatedAt)
                ON CONFLICT (code) DO NOTHING""")
                .setParameter("code", p.code).setParameter("name", p.name).setParameter("country", p.country)
                .setParameter("endpoint", p.endpoint).setParameter("types", p.acceptedTypes)
                .setParameter("maxTlp", p.maxTlp).setParameter("active", p.active)
                .setParameter("createdAt", p.createdAt).setParameter("updatedAt", p.updatedAt)
                .executeUpdate() == 1;
    }
}
