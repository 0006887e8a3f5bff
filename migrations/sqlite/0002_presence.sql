-- Who is in the war room right now: one row per running warroom, refreshed every few seconds.
-- Not part of the event log: rows are upserted and expire by `seen_ms`.
CREATE TABLE presence (
    session  TEXT    PRIMARY KEY,     -- per-process UUID
    launch   TEXT    NOT NULL,
    operator TEXT    NOT NULL,
    origin   TEXT    NOT NULL,
    view     TEXT    NOT NULL,
    seen_ms  INTEGER NOT NULL         -- Unix milliseconds of the last refresh
);
