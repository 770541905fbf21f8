-- The transparency log: each event's salt (for the commitments of its public form), every stored
-- Merkle node, and the signed checkpoints. All append-only.

CREATE TABLE event_salts (
    seq     INTEGER PRIMARY KEY REFERENCES events(seq),
    salt    BLOB NOT NULL
) STRICT;

-- Node (level, idx) is the hash of leaves idx*2^level .. (idx+1)*2^level - 1.
CREATE TABLE tree_nodes (
    level   INTEGER NOT NULL,
    idx     INTEGER NOT NULL,
    hash    BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

CREATE TABLE checkpoints (
    size        INTEGER PRIMARY KEY,
    root        BLOB NOT NULL,
    note        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TRIGGER event_salts_no_update BEFORE UPDATE ON event_salts
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER event_salts_no_delete BEFORE DELETE ON event_salts
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER tree_nodes_no_update BEFORE UPDATE ON tree_nodes
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER tree_nodes_no_delete BEFORE DELETE ON tree_nodes
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
