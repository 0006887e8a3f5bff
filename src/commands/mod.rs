//! The subcommands, one file each: what `warroom` does once its arguments are parsed.
//! main.rs only parses and dispatches; the interactive start-up builds the app's config and
//! hands it to the [`crate::runtime`].

pub mod check;
pub mod demo;
pub mod interactive;
pub mod report;
pub mod status;
pub mod wall;

use std::path::Path;

use anyhow::{Result, bail};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::app::clock::at_zone;
use crate::app::{Clock, Schedule};
use crate::cli::Common;
use crate::layout::{self, Layout};
use crate::store::Store;
use crate::{BUILTIN_LAYOUT, BUILTIN_LAYOUT_NAME, paths};

/// One line to stderr. Written, not printed: after a hangup stderr may be a terminal that is
/// gone, and a failed print would panic on the way out.
pub fn say(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// The layout named on the command line, else the bundled one in `layouts/`, else the copy
/// built into the binary.
pub fn load_layout(common: &Common, env: &layout::Env) -> Result<Layout> {
    match layout_file(common) {
        Some(path) => Ok(layout::load(&path, env)?),
        None => Ok(layout::parse(BUILTIN_LAYOUT_NAME, BUILTIN_LAYOUT, env)?),
    }
}

/// The layout file in use: the one named, else the bundled one; `None`: the built-in copy.
pub fn layout_file(common: &Common) -> Option<std::path::PathBuf> {
    if let Some(path) = &common.layout {
        return Some(path.clone());
    }
    let bundled = Path::new("layouts/luckygas-pilot.toml");
    bundled.exists().then(|| bundled.to_path_buf())
}

/// `--now` as an instant: a full date-time, or a time of day on the launch day, in the
/// launch's zone.
pub fn parse_now(text: &str, layout: &Layout) -> Result<Clock> {
    let text = text.trim();
    let zone = layout.launch.zone;
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Clock::starting_at(at_zone(zone, local)));
        }
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(Clock::starting_at(t.to_utc()));
    }
    for format in ["%H:%M:%S", "%H:%M"] {
        if let Ok(time) = NaiveTime::parse_from_str(text, format) {
            let today = Schedule::launch_day(layout, chrono::Utc::now());
            let day: NaiveDate = layout.launch.date.unwrap_or(today);
            return Ok(Clock::starting_at(at_zone(zone, day.and_time(time))));
        }
    }
    bail!("--now {text:?}: expected a time on the launch's clock such as 2026-12-01T09:30 or 09:30")
}

/// The database for a command that only reads (`status`): never created, never migrated,
/// never written. `None`: there is no SQLite file yet, so nothing has been recorded.
pub async fn open_for_reading(common: &Common) -> Result<Option<Store>> {
    if let Some(url) = &common.database_url {
        return Ok(Some(Store::connect(url).await?));
    }
    let path = common.db.clone().unwrap_or_else(paths::default_db);
    if !path.exists() {
        say(&format!(
            "warroom: no database at {} yet: nothing has been recorded there",
            path.display()
        ));
        return Ok(None);
    }
    Ok(Some(Store::open_read_only(&path).await?))
}
