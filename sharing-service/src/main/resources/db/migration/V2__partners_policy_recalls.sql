-- The partner registry (was configuration): who may receive what, and where.
CREATE TABLE partner (
    code           varchar(32)   PRIMARY KEY,
    name           varchar(200)  NOT NULL,
    country        varchar(2)    NOT NULL,
    endpoint       varchar(2000) NOT NULL,
    accepted_types varchar(500)  NOT NULL,  -- comma-separated report types
    max_tlp        varchar(16)   NOT NULL,
    active         boolean       NOT NULL,
    created_at     timestamptz   NOT NULL,
    updated_at     timestamptz   NOT NULL
);

-- The release policy: every change is a new version; old versions are kept, the highest is in force.
CREATE TABLE policy_version (
    version           integer      PRIMARY KEY,
    document          text         NOT NULL,  -- the exact bytes whose SHA-256 is document_sha256
    document_sha256   varchar(64)  NOT NULL,
    created_at        timestamptz  NOT NULL,
    created_by_sub    varchar(255) NOT NULL,
    created_by_agency varchar(32)
);

-- A decision remembers the policy version, the redaction profile and what it withheld (paths only).
ALTER TABLE release
    ADD COLUMN policy_version integer,
    ADD COLUMN redaction      varchar(64),
    ADD COLUMN withheld       jsonb NOT NULL DEFAULT '[]';

-- Deliveries carry either the released record or a recall of it.
ALTER TABLE delivery ADD COLUMN kind varchar(16) NOT NULL DEFAULT 'RECORD';
ALTER TABLE delivery DROP CONSTRAINT delivery_release_id_key;
ALTER TABLE delivery ADD CONSTRAINT delivery_release_kind UNIQUE (release_id, kind);
CREATE INDEX delivery_report ON delivery (report_id);

-- Withdrawals from intake, de-duplicated by report id.
CREATE TABLE recall (
    report_id    uuid          PRIMARY KEY,
    agency       varchar(32)   NOT NULL,
    reason       varchar(2000),
    withdrawn_at timestamptz   NOT NULL,
    received_at  timestamptz   NOT NULL
);
