-- When a change to the policy or the registry last gave a release waiting for approval another form. An officer who
-- read it before then and approves without naming the payloadSha256 read would release a record never read (a looser
-- profile shows more): such an approval must name the form it approves. Null: the form it was decided in.
-- A nullable column without a default: no rewrite of the table.
ALTER TABLE release ADD COLUMN reformed_at timestamptz;
