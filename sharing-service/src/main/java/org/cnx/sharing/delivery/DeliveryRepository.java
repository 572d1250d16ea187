package org.cnx.sharing.delivery;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, UUID> {

    /** The record deliveries of a report, locked: a relay skips them until the caller commits. */
    public List<Delivery> lockRecordsOf(UUID reportId) {
        return find("reportId = ?1 and kind = ?2", Sort.by("createdAt"), reportId, Delivery.Kind.RECORD)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }
}
