-- ANALYZE gathers statistics for every column of a sampled row. For the documents, digests and message bodies no
-- statement ever filters, joins or sorts on, they only cost: sorting and comparing a 30,000-row sample of JSON
-- bodies took about half of ANALYZE's time on the report table (0.47 s at 50,000 reports). With a target of 0
-- ANALYZE skips them; the planner never asks for them. This holds for autovacuum's ANALYZE as for the service's
-- own (upkeep.TableUpkeep).
ALTER TABLE report
    ALTER COLUMN body SET STATISTICS 0,
    ALTER COLUMN watchlist_hits SET STATISTICS 0,
    ALTER COLUMN payload_sha256 SET STATISTICS 0,
    ALTER COLUMN content_sha256 SET STATISTICS 0;
ALTER TABLE outbox_message
    ALTER COLUMN payload SET STATISTICS 0;
