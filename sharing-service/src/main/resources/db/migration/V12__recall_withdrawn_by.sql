-- Who withdrew the report (the subject of the partner token intake names), kept with the withdrawal: one that reached
-- sharing before its report was audited as cnx-sharing's when the report then came, not as the partner's. Null where
-- intake did not name one, and for withdrawals stored before this column.
ALTER TABLE recall ADD COLUMN withdrawn_by text;
