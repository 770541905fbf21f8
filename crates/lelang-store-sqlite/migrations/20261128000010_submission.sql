-- Sealed submission: each tender's closing entry in the log. A commitment is on time exactly when
-- its leaf lies before its tender's closing leaf; none may be appended after it.
CREATE TABLE closings (
    package_id BLOB PRIMARY KEY REFERENCES packages(id),
    log_index  INTEGER NOT NULL,
    at         INTEGER NOT NULL
) STRICT;

-- A company's own bids for a tender, read on every upload and status request.
CREATE INDEX bids_vendor ON bids (package_id, vendor_id, log_index);
