package org.cnx.intake.sharing;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.intake.outbox.OutboxSender;
import org.cnx.intake.security.ServiceTokens;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Relays withdrawals to sharing-service, which recalls every release of the report. */
@ApplicationScoped
public class RecallClient implements OutboxSender {

    public static final String DESTINATION = "recalls";
    private static final String AUDIENCE = "cnx-sharing";

    private final SharingRestClient client;
    private final ServiceTokens tokens;

    RecallClient(@RestClient SharingRestClient client, ServiceTokens tokens) {
        this.client = client;
        this.tokens = tokens;
    }

    @Override
    public String destination() {
        return DESTINATION;
    }

    @Override
    public void send(String jsonArray) {
        client.recalls(tokens.bearer(AUDIENCE), jsonArray);
    }
}
