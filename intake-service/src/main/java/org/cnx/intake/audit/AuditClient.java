package org.cnx.intake.audit;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.intake.outbox.OutboxConfig;
import org.cnx.intake.outbox.OutboxSender;
import org.cnx.intake.security.ServiceTokens;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Relays batches of audit events to audit-service with this service's token. */
@ApplicationScoped
public class AuditClient implements OutboxSender {

    private static final String AUDIENCE = "cnx-audit";

    private final AuditRestClient client;
    private final ServiceTokens tokens;
    private final Duration linger;

    AuditClient(@RestClient AuditRestClient client, ServiceTokens tokens, OutboxConfig config) {
        this.client = client;
        this.tokens = tokens;
        this.linger = config.auditLinger();
    }

    @Override
    public String destination() {
        return AuditTrail.DESTINATION;
    }

    @Override
    public void send(String jsonArray) {
        client.append(tokens.bearer(AUDIENCE), jsonArray);
    }

    @Override
    public Duration linger() {
        return linger;
    }
}
