-- The national working-day calendar: holidays and cuti bersama, kept as data.
CREATE TABLE days_off (
    date    DATE PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('holiday', 'cuti_bersama')),
    name    TEXT NOT NULL
);
