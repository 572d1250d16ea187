-- The app role may insert heads, but not choose their ids: it could read max(id) and take the next ones, and every
-- head audit-service then signed would fail on a duplicate key, for as many ids as were taken. It names the columns
-- of a head; the id comes from the sequence.
REVOKE INSERT ON tree_head FROM "${appRole}";
GRANT INSERT (tree_size, root, signed_at, kid, jws) ON tree_head TO "${appRole}";
