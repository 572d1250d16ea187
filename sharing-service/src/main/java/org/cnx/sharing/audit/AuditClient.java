package org.cnx.sharing.audit;

import java.time.Duration;
import java.util.OptionalInt;

import jakarta.enterprise.context.ApplicationScoped;

import org.cnx.sharing.outbox.OutboxConfig;
import org.cnx.sharing.outbox.OutboxSender;
import org.cnx.sharing.security.ServiceTokens;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Relays batches of audit events to audit-service with this service's token. */
@ApplicationScoped
public class AuditClient implements OutboxSender {

    private static final String AUDIENCE = "cnx-audit";

    private final AuditRestClient client;
    private final ServiceTokens tokens;
    private final Duration linger;
    private final OptionalInt batchSize;

    AuditClient(@RestClient AuditRestClient client, ServiceTokens tokens, OutboxConfig config) {
        this.client = client;
        this.tokens = tokens;
        this.linger = config.auditLinger();
        // a message carries up to EVENTS_PER_MESSAGE events: a POST keeps to the batch size in events, not ten times
        // as many (a larger append holds the log's lock longer, and intake's events wait behind it)
        this.batchSize = OptionalInt.of(Math.max(1, config.batchSize() / AuditTrail.EVENTS_PER_MESSAGE));
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

    @Override
    public OptionalInt batchSize() {
        return batchSize;
    }
}
