-- Sealing: members' age recipients, tender key ceremonies, sealed bids and their opening. The
-- server holds no secret here: sub-shares are encrypted to each member, bids to the tender's key.
CREATE TABLE member_keys (
    user_id UUID PRIMARY KEY REFERENCES users(id),
    data    TEXT NOT NULL
);

CREATE TABLE ceremonies (
    id         UUID PRIMARY KEY,
    package_id UUID NOT NULL REFERENCES packages(id),
    started_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX ceremonies_package ON ceremonies (package_id, started_at);

CREATE TABLE bids (
    id           UUID PRIMARY KEY,
    package_id   UUID NOT NULL REFERENCES packages(id),
    vendor_id    UUID NOT NULL REFERENCES vendors(id),
    submitted_at TIMESTAMPTZ NOT NULL,
    log_index    BIGINT NOT NULL,
    data         TEXT NOT NULL
);
CREATE INDEX bids_package ON bids (package_id, log_index);

CREATE TABLE openings (
    package_id UUID PRIMARY KEY REFERENCES packages(id),
    version    BIGINT NOT NULL,
    data       TEXT NOT NULL
);
