-- The relay's claim sets lease_until, claim and attempts on each message it takes. With an index on claim, every
-- claim wrote a new version of the row elsewhere and new entries in all four indexes, which the next claims had to
-- step over until VACUUM came. Completion now finds its rows by id (fenced by the claim token), no index covers the
-- columns a claim changes, and pages keep room for the new version: the update stays on the row's page (HOT).
DROP INDEX outbox_claim;
ALTER TABLE outbox_message SET (fillfactor = 50);
