-- The append-only exchange log (DESIGN §4). Sequence numbers are assigned by the application from
-- log_state, locked FOR UPDATE in the append transaction: a database sequence would leave holes on
-- rollback, and the Merkle tree over the log needs leaves 1..size without gaps.
CREATE TABLE log_state (
    id   integer PRIMARY KEY CHECK (id = 1),
    size bigint  NOT NULL CHECK (size >= 0)
);
INSERT INTO log_state (id, size) VALUES (1, 0);

CREATE TABLE audit_event (
    seq            bigint PRIMARY KEY CHECK (seq > 0),
    event_id       uuid         NOT NULL UNIQUE,
    occurred_at    timestamptz  NOT NULL,
    recorded_at    timestamptz  NOT NULL,
    service        varchar(16)  NOT NULL,
    action         varchar(32)  NOT NULL,
    actor_sub      varchar(255) NOT NULL,
    actor_agency   varchar(64),
    actor_roles    jsonb,
    report_id      uuid,
    release_id     uuid,
    delivery_id    uuid,
    partner        varchar(64),
    outcome        varchar(16)  NOT NULL,
    payload_sha256 varchar(64),
    details        jsonb,
    -- the event exactly as hashed into the log later: canonical JSON without seq and recorded_at
    canonical      text         NOT NULL
);

-- auditor filters; each ends in seq because results are read in seq order after a cursor
CREATE INDEX audit_event_occurred ON audit_event (occurred_at, seq);
CREATE INDEX audit_event_action ON audit_event (action, seq);
CREATE INDEX audit_event_agency ON audit_event (actor_agency, seq);
CREATE INDEX audit_event_actor ON audit_event (actor_sub, seq);
CREATE INDEX audit_event_report ON audit_event (report_id, seq) WHERE report_id IS NOT NULL;
CREATE INDEX audit_event_outcome ON audit_event (outcome, seq);
-- receipts look events up by delivery
CREATE INDEX audit_event_delivery ON audit_event (delivery_id, seq) WHERE delivery_id IS NOT NULL;
