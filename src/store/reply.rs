//! What the store's tasks tell the UI.

use chrono::{DateTime, NaiveDate, Utc};

use super::presence::Peer;
use super::{Event, Outage, Sample, Stored, Unreadable};

#[derive(Debug)]
pub enum Reply {
    /// Something done on request, to tell the operator (the report's file names).
    Notice(String),
    /// The event is durable in the database: its COMMIT returned success.
    Committed(Stored),
    /// The change is in neither the database nor the journal: refused, not done.
    Failed { event: Event, error: String },
    /// Events committed by someone else (another warroom on the same database).
    Arrived(Vec<Stored>),
    /// The database answered for the first time (it was unreachable at start): the day so far.
    Joined {
        events: Vec<Stored>,
        samples: Vec<Sample>,
    },
    /// Rows of the log that cannot be read back; skipped.
    Unreadable(Vec<Unreadable>),
    /// Reading others' events failed (shown once, retried on the next poll).
    ReadFailed(String),
    /// The change is in the local journal (fsynced): safe on this machine, its COMMIT in
    /// flight. It comes back as `Committed` once that returns, as `Journaled` if the database
    /// cannot take it now, or as `Failed` if the database refuses it.
    Kept(Event),
    /// The change is in the local journal (fsynced), not yet in the log: the database cannot
    /// be written. It comes back as `Committed` once the journal is replayed.
    Journaled(Event),
    /// The database cannot be written since `since`, for `cause`; changes go to the journal
    /// until it can. Sent again when the cause changes.
    Outage { since: DateTime<Utc>, cause: Outage },
    /// The database is written again and the journal replayed: `saved` changes, each already
    /// reported as `Committed`.
    Reconnected { saved: usize },
    /// Who else is in the war room (other warrooms), refreshed every few seconds.
    Present(Vec<Peer>),
    /// The SQLite file a reader was pointed at is not there (yet, or any more): its path.
    Absent(String),
    /// The pilot beyond today, read on request.
    Pilot(PilotRead),
}

/// What outlives a day, read for the views of the pilot's weeks and its go/no-go.
#[derive(Debug, Default, Clone)]
pub struct PilotRead {
    /// Every event of the pilot's days but `today` (which the UI follows itself), in commit
    /// order: sign-offs, verdicts, announcements and expansion items given on earlier days.
    pub earlier: Vec<Stored>,
    /// The stored samples of the pilot's days up to `today`, by day.
    pub samples: std::collections::BTreeMap<NaiveDate, Vec<Sample>>,
}

/// The UI has gone; nothing more to report to.
pub(super) struct Gone;
