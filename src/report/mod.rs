//! `warroom report`: the end-of-day report (issue 7) from the event log and the stored live
//! samples, as Markdown, self-contained HTML or JSON, in English or Traditional Chinese.
//!
//! - [`model`]: the [`Report`] as data, built by [`build`] (pure: the TUI can call it) from
//!   [`day`] (as of when, the state, the headline), [`checklist`], [`alerts`] and [`measures`]
//!   (numbers as `judge` reads them from the samples).
//! - [`markdown`], [`html`], [`json`]: one renderer each; every word from the `i18n` catalogue.

pub mod alerts;
pub mod checklist;
pub mod day;
pub mod html;
pub mod json;
pub mod markdown;
pub mod measures;
pub mod model;
pub mod week;

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub use crate::i18n::Lang;
pub use model::{DayState, Report};

use crate::app::{Ledger, Schedule};
use crate::cli::{Common, ReportArgs, ReportFormat};
use crate::judge::{self, Bindings, samples::Day};
use crate::layout::Layout;
use crate::store::{Sample, Store, StoreError};

/// What the report is built from. `samples` is `None` when they could not be read (an older
/// database); the report then says so instead of failing.
pub struct Inputs<'a> {
    pub layout: &'a Layout,
    pub ledger: &'a Ledger,
    pub samples: Option<&'a [Sample]>,
    pub day: NaiveDate,
    pub now: DateTime<Utc>,
    pub lang: Lang,
}

/// What every part of the report reads: the inputs, the day's schedule, the instant it is as
/// of, the judged samples.
pub struct Context<'a> {
    pub layout: &'a Layout,
    pub ledger: &'a Ledger,
    pub lang: Lang,
    pub zone: Tz,
    pub schedule: Schedule,
    pub as_of: DateTime<Utc>,
    pub bindings: Bindings,
    pub day: Day<'a>,
}

impl Context<'_> {
    pub fn source_title(&self, id: &str) -> String {
        self.layout
            .source(id)
            .map_or_else(|| id.to_string(), |s| s.title.get(self.lang).to_string())
    }
}

/// An instant on the launch's clock, RFC 3339 to the second.
pub fn local(zone: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// "09:32" on the launch's clock.
pub fn hm(zone: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone).format("%H:%M").to_string()
}

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
    build_from(&Inputs {
        layout,
        ledger,
        samples,
        day,
        now,
        lang,
    })
}

pub fn build_from(inputs: &Inputs<'_>) -> Report {
    let empty: [Sample; 0] = [];
    let samples = inputs.samples.unwrap_or(&empty);
    let schedule = Schedule::new(inputs.layout, inputs.day);
    let as_of = day::as_of(&schedule, inputs.ledger, samples, inputs.now);
    let cx = Context {
        layout: inputs.layout,
        ledger: inputs.ledger,
        lang: inputs.lang,
        zone: inputs.layout.launch.zone,
        bindings: Bindings::of(inputs.layout),
        day: Day::new(samples, as_of),
        schedule,
        as_of,
    };
    let mut warnings = Vec::new();
    if inputs.samples.is_none() {
        warnings.push(
            "live samples could not be read (a database from an older warroom?): measures are not available"
                .to_string(),
        );
    }
    let mut totals = model::Totals::default();
    let blocks = checklist::blocks(&cx, &mut totals);
    let alerts = alerts::alerts(&cx);
    totals.alerts = alerts.len();
    totals.alerts_open = alerts.iter().filter(|a| a.open).count();
    totals.events = cx.ledger.events().len();
    totals.samples = samples.len();
    let measures = measures::measures(&cx);
    let criteria = measures::criteria(&cx);
    let week = cx.bindings.week(cx.layout).map(|w| w.week).unwrap_or(1);
    totals.on_target = judge::on_target(&judge::criteria(
        cx.layout,
        &Bindings {
            week,
            ..cx.bindings.clone()
        },
        &cx.day,
        as_of,
    ));
    let phase = cx.schedule.phase(as_of);
    let state = day::state(&totals, phase);
    let value = |id: &str| measures.iter().find(|m| m.id == id).and_then(|m| m.value);
    let headline = day::headline(cx.lang, &totals, value("uptime"), value("order_completion"));
    let status_line = day::status_line(cx.lang, state, phase, &blocks, &hm(cx.zone, as_of));
    model::Report {
        launch: cx.layout.launch.id.clone(),
        name: cx.layout.launch.name.get(cx.lang).to_string(),
        date: inputs.day.to_string(),
        timezone: cx.zone.name().to_string(),
        lang: cx.lang,
        as_of: local(cx.zone, as_of),
        state,
        headline,
        status_line,
        totals,
        tickets: measures::tickets(&cx),
        charts: measures::charts(&cx),
        notes: checklist::notes(&cx),
        signoffs: checklist::signoffs(&cx),
        prelaunch: checklist::prelaunch(&cx),
        blocks,
        alerts,
        measures,
        criteria,
        warnings,
    }
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
    if let Some(week) = args.week {
        // A week that cannot be placed or has no targets is said before opening anything.
        week::build(&week::Inputs {
            layout,
            week,
            samples: &std::collections::BTreeMap::new(),
            events: &[],
            now,
            lang,
        })?;
    }
    let (store, warning) = open_store(common).await?;
    let result = match args.week {
        Some(number) => run_week(args, layout, &store, number, now, warning, lang).await,
        None => run(args, layout, &store, now, warning, lang).await,
    };
    store.close().await;
    result
}

/// `warroom report --week N` from an open store.
async fn run_week(
    args: &ReportArgs,
    layout: &Layout,
    store: &Store,
    number: u32,
    now: DateTime<Utc>,
    warning: Option<String>,
    lang: Lang,
) -> Result<()> {
    let mut report = week::load(store, layout, number, now, lang).await?;
    report.warnings.extend(warning);
    let text = week::render(&report, args.format)?;
    match &args.out {
        Some(path) => write_file(path, &text)?,
        None => print!("{text}"),
    }
    Ok(())
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

/// The TUI's `R` as work for the store to run on a task of its own: writes the day's report
/// (see [`write_day`]) and answers with the paths written, or why not.
pub fn job(
    layout: std::sync::Arc<Layout>,
    day: NaiveDate,
    now: DateTime<Utc>,
    lang: Lang,
    dir: std::path::PathBuf,
) -> crate::store::worker::Job {
    use crate::store::worker::Reply;
    Box::new(move |store| {
        Box::pin(async move {
            match write_day(&store, &layout, day, now, lang, &dir).await {
                Ok(paths) => Reply::Notice(paths.join(", ")),
                Err(e) => Reply::ReadFailed(format!("{e:#}")),
            }
        })
    })
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
