//! The outage journal: changes made while the database is out of reach, one JSON line each,
//! fsynced before the operator sees them. Replayed (idempotently, by event id) once the
//! database answers again, then truncated. A journal left by a crash is replayed at start-up.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

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

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
}

/// The journal's file name for one database: one journal per database, so that changes meant
/// for one are never replayed into another. `location` must already be redacted.
pub fn file_name(location: &str) -> String {
    let slug: String = location
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let slug = slug.trim_matches('_');
    // Keep the end (the database name), which tells journals apart better than the scheme.
    let start = slug.len().saturating_sub(80);
    format!("journal-{}.jsonl", &slug[start..])
}

impl Journal {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, source: std::io::Error) -> JournalError {
        JournalError::Io {
            path: self.path.display().to_string(),
            source,
        }
    }

    /// Appends one change and fsyncs, so it survives kill -9 and power loss like a commit.
    pub fn write(&self, event: &Event) -> Result<(), JournalError> {
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| self.io(e))?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| self.io(e))?;
        let mut line = encode(event).to_string();
        line.push('\n');
        file.write_all(line.as_bytes()).map_err(|e| self.io(e))?;
        file.sync_all().map_err(|e| self.io(e))
    }

    /// Everything journaled, oldest first. A torn last line (a crash mid-write, before the
    /// fsync returned, so never shown as kept) is dropped; a bad line elsewhere is an error.
    pub fn read(&self) -> Result<Vec<Event>, JournalError> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(e)),
        };
        let lines: Vec<String> = BufReader::new(file)
            .lines()
            .collect::<Result<_, _>>()
            .map_err(|e| self.io(e))?;
        let last = lines.len();
        let mut events = Vec::new();
        for (n, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match decode(line) {
                Ok(event) => events.push(event),
                Err(_) if n + 1 == last => {
                    tracing::warn!(path = %self.path.display(), "dropping a torn last journal line");
                }
                Err(why) => {
                    return Err(JournalError::Corrupt {
                        path: self.path.display().to_string(),
                        line: n + 1,
                        why,
                    });
                }
            }
        }
        Ok(events)
    }

    /// Empties the journal once everything in it is committed.
    pub fn clear(&self) -> Result<(), JournalError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.io(e)),
        }
    }
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

    #[test]
    fn round_trips_and_clears() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let journal = Journal::new(dir.path().join("j.jsonl"));
        assert!(journal.read().unwrap_or_default().is_empty());
        let author = Author {
            operator: "ann".into(),
            origin: "ssh from 10.1.2.3 to jump".into(),
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let at = DateTime::parse_from_rfc3339("2026-12-01T01:02:03.456Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let events = vec![
            Event::new(&author, "l", day, at, Some("a".into()), Change::Tick),
            Event::new(
                &author,
                "l",
                day,
                at,
                Some("b".into()),
                Change::Skip {
                    reason: "n/a".into(),
                },
            ),
        ];
        for e in &events {
            journal.write(e).unwrap_or_else(|e| panic!("{e}"));
        }
        // A crash mid-write leaves a torn last line; it is dropped, not fatal.
        std::fs::OpenOptions::new()
            .append(true)
            .open(journal.path())
            .and_then(|mut f| f.write_all(b"{\"id\":"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(journal.read().unwrap_or_else(|e| panic!("{e}")), events);
        journal.clear().unwrap_or_else(|e| panic!("{e}"));
        assert!(journal.read().unwrap_or_else(|e| panic!("{e}")).is_empty());
    }

    #[test]
    fn file_names_are_per_database_and_safe() {
        assert_eq!(
            file_name("postgres://ann:***@db:5432/warroom"),
            "journal-postgres___ann_____db_5432_warroom.jsonl"
        );
        assert_ne!(file_name("/a/one.db"), file_name("/a/two.db"));
    }
}
