package org.cnx.intake.sharing;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.intake.outbox.OutboxSender;
import org.cnx.intake.security.ServiceTokens;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Relays accepted reports to sharing-service, which de-duplicates them by report id. */
@ApplicationScoped
public class SharingClient implements OutboxSender {

    public static final String DESTINATION = "sharing";
    private static final String AUDIENCE = "cnx-sharing";

    private final SharingRestClient client;
    private final ServiceTokens tokens;

    SharingClient(@RestClient SharingRestClient client, ServiceTokens tokens) {
        this.client = client;
        this.tokens = tokens;
    }

    @Override
    public String destination() {
        return DESTINATION;
    }

    @Override
    public void send(String jsonArray) {
        client.reports(tokens.bearer(AUDIENCE), jsonArray);
    }
}
