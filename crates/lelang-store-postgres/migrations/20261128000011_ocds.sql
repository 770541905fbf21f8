-- Open data: the OCDS releases derived from the log (a projection: dropping these tables and
-- folding the log again gives the same rows), the feed's cursor, and each process's newest release.
CREATE TABLE ocds_cursor (
    id  SMALLINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO ocds_cursor (id, seq) VALUES (1, 0);

CREATE TABLE ocds_releases (
    seq       BIGINT PRIMARY KEY REFERENCES events(seq),
    ocid      TEXT NOT NULL,
    tenant_id UUID,
    body      TEXT NOT NULL
);
CREATE INDEX ocds_releases_ocid ON ocds_releases (ocid, seq);
CREATE INDEX ocds_releases_tenant ON ocds_releases (tenant_id, seq);

CREATE TABLE ocds_records (
    ocid      TEXT PRIMARY KEY,
    tenant_id UUID,
    last_seq  BIGINT NOT NULL
);
CREATE INDEX ocds_records_last ON ocds_records (last_seq);
CREATE INDEX ocds_records_tenant ON ocds_records (tenant_id, last_seq);
