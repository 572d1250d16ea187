-- The delivery relays running on this database, one row per sharing replica's relay while it runs. Each relay
-- says it is alive at every poll interval and takes its share of the per-partner concurrency limit among the
-- relays seen within cnx.delivery.relay-liveness, so that the replicas together keep to the limit.
CREATE TABLE delivery_relay (
    id      uuid         PRIMARY KEY,
    name    varchar(255) NOT NULL, -- host/pid, as delivery_attempt.relay and the audit events name it
    seen_at timestamptz  NOT NULL
);
