-- An officer's queue (GET /api/v1/releases?status=PENDING_APPROVAL) read the country's releases in seq order through
-- release_country_seq and kept those still waiting: few and recent, so each page walked the country's whole history of
-- closed decisions first, five or so per report. With the status in the key, a page reads its own rows. Most releases
-- are inserted with the status they keep (released or denied at once); an update of the few that change (approvals,
-- withdrawals, cancellations) can no longer stay on its page (HOT) and writes an entry in each index.
-- Not CONCURRENTLY: Flyway's lock connection, in a transaction, holds such a build until the server's
-- idle-in-transaction timeout ends it. The build blocks decisions on release while it runs (seconds per million rows).
CREATE INDEX release_country_status_seq ON release (origin_country, status, seq);
