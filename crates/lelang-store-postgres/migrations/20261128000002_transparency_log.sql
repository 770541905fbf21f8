-- The transparency log: each event's salt (for the commitments of its public form), every stored
-- Merkle node, and the signed checkpoints. All append-only.

CREATE TABLE event_salts (
    seq     BIGINT PRIMARY KEY REFERENCES events(seq),
    salt    BYTEA NOT NULL
);

-- Node (level, idx) is the hash of leaves idx*2^level .. (idx+1)*2^level - 1.
CREATE TABLE tree_nodes (
    level   SMALLINT NOT NULL,
    idx     BIGINT NOT NULL,
    hash    BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE checkpoints (
    size        BIGINT PRIMARY KEY,
    root        BYTEA NOT NULL,
    note        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE FUNCTION log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the log is append-only';
END;
$$;
CREATE TRIGGER event_salts_append_only BEFORE UPDATE OR DELETE ON event_salts
    FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER tree_nodes_append_only BEFORE UPDATE OR DELETE ON tree_nodes
    FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER tree_nodes_no_truncate BEFORE TRUNCATE ON tree_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION log_append_only();
CREATE TRIGGER event_salts_no_truncate BEFORE TRUNCATE ON event_salts
    FOR EACH STATEMENT EXECUTE FUNCTION log_append_only();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION log_append_only();
