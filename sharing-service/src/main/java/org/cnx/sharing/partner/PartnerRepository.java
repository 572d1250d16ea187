package org.cnx.sharing.partner;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.jdbc.InTransaction;
import org.cnx.sharing.policy.Recipient;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class PartnerRepository implements PanacheRepositoryBase<Partner, String> {

    /** Switched on, or switched off by the relay after a 410 Gone (not by an admin): its deliveries wait for it. */
    private static final String RECIPIENTS = "SELECT code, country, accepted_types, max_tlp FROM partner "
            + "WHERE active OR disabled_at IS NOT NULL ORDER BY code";

    /** Partners after {@code afterCode} in code order (one query). */
    public List<Partner> page(String afterCode, int limit) {
        return find("code > ?1", Sort.by("code"), afterCode).page(0, limit).list();
    }

    /**
     * What the policy sees of the partners reports are decided for, in code order: the active ones, and those the
     * relay disabled after a 410 (their deliveries wait until an exchange-admin re-enables them, so that a report
     * handed over meanwhile is not lost to them); not those an admin switched off. Plain SQL, without managed
     * entities: every hand-over asks, and a Panache query's building, the entities' loading and their dirty check at
     * the flush cost several times the statement (4 % of sharing's CPU under load).
     */
    public List<Recipient> recipients() {
        return InTransaction.select(getEntityManager(), RECIPIENTS,
                rs -> PartnerMapper.recipient(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
    }

    /**
     * When each of {@code codes} that is registered was registered: its entry now, which may be another holder's
     * than the one a code named before its removal.
     */
    public Map<String, Instant> registeredAt(Collection<String> codes) {
        if (codes.isEmpty()) {
            return Map.of();
        }
        return getEntityManager()
                .createQuery("select p.code, p.createdAt from Partner p where p.code in :codes", Object[].class)
                .setParameter("codes", codes).getResultList().stream()
                .collect(Collectors.toMap(row -> (String) row[0], row -> (Instant) row[1]));
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
