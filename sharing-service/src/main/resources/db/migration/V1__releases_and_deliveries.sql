-- Reports handed over by intake-service; the primary key de-duplicates re-sent batches.
CREATE TABLE shared_report (
    id          uuid PRIMARY KEY,
    agency      varchar(32) NOT NULL,
    country     varchar(2)  NOT NULL,
    tlp         varchar(16) NOT NULL,
    type        varchar(32) NOT NULL,
    received_at timestamptz NOT NULL,
    body        jsonb       NOT NULL
);

-- One decision per report and receiving partner, with the exact record that would leave.
CREATE TABLE release (
    id                 uuid PRIMARY KEY,
    seq                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    report_id          uuid        NOT NULL REFERENCES shared_report (id),
    partner            varchar(32) NOT NULL,
    origin_agency      varchar(32) NOT NULL,
    origin_country     varchar(2)  NOT NULL,
    action             varchar(16) NOT NULL,
    status             varchar(24) NOT NULL,
    required_approvals integer     NOT NULL,
    rule               varchar(64) NOT NULL,
    reasons            jsonb       NOT NULL,
    payload            text,
    payload_sha256     varchar(64),
    decided_at         timestamptz NOT NULL,
    closed_at          timestamptz,
    rejection_reason   varchar(2000),
    UNIQUE (report_id, partner)
);
CREATE INDEX release_country_seq ON release (origin_country, seq);

CREATE TABLE approval (
    id              uuid PRIMARY KEY,
    release_id      uuid         NOT NULL REFERENCES release (id),
    officer_sub     varchar(255) NOT NULL,
    officer_agency  varchar(32)  NOT NULL,
    officer_country varchar(2)   NOT NULL,
    approved_at     timestamptz  NOT NULL,
    comment         varchar(2000),
    UNIQUE (release_id, officer_sub)
);

-- Deliveries to partner endpoints: claimed with FOR UPDATE SKIP LOCKED and a lease.
CREATE TABLE delivery (
    id              uuid PRIMARY KEY,
    release_id      uuid        NOT NULL UNIQUE REFERENCES release (id),
    report_id       uuid        NOT NULL,
    partner         varchar(32) NOT NULL,
    payload         text        NOT NULL,
    payload_sha256  varchar(64) NOT NULL,
    status          varchar(16) NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    claim           uuid,
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz
);
CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE status = 'PENDING';

-- Transactional outbox (audit events): written with the state change, sent later by OutboxRelay.
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
