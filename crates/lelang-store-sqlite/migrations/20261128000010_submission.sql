-- Sealed submission: each tender's closing entry in the log. A commitment is on time exactly when
-- its leaf lies before its tender's closing leaf; none may be appended after it.
CREATE TABLE closings (
    package_id BLOB PRIMARY KEY REFERENCES packages(id),
    log_index  INTEGER NOT NULL,
    at         INTEGER NOT NULL
) STRICT;

-- A company's own bids for a tender, read on every upload and status request.
CREATE INDEX bids_vendor ON bids (package_id, vendor_id, log_index);

-- Bids stored before commit-then-upload arrived whole with their commitment.
UPDATE bids SET data = json_set(data, '$.uploaded_at', json_extract(data, '$.submitted_at'))
WHERE json_extract(data, '$.uploaded_at') IS NULL AND json_extract(data, '$.withdrawn') IS NULL;
