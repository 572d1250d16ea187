package org.cnx.sharing.delivery;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.cnx.sharing.paging.Filter;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, UUID> {

    /** Deliveries of releases of reports from {@code country}: the only ones an officer of it may see. */
    private static final String OF_COUNTRY = "exists (select 1 from Release r where r.id = releaseId "
            + "and r.originCountry = :country)";

    /**
     * The record deliveries of a report, locked in id order (as the relay recording outcomes locks deliveries: the
     * records of one hand-over share their creation time, and in any other order a withdrawal and the relay could
     * each hold one the other waits for).
     */
    public List<Delivery> lockRecordsOf(UUID reportId) {
        return find("reportId = ?1 and kind = ?2", Sort.by("id"), reportId, Delivery.Kind.RECORD)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /** The record delivery of a release, if it has one. */
    public Optional<Delivery> recordOf(UUID releaseId) {
        return find("releaseId = ?1 and kind = ?2", releaseId, Delivery.Kind.RECORD).firstResultOptional();
    }

    /** One page in delivery order (one query; the payloads are not loaded). */
    public List<Delivery> page(String country, Delivery.Status status, String partner, UUID reportId, long afterSeq,
            int limit) {
        Filter filter = new Filter("seq > :after and " + OF_COUNTRY, Parameters.with("country", country).and("after", afterSeq))
                .and("status", status).and("partner", partner).and("reportId", reportId);
        return find(filter.query(), Sort.by("seq"), filter.params()).page(0, limit).list();
    }

    public Optional<Delivery> findForCountry(UUID id, String country) {
        return find("id = :id and " + OF_COUNTRY, Parameters.with("id", id).and("country", country))
                .firstResultOptional();
    }

    /** Locks {@code delivery} and reads it again as it now is. */
    public void lock(Delivery delivery) {
        getEntityManager().refresh(delivery, LockModeType.PESSIMISTIC_WRITE);
    }

    /** The recorded attempts at a delivery, oldest first. */
    public List<DeliveryAttempt> attempts(UUID deliveryId) {
        return getEntityManager()
                .createQuery("from DeliveryAttempt a where a.deliveryId = :id order by a.id", DeliveryAttempt.class)
                .setParameter("id", deliveryId).getResultList();
    }
}
