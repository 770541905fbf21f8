-- The public form each event was logged under (see lelang_core::privacy): 1 for every event logged
-- before the privacy table, so that their entries on the public log keep their bytes. A constant
-- default rewrites no row (and fires no append-only trigger).
ALTER TABLE events ADD COLUMN public_form SMALLINT NOT NULL DEFAULT 1;
