-- Sealing: members' age recipients, tender key ceremonies, sealed bids and their opening. The
-- server holds no secret here: sub-shares are encrypted to each member, bids to the tender's key.
CREATE TABLE member_keys (
    user_id BLOB PRIMARY KEY REFERENCES users(id),
    data    TEXT NOT NULL
) STRICT;

CREATE TABLE ceremonies (
    id         BLOB PRIMARY KEY,
    package_id BLOB NOT NULL REFERENCES packages(id),
    started_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX ceremonies_package ON ceremonies (package_id, started_at);

CREATE TABLE bids (
    id           BLOB PRIMARY KEY,
    package_id   BLOB NOT NULL REFERENCES packages(id),
    vendor_id    BLOB NOT NULL REFERENCES vendors(id),
    submitted_at INTEGER NOT NULL,
    log_index    INTEGER NOT NULL,
    data         TEXT NOT NULL
) STRICT;
CREATE INDEX bids_package ON bids (package_id, log_index);

CREATE TABLE openings (
    package_id BLOB PRIMARY KEY REFERENCES packages(id),
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
