-- The log as an RFC 9162 Merkle tree with signed tree heads, and the roles that keep it append-only (DESIGN §4).
-- Runs as the schema owner (quarkus.flyway.username); "${appRole}" is the application's login role, which may
-- only INSERT and SELECT the log and its tree heads. Triggers refuse UPDATE, DELETE and TRUNCATE even to the owner.

DO $$
BEGIN
    IF current_user = '${appRole}' THEN
        RAISE EXCEPTION 'migrations must run as the schema owner, not as the application role %', current_user;
    END IF;
END $$;

-- Leaf hash of each event: SHA-256(0x00 || canonical JSON as UTF-8), computed by the application when it appends;
-- back-filled here for events logged before this migration.
ALTER TABLE audit_event ADD COLUMN leaf_hash bytea;
UPDATE audit_event SET leaf_hash = sha256('\x00'::bytea || convert_to(canonical, 'UTF8'));
ALTER TABLE audit_event
    ALTER COLUMN leaf_hash SET NOT NULL,
    ADD CONSTRAINT audit_event_leaf_hash_size CHECK (octet_length(leaf_hash) = 32);

-- The frontier: the roots of the perfect subtrees along the right edge of the tree of log_state.size leaves,
-- largest first, 32 bytes each, one per set bit of size. Appends update it in the transaction that locks the row.
ALTER TABLE log_state ADD COLUMN frontier bytea NOT NULL DEFAULT ''::bytea;

DO $$
DECLARE
    nodes bytea[] := '{}';
    n     bigint  := 0;
    h     bytea;
    carry bigint;
BEGIN
    FOR h IN SELECT leaf_hash FROM audit_event ORDER BY seq LOOP
        carry := n;
        WHILE carry & 1 = 1 LOOP
            h := sha256('\x01'::bytea || nodes[cardinality(nodes)] || h);
            nodes := nodes[1:cardinality(nodes) - 1];
            carry := carry >> 1;
        END LOOP;
        nodes := nodes || h;
        n := n + 1;
    END LOOP;
    UPDATE log_state
       SET frontier = coalesce((SELECT string_agg(node, ''::bytea ORDER BY i)
                                  FROM unnest(nodes) WITH ORDINALITY AS t(node, i)), ''::bytea)
     WHERE id = 1 AND size = n;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'log_state.size does not equal the % events in audit_event', n;
    END IF;
END $$;

ALTER TABLE log_state
    ALTER COLUMN frontier DROP DEFAULT,
    ADD CONSTRAINT log_state_frontier_size CHECK (octet_length(frontier) = 32 * bit_count(size::bit(64)));

-- Signed tree heads (checkpoints): at most one per tree size, signed by audit-service's key (JWS, RS256).
CREATE TABLE tree_head (
    tree_size bigint      PRIMARY KEY CHECK (tree_size >= 0),
    root      bytea       NOT NULL CHECK (octet_length(root) = 32),
    signed_at timestamptz NOT NULL,
    kid       varchar(64) NOT NULL,
    jws       text        NOT NULL
);

CREATE FUNCTION refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER tree_head_append_only BEFORE UPDATE OR DELETE ON tree_head
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER tree_head_no_truncate BEFORE TRUNCATE ON tree_head
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();

-- log_state is updated by every append, but the log it describes only grows.
CREATE FUNCTION refuse_log_shrink() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'log_state: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.size < OLD.size THEN
        RAISE EXCEPTION 'log_state: the log cannot shrink from % to % events', OLD.size, NEW.size
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER log_state_only_grows BEFORE UPDATE OR DELETE ON log_state
    FOR EACH ROW EXECUTE FUNCTION refuse_log_shrink();
CREATE TRIGGER log_state_no_truncate BEFORE TRUNCATE ON log_state
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_shrink();

REVOKE ALL ON audit_event, tree_head, log_state FROM PUBLIC;
REVOKE ALL ON audit_event, tree_head, log_state FROM "${appRole}";
GRANT SELECT, INSERT ON audit_event, tree_head TO "${appRole}";
GRANT SELECT, UPDATE ON log_state TO "${appRole}";
