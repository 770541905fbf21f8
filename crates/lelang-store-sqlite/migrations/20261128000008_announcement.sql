-- Announced tenders (the public list) with their stemmed search terms in an FTS5 index, tender
-- documents, registrations, clarification questions, and vendors' profiles and verifications.
-- The history of each is the event log; these tables are its current state.
CREATE TABLE public_tenders (
    seq                 INTEGER PRIMARY KEY,
    package_id          BLOB NOT NULL UNIQUE REFERENCES packages(id),
    tenant_id           BLOB NOT NULL REFERENCES tenants(id),
    work_unit_id        BLOB NOT NULL REFERENCES work_units(id),
    name                TEXT NOT NULL,
    location            TEXT NOT NULL,
    category            TEXT NOT NULL,
    method              TEXT NOT NULL,
    owner_estimate      INTEGER NOT NULL,
    budget_ceiling      INTEGER NOT NULL,
    announced_at        INTEGER NOT NULL,
    submission_deadline INTEGER NOT NULL,
    search_terms        TEXT NOT NULL
) STRICT;
CREATE INDEX public_tenders_announced ON public_tenders (announced_at DESC);
CREATE INDEX public_tenders_tenant ON public_tenders (tenant_id, announced_at DESC);
-- Terms are stemmed by lelang (Indonesian) before they get here; FTS5 only splits on spaces.
CREATE VIRTUAL TABLE public_tenders_fts USING fts5(
    search_terms, content = 'public_tenders', content_rowid = 'seq', tokenize = 'unicode61'
);
CREATE TRIGGER public_tenders_fts_insert AFTER INSERT ON public_tenders BEGIN
    INSERT INTO public_tenders_fts (rowid, search_terms) VALUES (new.seq, new.search_terms);
END;

CREATE TABLE documents (
    id           BLOB PRIMARY KEY,
    package_id   BLOB NOT NULL REFERENCES packages(id),
    tenant_id    BLOB NOT NULL REFERENCES tenants(id),
    title        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    data         TEXT NOT NULL,
    -- Two addenda decided at once cannot both become version n+1.
    UNIQUE (package_id, title, version)
) STRICT;
CREATE INDEX documents_package ON documents (package_id, published_at);

CREATE TABLE participants (
    package_id BLOB NOT NULL REFERENCES packages(id),
    vendor_id  BLOB NOT NULL REFERENCES vendors(id),
    joined_at  INTEGER NOT NULL,
    PRIMARY KEY (package_id, vendor_id)
) STRICT;
CREATE INDEX participants_vendor ON participants (vendor_id, joined_at);

CREATE TABLE questions (
    id         BLOB PRIMARY KEY,
    package_id BLOB NOT NULL REFERENCES packages(id),
    vendor_id  BLOB NOT NULL REFERENCES vendors(id),
    asked_at   INTEGER NOT NULL,
    answered   INTEGER NOT NULL DEFAULT 0,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX questions_package ON questions (package_id, asked_at);

CREATE TABLE vendor_profiles (
    vendor_id  BLOB PRIMARY KEY REFERENCES vendors(id),
    profile    TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE vendor_verifications (
    vendor_id BLOB NOT NULL REFERENCES vendors(id),
    tenant_id BLOB NOT NULL REFERENCES tenants(id),
    data      TEXT NOT NULL,
    PRIMARY KEY (vendor_id, tenant_id)
) STRICT;
