//! `warroom report`: the end-of-day report (issue 7) from the event log and the stored live
//! samples, as Markdown, self-contained HTML or JSON, in English or Traditional Chinese.
//!
//! - [`model`]: the [`Report`] as data, built by [`build`] (pure: the TUI can call it).
//! - [`markdown`], [`html`], [`json`]: one renderer each. [`text`]: the report's words.

pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
pub mod text;

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};

pub use model::{DayState, Inputs, Report};
pub use text::Lang;

use crate::app::{Ledger, Schedule};
use crate::cli::{Common, ReportArgs, ReportFormat};
use crate::layout::Layout;
use crate::store::{Sample, Store, StoreError};

/// Builds the report of `day` as of `now` from what is already in memory. `samples` is `None`
/// when they could not be read; the report then says so.
pub fn build(
    layout: &Layout,
    ledger: &Ledger,
    samples: Option<&[Sample]>,
    day: NaiveDate,
    now: DateTime<Utc>,
    lang: Lang,
) -> Report {
    model::build(&Inputs {
        layout,
        ledger,
        samples,
        day,
        now,
        lang,
    })
}

/// Reads the day's events and samples from the store and builds the report. An unreadable
/// events table is an error (there is no report without it); unreadable samples are only a
/// warning in the report, so that an older database still gets one.
pub async fn load(
    store: &Store,
    layout: &Layout,
    day: NaiveDate,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<Report> {
    let events = store
        .day_events(&layout.launch.id, day)
        .await
        .with_context(|| format!("cannot read the events of {day}"))?;
    let ledger = Ledger::from_events(events);
    let samples = match store.day_samples(&layout.launch.id, day).await {
        Ok(samples) => Some(samples),
        Err(e) => {
            tracing::warn!(error = %e, "report without live samples");
            None
        }
    };
    Ok(build(layout, &ledger, samples.as_deref(), day, now, lang))
}

/// Renders a report in the chosen format.
pub fn render(report: &Report, format: ReportFormat) -> Result<String> {
    Ok(match format {
        ReportFormat::Md => markdown::render(report),
        ReportFormat::Html => html::render(report),
        ReportFormat::Json => json::render(report)?,
    })
}

/// `--date`, else the launch day as of `now`.
pub fn parse_day(date: Option<&str>, layout: &Layout, now: DateTime<Utc>) -> Result<NaiveDate> {
    match date {
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .with_context(|| format!("--date {text:?}: expected YYYY-MM-DD")),
        None => Ok(Schedule::launch_day(layout, now)),
    }
}

/// The store named by `--database-url` / `--db`. A SQLite file whose schema cannot be brought
/// up to date (e.g. one an older warroom wrote without a migration record) is read as it is,
/// read-only, and the report says so: a report of what is there beats no report.
pub async fn open_store(common: &Common) -> Result<(Store, Option<String>)> {
    if let Some(url) = &common.database_url {
        return Ok((Store::connect(url).await?, None));
    }
    let path = common.db.clone().unwrap_or_else(crate::paths::default_db);
    // A report never creates a database: a mistyped --db would otherwise read as an empty day.
    if !path.exists() {
        bail!(
            "no database at {}: nothing has been recorded there (name it with --db or --database-url)",
            path.display()
        );
    }
    match Store::open(&path).await {
        Ok(store) => Ok((store, None)),
        Err(StoreError::Migrate { source, .. }) if path.exists() => {
            let store = Store::open_read_only(&path).await.with_context(|| {
                format!(
                    "database {}: cannot bring its schema up to date ({source}) nor read it as it is",
                    path.display()
                )
            })?;
            let warning = format!(
                "database {} is of an older schema that could not be brought up to date ({source}); it was read as it is, without changes",
                path.display()
            );
            Ok((store, Some(warning)))
        }
        Err(e) => Err(e.into()),
    }
}

/// `warroom report`: opens the database, builds, renders and writes the report (to `--out`
/// or stdout).
/// The language is warroom's own (`--lang`, else the locale).
pub async fn main(
    args: &ReportArgs,
    common: &Common,
    layout: &Layout,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<()> {
    // Bad arguments are refused before the database is touched.
    parse_day(args.date.as_deref(), layout, now)?;
    let (store, warning) = open_store(common).await?;
    let result = run(args, layout, &store, now, warning, lang).await;
    store.close().await;
    result
}

/// Builds, renders and writes the report from an open store; `warning` goes into the report.
pub async fn run(
    args: &ReportArgs,
    layout: &Layout,
    store: &Store,
    now: DateTime<Utc>,
    warning: Option<String>,
    lang: Lang,
) -> Result<()> {
    let day = parse_day(args.date.as_deref(), layout, now)?;
    let mut report = load(store, layout, day, now, lang).await?;
    report.warnings.extend(warning);
    let text = render(&report, args.format)?;
    match &args.out {
        Some(path) => write_file(path, &text)?,
        None => print!("{text}"),
    }
    Ok(())
}

/// The TUI's `R`: the day's report as Markdown and HTML in `dir`; returns the paths written.
pub async fn write_day(
    store: &Store,
    layout: &Layout,
    day: NaiveDate,
    now: DateTime<Utc>,
    lang: Lang,
    dir: &Path,
) -> Result<Vec<String>> {
    let report = load(store, layout, day, now, lang).await?;
    let mut written = Vec::new();
    for (format, ext) in [(ReportFormat::Md, "md"), (ReportFormat::Html, "html")] {
        let path = dir.join(format!("report-{}-{day}.{ext}", layout.launch.id));
        write_file(&path, &render(&report, format)?)?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    std::fs::write(path, text)
        .with_context(|| format!("cannot write the report to {}", path.display()))
}
