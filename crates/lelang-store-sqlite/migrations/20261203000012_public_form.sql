-- The public form each event was logged under (see lelang_core::privacy): 1 for every event logged
-- before the privacy table, so that their entries on the public log keep their bytes.
ALTER TABLE events ADD COLUMN public_form INTEGER NOT NULL DEFAULT 1;
