//! The outage journal: changes made while the database is out of reach, one JSON line each,
//! fsynced before the operator sees them. Replayed (idempotently, by event id) once the
//! database answers again, then truncated. A journal left by a crash is replayed at start-up.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Change, Event};

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("journal {path}, line {line}: unreadable entry: {why}")]
    Corrupt {
        path: String,
        line: usize,
        why: String,
    },
}

/// One warroom's journal. Each process writes only its own file and holds an exclusive lock
/// on it while it has changes in it: two warrooms of one user on one database never truncate
/// each other's unsaved changes, and a file nobody holds belongs to a warroom that is gone and
/// is adopted. The file exists only while it holds something: it is created by the first
/// write and removed once everything in it is saved, so a kill -9 never leaves an empty one.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<Slot>,
}

#[derive(Debug, Default)]
struct Slot {
    /// Open for appending, and locked, while the journal has a file.
    file: Option<File>,
    /// Changes written by this process so far (see [`Position`]).
    written: u64,
}

/// How many changes this journal had taken when a change was written, or read back: the
/// changes are committed in that order, so "everything up to here is committed" is one
/// number. The journal is removed only if nothing was written after the position its
/// committer names, so a change written meanwhile is never lost with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position(u64);

/// The journals of one database start with this; `location` must already be redacted.
pub fn prefix(location: &str) -> String {
    let slug: String = location
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let slug = slug.trim_matches('_');
    // Keep the end (the database name), which tells journals apart better than the scheme.
    let start = slug.len().saturating_sub(80);
    format!("journal-{}-", &slug[start..])
}

/// This process's journal file name for one database (see [`prefix`]).
pub fn file_name(location: &str, session: Uuid) -> String {
    format!("{}{}.jsonl", prefix(location), session.simple())
}

fn io_error(path: &Path, source: std::io::Error) -> JournalError {
    JournalError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl JournalError {
    /// The disk (or the user's quota) is full: the words an operator needs.
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Io { source, .. }
            if matches!(source.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT)))
    }
}

/// Opens (creating) and locks the file at `path`; an error if another running warroom holds it.
fn lock(path: &Path) -> Result<File, JournalError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io_error(path, e))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(|e| io_error(path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(io_error(
            path,
            std::io::Error::other("in use by another running warroom"),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(io_error(path, e)),
    }
}

impl Journal {
    /// This process's journal for the database at `location` in `dir` (no file yet), after
    /// taking over the journals of warrooms on the same database that are no longer running.
    /// Returns the journal and how many changes it adopted.
    pub fn open(dir: &Path, location: &str, session: Uuid) -> Result<(Self, usize), JournalError> {
        let journal = Self::new(dir.join(file_name(location, session)));
        let adopted = journal.adopt(dir, &prefix(location))?;
        Ok((journal, adopted))
    }

    /// The journal at `path`, taking it over (and its changes) if it exists; an error if
    /// another running warroom holds it.
    pub fn at(path: PathBuf) -> Result<Self, JournalError> {
        let journal = Self::new(path);
        if journal.path.exists() {
            let file = lock(&journal.path)?;
            journal.guard().file = Some(file);
        }
        Ok(journal)
    }

    fn new(path: PathBuf) -> Self {
        Self {
            path,
            file: Mutex::new(Slot::default()),
        }
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, Slot> {
        // A panic while holding it cannot leave the file half-known: every write is checked.
        self.file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Moves the changes of every unlocked journal with `prefix` in `dir` (their warroom is
    /// gone) into this one, then deletes them. A crash in between leaves a change in two
    /// journals, which the replay's idempotent ids make harmless.
    fn adopt(&self, dir: &Path, prefix: &str) -> Result<usize, JournalError> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(io_error(dir, e)),
        };
        let mut adopted = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path == self.path || !name.starts_with(prefix) || !name.ends_with(".jsonl") {
                continue;
            }
            // Held by a running warroom (WouldBlock), or unreadable: not ours to take.
            let Ok(orphan) = lock(&path) else {
                continue;
            };
            // Locked only after its warroom removed it (all saved) and maybe made a new one:
            // this is not the file at the path any more.
            if !same_file(&orphan, &path) {
                continue;
            }
            let events = read_file(&path)?;
            // An empty one may be a starting warroom's, created but not yet locked: deleting
            // it would leave that warroom writing to a file nobody can find. A crashed one's
            // goes once it is clearly old.
            let fresh = orphan
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() < 60));
            if events.is_empty() && fresh {
                continue;
            }
            for event in &events {
                self.write(event)?;
            }
            adopted += events.len();
            std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
            drop(orphan);
            tracing::info!(from = %path.display(), count = events.len(), "adopted a journal left behind");
        }
        Ok(adopted)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one change and fsyncs, so it survives kill -9 and power loss like a commit;
    /// returns its position. A write that fails part-way (a full disk) is cut back off, so
    /// that the next one does not follow a torn line.
    pub fn write(&self, event: &Event) -> Result<Position, JournalError> {
        let mut line = encode(event).to_string();
        line.push('\n');
        let mut slot = self.guard();
        if slot.file.is_none() {
            slot.file = Some(lock(&self.path)?);
        }
        let Some(file) = slot.file.as_mut() else {
            return Err(io_error(&self.path, std::io::Error::other("not open")));
        };
        let before = file.metadata().map_err(|e| io_error(&self.path, e))?.len();
        let written = file
            .write_all(line.as_bytes())
            .and_then(|()| file.sync_all());
        if let Err(e) = written {
            if file.set_len(before).and_then(|()| file.sync_all()).is_err() {
                tracing::warn!(path = %self.path.display(), "could not cut back a failed journal write");
            }
            return Err(io_error(&self.path, e));
        }
        slot.written += 1;
        Ok(Position(slot.written))
    }

    /// Everything journaled, oldest first. A torn last line (a crash mid-write, before the
    /// fsync returned, so never shown as kept) is dropped; a bad line elsewhere is an error.
    pub fn read(&self) -> Result<Vec<Event>, JournalError> {
        Ok(self.read_through()?.0)
    }

    /// Like [`Self::read`], with the position of the last change read.
    pub fn read_through(&self) -> Result<(Vec<Event>, Position), JournalError> {
        let slot = self.guard();
        Ok((read_file(&self.path)?, Position(slot.written)))
    }

    /// Removes the journal once everything in it is committed (its lock goes with it).
    pub fn clear(&self) -> Result<(), JournalError> {
        let mut slot = self.guard();
        Self::remove(&self.path, &mut slot)
    }

    /// Removes the journal if everything in it is committed: all up to `position`, and
    /// nothing written since. Returns whether it did.
    pub fn forget_through(&self, position: Position) -> Result<bool, JournalError> {
        let mut slot = self.guard();
        if slot.written != position.0 {
            return Ok(false);
        }
        Self::remove(&self.path, &mut slot)?;
        Ok(true)
    }

    fn remove(path: &Path, slot: &mut Slot) -> Result<(), JournalError> {
        let Some(file) = slot.file.take() else {
            return Ok(());
        };
        // Emptied first: a warroom that opened it to adopt it finds nothing to take.
        let emptied = file.set_len(0).and_then(|()| file.sync_all());
        if let Err(e) = emptied {
            slot.file = Some(file);
            return Err(io_error(path, e));
        }
        match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => {
                // Cannot unlink (a read-only folder): it stays, empty, and held.
                tracing::debug!(path = %path.display(), error = %e, "cannot remove the empty journal");
                slot.file = Some(file);
                Ok(())
            }
        }
    }

    /// Moves an unreadable journal aside, kept for a person to look at (its readable lines
    /// can be replayed by hand), so that new changes start a fresh one. Returns where it went.
    pub fn set_aside(&self) -> Result<PathBuf, JournalError> {
        let mut slot = self.guard();
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
        let aside = self
            .path
            .with_extension(format!("jsonl.unreadable-{stamp}"));
        std::fs::rename(&self.path, &aside).map_err(|e| io_error(&self.path, e))?;
        slot.file = None;
        Ok(aside)
    }

    pub fn is_empty(&self) -> bool {
        let slot = self.guard();
        match slot.file.as_ref() {
            Some(file) => file.metadata().map(|m| m.len() == 0).unwrap_or(false),
            None => true,
        }
    }
}

impl Drop for Journal {
    /// An empty journal goes with its warroom; one with unsaved changes stays for the next
    /// start to adopt and replay.
    fn drop(&mut self) {
        if self.is_empty() {
            let _ = self.clear();
        }
    }
}

/// Is `file` the one at `path` (not one unlinked since it was opened)?
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// The events in a journal file (see [`Journal::read`]).
fn read_file(path: &Path) -> Result<Vec<Event>, JournalError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(path, e)),
    };
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|e| io_error(path, e))?;
    let last = lines.len();
    let mut events = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match decode(line) {
            Ok(event) => events.push(event),
            Err(_) if n + 1 == last => {
                tracing::warn!(path = %path.display(), "dropping a torn last journal line");
            }
            Err(why) => {
                return Err(JournalError::Corrupt {
                    path: path.display().to_string(),
                    line: n + 1,
                    why,
                });
            }
        }
    }
    Ok(events)
}

fn encode(event: &Event) -> Value {
    json!({
        "id": event.id.to_string(),
        "at": event.at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "launch": event.launch,
        "day": event.day.to_string(),
        "operator": event.operator,
        "origin": event.origin,
        "kind": event.change.kind(),
        "item": event.item,
        "payload": event.change.payload(),
    })
}

fn decode(line: &str) -> Result<Event, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let text = |name: &str| -> Result<String, String> {
        value
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("no {name}"))
    };
    let id = Uuid::parse_str(&text("id")?).map_err(|e| format!("id: {e}"))?;
    let at = DateTime::parse_from_rfc3339(&text("at")?)
        .map_err(|e| format!("at: {e}"))?
        .with_timezone(&Utc);
    let day =
        NaiveDate::parse_from_str(&text("day")?, "%Y-%m-%d").map_err(|e| format!("day: {e}"))?;
    Ok(Event {
        id,
        at,
        launch: text("launch")?,
        day,
        operator: text("operator")?,
        origin: text("origin")?,
        item: value
            .get("item")
            .and_then(Value::as_str)
            .map(str::to_string),
        change: Change::from_stored(&text("kind")?, &text("payload")?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Author;

    fn events() -> Vec<Event> {
        let author = Author {
            operator: "ann".into(),
            origin: "ssh from 10.1.2.3 to jump".into(),
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let at = DateTime::parse_from_rfc3339("2026-12-01T01:02:03.456Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let skip = Change::Skip {
            reason: "n/a".into(),
        };
        vec![
            Event::new(&author, "l", day, at, Some("a".into()), Change::Tick),
            Event::new(&author, "l", day, at, Some("b".into()), skip),
        ]
    }

    fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn round_trips_and_clears() {
        let dir = ok(tempfile::tempdir());
        let journal = ok(Journal::at(dir.path().join("j.jsonl")));
        assert!(ok(journal.read()).is_empty());
        let events = events();
        for e in &events {
            ok(journal.write(e));
        }
        // A crash mid-write leaves a torn last line; it is dropped, not fatal.
        let mut raw = ok(OpenOptions::new().append(true).open(journal.path()));
        ok(raw.write_all(b"{\"id\":"));
        assert_eq!(ok(journal.read()), events);
        ok(journal.clear());
        assert!(ok(journal.read()).is_empty());
        let path = journal.path().to_path_buf();
        assert!(!path.exists(), "a journal with nothing to save has no file");
        ok(journal.write(&events[0]));
        drop(journal);
        assert!(path.exists(), "unsaved changes stay for the next start");
    }

    #[test]
    fn a_change_written_after_the_committed_ones_keeps_the_journal() {
        let dir = ok(tempfile::tempdir());
        let journal = ok(Journal::at(dir.path().join("j.jsonl")));
        let events = events();
        let first = ok(journal.write(&events[0]));
        let (read, through) = ok(journal.read_through());
        assert_eq!((read.len(), through), (1, first));
        // Written while the first was being committed: not forgotten with it.
        let second = ok(journal.write(&events[1]));
        assert!(second > first);
        assert!(!ok(journal.forget_through(first)));
        assert_eq!(ok(journal.read()), events);
        assert!(ok(journal.forget_through(second)));
        assert!(!journal.path().exists());
        // Positions go on counting after the file went: an old one never removes a new file.
        let third = ok(journal.write(&events[0]));
        assert!(!ok(journal.forget_through(second)));
        assert!(ok(journal.forget_through(third)));
    }

    #[test]
    fn a_running_warrooms_journal_is_left_alone_a_dead_ones_adopted() {
        let dir = ok(tempfile::tempdir());
        let db = "postgres://ann:***@db/warroom";
        let (alive, _) = ok(Journal::open(dir.path(), db, Uuid::now_v7()));
        let (dead, _) = ok(Journal::open(dir.path(), db, Uuid::now_v7()));
        let (other_db, _) = ok(Journal::open(dir.path(), "/a/other.db", Uuid::now_v7()));
        let events = events();
        ok(alive.write(&events[0]));
        ok(dead.write(&events[1]));
        ok(other_db.write(&events[0]));
        drop(dead);
        let (me, adopted) = ok(Journal::open(dir.path(), db, Uuid::now_v7()));
        assert_eq!(
            adopted, 1,
            "only the dead warroom's change, on this database"
        );
        assert_eq!(ok(me.read()), vec![events[1].clone()]);
        assert_eq!(
            ok(alive.read()).len(),
            1,
            "a running warroom's journal is left alone"
        );
        assert_eq!(ok(other_db.read()).len(), 1);
    }

    #[test]
    fn file_names_are_per_database_and_safe() {
        assert_eq!(
            prefix("postgres://ann:***@db:5432/warroom"),
            "journal-postgres___ann_____db_5432_warroom-"
        );
        assert_ne!(prefix("/a/one.db"), prefix("/a/two.db"));
    }
}
