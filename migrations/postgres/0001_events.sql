-- The append-only event log, the same columns as the SQLite one (migrations/sqlite/0001), so
-- both backends store byte-identical text and one replay serves both.
CREATE TABLE events (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- commit order (appends hold a lock)
    id       TEXT   NOT NULL UNIQUE,  -- client-generated UUID v7: a replayed insert is a no-op
    at       TEXT   NOT NULL,         -- RFC 3339, UTC, milliseconds
    launch   TEXT   NOT NULL,         -- layout's launch id
    day      TEXT   NOT NULL,         -- launch day (YYYY-MM-DD in the launch's zone)
    operator TEXT   NOT NULL,
    origin   TEXT   NOT NULL,         -- host, or the SSH client address
    kind     TEXT   NOT NULL,
    item     TEXT,
    payload  TEXT   NOT NULL DEFAULT '{}'
);

CREATE INDEX events_by_day ON events (launch, day, seq);

CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END
$$;

CREATE TRIGGER events_are_never_changed BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();

CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- Every connected warroom LISTENs on this channel: the notification is sent at commit, so a
-- listener that fetches `seq > last` on it always finds the row.
CREATE FUNCTION events_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('warroom_events', NEW.seq::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER events_are_announced AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_announce();
