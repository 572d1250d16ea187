package org.cnx.sharing.partner;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/** Seeds the demo partners at startup when {@code cnx.partners.seed} is on (dev, test, the local run). */
@ApplicationScoped
class PartnerSeeder {

    private static final Logger LOG = Logger.getLogger(PartnerSeeder.class);

    void seed(@Observes StartupEvent event, PartnerConfig config, PartnerService partners) {
        if (!config.seed() || config.demo().isEmpty()) {
            return;
        }
        List<String> seeded = partners.seed(config.demo());
        if (!seeded.isEmpty()) {
            LOG.infof("seeded demo partners %s", seeded);
        }
    }
}
