-- Interior nodes of the log's Merkle tree, so that a proof reads O(log n) stored nodes and at most a few hundred
-- leaf hashes instead of every leaf hash of the log. A row is the root of the perfect subtree of 2^level leaves
-- with 0-based leaf indexes node_index·2^level to (node_index+1)·2^level - 1: once the log holds those leaves, it
-- never changes. Proofs store the nodes of 256 leaves or more that they compute (ProofService); the verification
-- checks every stored node against the leaves. A wrong node cannot make a false proof pass (proofs lead to the
-- signed root), but it would make true ones fail, so the table is append-only like the log.
CREATE TABLE merkle_node (
    level      smallint NOT NULL CHECK (level BETWEEN 1 AND 62),
    node_index bigint   NOT NULL CHECK (node_index >= 0),
    hash       bytea    NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (level, node_index)
);

CREATE TRIGGER merkle_node_append_only BEFORE UPDATE OR DELETE ON merkle_node
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER merkle_node_no_truncate BEFORE TRUNCATE ON merkle_node
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();

REVOKE ALL ON merkle_node FROM PUBLIC;
GRANT SELECT, INSERT ON merkle_node TO "${appRole}";
