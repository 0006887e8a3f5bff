-- Live values, downsampled to one row per source, series and minute, so that sparklines and
-- "uptime since 06:00" survive a restart. Not part of the audit trail: rows are upserted.
-- Series starting with '_' are counters (polls, polls up) and add up within the minute.
CREATE TABLE samples (
    launch TEXT NOT NULL,
    day    TEXT NOT NULL,
    source TEXT NOT NULL,
    series TEXT NOT NULL,
    minute TEXT NOT NULL, -- RFC 3339, UTC, start of the minute
    value  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (launch, day, source, series, minute)
);
