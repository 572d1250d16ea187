-- An officer's queue (GET /api/v1/releases?status=PENDING_APPROVAL) read the country's releases in seq order through
-- release_country_seq and kept those still waiting: few and recent, so each page walked the country's whole history of
-- closed decisions first, five or so per report. With the status in the key, a page reads its own rows. Most releases
-- are inserted with the status they keep (released or denied at once); the few that change (approvals, withdrawals)
-- pay for a second index entry.
CREATE INDEX release_country_status_seq ON release (origin_country, status, seq);
