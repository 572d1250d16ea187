-- The lookup by (agency, externalRef) on every submission must not depend on the planner's statistics. With
-- equality on agency alone, (agency, external_ref), (agency, received_at, id) and (agency, type, received_at, id)
-- all cost the same once the agency looks rare (an agency new since the last ANALYZE, or none at all where
-- autovacuum is off), and PostgreSQL took the type index: every submission then read the agency's whole history.
-- One column that no other index leads with makes the plan unambiguous. The length prefix keeps the key
-- injective whatever characters the agency or the reference hold.
ALTER TABLE report ADD COLUMN external_key text
    GENERATED ALWAYS AS (length(agency)::text || ':' || agency || external_ref) STORED NOT NULL;
ALTER TABLE report ADD CONSTRAINT report_external_key UNIQUE (external_key);
ALTER TABLE report DROP CONSTRAINT report_agency_external_ref;
