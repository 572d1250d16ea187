-- An attempt cut short by a shutdown is given back uncounted (no failure of the partner's), but it may have reached
-- the partner: the request was written, the answer never came. How many were given back keeps that for a withdrawal,
-- which recalls what may have arrived. (A constant default: no rewrite of the table.)
ALTER TABLE delivery ADD COLUMN given_back integer NOT NULL DEFAULT 0;
