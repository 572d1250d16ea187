CREATE TABLE report (
    id             uuid PRIMARY KEY,
    agency         varchar(32)  NOT NULL,
    country        varchar(2)     NOT NULL,
    external_ref   varchar(100) NOT NULL,
    type           varchar(32)  NOT NULL,
    tlp            varchar(16)  NOT NULL,
    title          varchar(300) NOT NULL,
    status         varchar(16)  NOT NULL,
    submitted_by   varchar(255) NOT NULL,
    received_at    timestamptz  NOT NULL,
    body           jsonb        NOT NULL,
    payload_sha256 varchar(64)    NOT NULL
);
CREATE INDEX report_agency_received ON report (agency, received_at, id);

-- Transactional outbox: written with the state change, sent later by OutboxRelay.
CREATE TABLE outbox_message (
    id           uuid PRIMARY KEY,
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    destination  varchar(32) NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    available_at timestamptz NOT NULL,
    attempts     integer     NOT NULL DEFAULT 0,
    lease_until  timestamptz,
    claim        uuid,
    last_error   text
);
CREATE INDEX outbox_pending ON outbox_message (destination, seq);
CREATE INDEX outbox_claim ON outbox_message (claim) WHERE claim IS NOT NULL;
