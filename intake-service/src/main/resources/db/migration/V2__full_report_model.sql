-- externalRef is the partner's own reference: one report per agency and reference.
ALTER TABLE report ADD CONSTRAINT report_agency_external_ref UNIQUE (agency, external_ref);
ALTER TABLE report ADD COLUMN watchlist_hits jsonb NOT NULL DEFAULT '[]';
ALTER TABLE report ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE report ADD COLUMN withdrawal_reason varchar(2000);
-- list endpoint: own agency, newest first, filtered by type
CREATE INDEX report_agency_type_received ON report (agency, type, received_at, id);

-- Idempotency-Key (IETF httpapi draft): the first response to a key, replayed for the same body.
CREATE TABLE idempotency_key (
    agency          varchar(32)  NOT NULL,
    idempotency_key varchar(255) NOT NULL,
    fingerprint     varchar(64)  NOT NULL,
    report_id       uuid         NOT NULL,
    response_status integer      NOT NULL,
    response_body   text         NOT NULL,
    created_at      timestamptz  NOT NULL,
    expires_at      timestamptz  NOT NULL,
    PRIMARY KEY (agency, idempotency_key)
);
CREATE INDEX idempotency_key_expiry ON idempotency_key (expires_at);

-- SHA-256 of the report as parsed and re-serialised: the same content, whatever the spacing.
ALTER TABLE report ADD COLUMN content_sha256 varchar(64) NOT NULL DEFAULT '';
