package org.cnx.sharing.policy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/** Publishes the shipped initial policy as version 1 when the database has none yet. */
@ApplicationScoped
class PolicySeeder {

    private static final Logger LOG = Logger.getLogger(PolicySeeder.class);

    void seed(@Observes StartupEvent event, PolicyConfig config, PolicyService policies) {
        if (config.seedInitial() && policies.seedInitial()) {
            LOG.infof("published the initial release policy (%s) as version 1", PolicyService.INITIAL);
        }
    }
}
