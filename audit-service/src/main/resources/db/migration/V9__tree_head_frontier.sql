-- The frontier a head was signed over. The application's role may rewrite log_state (each append updates it), and a
-- head was signed from whatever frontier it held: one set by hand had audit-service sign a root no stored log gives.
-- A head is now signed only where the events appended since the last head fold, from that head's frontier, to the
-- log's state. Heads signed before this migration have none: the first head after it folds the whole log.
ALTER TABLE tree_head ADD COLUMN frontier bytea;
GRANT INSERT (frontier) ON tree_head TO "${appRole}";
