-- The ends of the periods after an award, once per award (the evaluation's version) and period.
CREATE TABLE period_ends (
    package_id         UUID NOT NULL REFERENCES packages(id),
    evaluation_version BIGINT NOT NULL,
    period             TEXT NOT NULL,
    last               BIGINT NOT NULL,
    PRIMARY KEY (package_id, evaluation_version, period)
);
