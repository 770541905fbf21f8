-- Announced tenders (the public list) with their stemmed search terms in a GIN-indexed tsvector,
-- tender documents, registrations, clarification questions, and vendors' profiles and
-- verifications. The history of each is the event log; these tables are its current state.
CREATE TABLE public_tenders (
    seq                 BIGSERIAL PRIMARY KEY,
    package_id          UUID NOT NULL UNIQUE REFERENCES packages(id),
    tenant_id           UUID NOT NULL REFERENCES tenants(id),
    work_unit_id        UUID NOT NULL REFERENCES work_units(id),
    name                TEXT NOT NULL,
    location            TEXT NOT NULL,
    category            TEXT NOT NULL,
    method              TEXT NOT NULL,
    owner_estimate      BIGINT NOT NULL,
    budget_ceiling      BIGINT NOT NULL,
    announced_at        TIMESTAMPTZ NOT NULL,
    submission_deadline TIMESTAMPTZ NOT NULL,
    search_terms        TEXT NOT NULL,
    -- Terms are stemmed by lelang (Indonesian) before they get here, so 'simple' only splits
    -- them: both backends find exactly the same tenders.
    search              TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search_terms)) STORED
);
CREATE INDEX public_tenders_announced ON public_tenders (announced_at DESC);
CREATE INDEX public_tenders_tenant ON public_tenders (tenant_id, announced_at DESC);
CREATE INDEX public_tenders_search ON public_tenders USING GIN (search);

CREATE TABLE documents (
    id           UUID PRIMARY KEY,
    package_id   UUID NOT NULL REFERENCES packages(id),
    tenant_id    UUID NOT NULL REFERENCES tenants(id),
    title        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    data         TEXT NOT NULL,
    -- Two addenda decided at once cannot both become version n+1.
    UNIQUE (package_id, title, version)
);
CREATE INDEX documents_package ON documents (package_id, published_at);

CREATE TABLE participants (
    package_id UUID NOT NULL REFERENCES packages(id),
    vendor_id  UUID NOT NULL REFERENCES vendors(id),
    joined_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (package_id, vendor_id)
);
CREATE INDEX participants_vendor ON participants (vendor_id, joined_at);

CREATE TABLE questions (
    id         UUID PRIMARY KEY,
    package_id UUID NOT NULL REFERENCES packages(id),
    vendor_id  UUID NOT NULL REFERENCES vendors(id),
    asked_at   TIMESTAMPTZ NOT NULL,
    answered   BOOLEAN NOT NULL DEFAULT FALSE,
    data       TEXT NOT NULL
);
CREATE INDEX questions_package ON questions (package_id, asked_at);

CREATE TABLE vendor_profiles (
    vendor_id  UUID PRIMARY KEY REFERENCES vendors(id),
    profile    TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE vendor_verifications (
    vendor_id UUID NOT NULL REFERENCES vendors(id),
    tenant_id UUID NOT NULL REFERENCES tenants(id),
    data      TEXT NOT NULL,
    PRIMARY KEY (vendor_id, tenant_id)
);
