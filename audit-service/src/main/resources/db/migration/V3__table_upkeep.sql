-- Planner statistics where the server runs without autovacuum (the CI machines do: autovacuum = off). Only a table's
-- owner may ANALYZE it, and the application role owns nothing here. This function, owned by the schema owner,
-- analyses the tables of this schema with autovacuum's threshold (more than 50 + 10 % of their rows changed since
-- their last ANALYZE) and does nothing else; the application calls it (upkeep.TableUpkeep).
-- Without statistics, a statement prepared while the log was small keeps its plan as the log grows: the append's
-- duplicate check went on reading the whole log with a sequential scan, slower with every event.
CREATE FUNCTION analyze_due_tables() RETURNS SETOF text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    due text;
BEGIN
    FOR due IN SELECT relname FROM pg_stat_user_tables
                WHERE schemaname = current_schema() AND n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0)
                ORDER BY relname
    LOOP
        EXECUTE format('ANALYZE %I', due);
        RETURN NEXT due;
    END LOOP;
END $$;

REVOKE ALL ON FUNCTION analyze_due_tables() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION analyze_due_tables() TO "${appRole}";
