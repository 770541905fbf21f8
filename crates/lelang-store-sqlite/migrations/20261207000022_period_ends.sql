-- The ends of the periods after an award, once per award (the evaluation's version) and period.
CREATE TABLE period_ends (
    package_id         BLOB NOT NULL REFERENCES packages(id),
    evaluation_version INTEGER NOT NULL,
    period             TEXT NOT NULL,
    last               INTEGER NOT NULL,
    PRIMARY KEY (package_id, evaluation_version, period)
) STRICT;
