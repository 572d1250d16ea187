-- A withdrawal's reason (up to 2,000 characters at intake) is stored behind "withdrawn by <agency>: ": at 2,000 the
-- update failed, the recall batch with it at every retry, and partners kept the withdrawn report. The column takes
-- the longest such reason, and a policy's or a registry change's explanation, with room to spare (no rewrite).
ALTER TABLE release ALTER COLUMN rejection_reason TYPE varchar(4000);
