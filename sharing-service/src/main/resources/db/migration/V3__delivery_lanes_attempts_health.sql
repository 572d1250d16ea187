-- Deliveries: a cursor order for the officers' list, the time of the latest attempt. A relay claims a row by
-- setting claim and lease_until and counting the attempt; only that (claim, attempts) may record its outcome.
ALTER TABLE delivery ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE delivery ADD CONSTRAINT delivery_seq_key UNIQUE (seq);
ALTER TABLE delivery ADD COLUMN last_attempt_at timestamptz;

-- Claims go partner by partner (per-partner lanes); health reads backlog, dead letters and the last success.
DROP INDEX delivery_due;
CREATE INDEX delivery_claimable ON delivery (partner, next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX delivery_delivered ON delivery (partner, delivered_at) WHERE status = 'DELIVERED';
CREATE INDEX delivery_unsuccessful ON delivery (partner, status) WHERE status IN ('FAILED', 'DEAD');

-- Every attempt, for the failure rate and the delivery detail; pruned after cnx.delivery.attempt-retention.
CREATE TABLE delivery_attempt (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id uuid         NOT NULL REFERENCES delivery (id),
    partner     varchar(32)  NOT NULL,
    attempt     integer      NOT NULL,
    started_at  timestamptz  NOT NULL,
    finished_at timestamptz  NOT NULL,
    outcome     varchar(16)  NOT NULL,
    http_status integer,
    error       text,
    relay       varchar(300) NOT NULL
);
CREATE INDEX delivery_attempt_partner ON delivery_attempt (partner, finished_at);
CREATE INDEX delivery_attempt_delivery ON delivery_attempt (delivery_id, id);

-- A partner whose endpoint answered 410 Gone is disabled (active = false) until an exchange-admin re-enables it.
ALTER TABLE partner ADD COLUMN disabled_at timestamptz, ADD COLUMN disabled_reason varchar(500);
