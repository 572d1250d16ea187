-- An officer's replay of a dead or failed delivery starts its attempts again from zero, and so erased what the
-- withdrawal of its report judges by: a record whose earlier attempts may have reached the partner (time-outs, 5xx)
-- was cancelled, not recalled, when the withdrawal came before the replay's first attempt, or after a replay the
-- partner refused. How many replays a delivery had keeps that. (A constant default: no rewrite of the table.)
ALTER TABLE delivery ADD COLUMN replays integer NOT NULL DEFAULT 0;
