-- Sealed submission: each tender's closing entry in the log. A commitment is on time exactly when
-- its leaf lies before its tender's closing leaf; none may be appended after it.
CREATE TABLE closings (
    package_id UUID PRIMARY KEY REFERENCES packages(id),
    log_index  BIGINT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);

-- A company's own bids for a tender, read on every upload and status request.
CREATE INDEX bids_vendor ON bids (package_id, vendor_id, log_index);

-- Bids stored before commit-then-upload arrived whole with their commitment.
UPDATE bids SET data = jsonb_set(data::jsonb, '{uploaded_at}', data::jsonb -> 'submitted_at')::text
WHERE (data::jsonb -> 'uploaded_at') IS NULL AND (data::jsonb -> 'withdrawn') IS NULL;
