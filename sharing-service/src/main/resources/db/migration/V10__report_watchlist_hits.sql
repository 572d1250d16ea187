-- A report's watch-list hits, as intake handed them over. The rules read them when a change to the policy or the
-- registry decides again; until now they were read back from a stored record, which therefore had to carry them even
-- where its profile withholds the substances they name. (A constant default: no rewrite of the table.)
ALTER TABLE shared_report ADD COLUMN watchlist_hits text[] NOT NULL DEFAULT '{}';

-- Reports decided before: every record of a report carried all of its hits.
UPDATE shared_report s
   SET watchlist_hits = ARRAY(SELECT jsonb_array_elements_text(r.payload::jsonb -> 'watchlistHits'))
  FROM (SELECT DISTINCT ON (report_id) report_id, payload
          FROM release
         WHERE payload IS NOT NULL
         ORDER BY report_id, seq) r
 WHERE r.report_id = s.id
   AND jsonb_typeof(r.payload::jsonb -> 'watchlistHits') = 'array'
   AND jsonb_array_length(r.payload::jsonb -> 'watchlistHits') > 0;
