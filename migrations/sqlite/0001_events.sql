-- The append-only event log: every tick, untick, skip, note and undo an operator makes.
-- Current state is derived by replaying it; rows are never updated or deleted.
CREATE TABLE events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT, -- commit order: the definite order of events
    id       TEXT    NOT NULL UNIQUE,           -- client-generated UUID v7: a replayed insert is a no-op
    at       TEXT    NOT NULL,                  -- RFC 3339, UTC, milliseconds
    launch   TEXT    NOT NULL,                  -- layout's launch id
    day      TEXT    NOT NULL,                  -- launch day (YYYY-MM-DD in the launch's zone)
    operator TEXT    NOT NULL,
    origin   TEXT    NOT NULL,                  -- host, or the SSH client address
    kind     TEXT    NOT NULL,
    item     TEXT,
    payload  TEXT    NOT NULL DEFAULT '{}'
);

CREATE INDEX events_by_day ON events (launch, day, seq);

CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
