-- Auditors filter by the partner an event concerns (a release, a delivery or a recall for it), as by the report:
-- read in seq order after a cursor, like the other filters (V1). Events without a partner are not indexed.
CREATE INDEX audit_event_partner ON audit_event (partner, seq) WHERE partner IS NOT NULL;
