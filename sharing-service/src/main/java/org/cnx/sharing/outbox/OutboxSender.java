package org.cnx.sharing.outbox;

/** Delivers one batch (a JSON array) to a destination; throws when the batch must be retried. */
public interface OutboxSender {

    String destination();

    void send(String jsonArray);
}
