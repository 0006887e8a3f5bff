//! Command line: `warroom` (the TUI), `warroom check FILE`, `warroom status`, `warroom demo`,
//! `warroom report`, `warroom wall`, `warroom completions SHELL`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::i18n::Lang;

/// The launch-day command center: the LuckyGas pilot launch checklist, ticked by keyboard,
/// with every change on disk before it is shown.
#[derive(Debug, Parser)]
#[command(name = "warroom", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub common: Common,
    /// Who you are, recorded with every change [default: $WARROOM_OPERATOR, else user@host]
    #[arg(long, global = true)]
    pub operator: Option<String>,
    /// Plain ASCII symbols, for terminals or SSH links that mangle Unicode.
    #[arg(long, global = true)]
    pub ascii: bool,
    /// No colours (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Do not ring the terminal bell when an alert is raised.
    #[arg(long, global = true)]
    pub no_bell: bool,
    /// Language of the screens and messages: en or zh-TW [default: from LC_ALL / LANG]
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

impl Cli {
    /// `--lang`, else what LC_ALL / LANG ask for.
    pub fn language(&self) -> Lang {
        let var = |name: &str| std::env::var(name).ok();
        Lang::resolve(self.lang, var("LC_ALL").as_deref(), var("LANG").as_deref())
    }
}

/// Writes the completion script of `shell` for the whole command line.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    use clap::CommandFactory;
    clap_complete::generate(shell, &mut Cli::command(), "warroom", out);
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("unknown language {text:?}: use en or zh-TW"))
}

#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Layout file [default: layouts/luckygas-pilot.toml, else the built-in LuckyGas layout]
    #[arg(long, short, env = "WARROOM_LAYOUT", global = true)]
    pub layout: Option<PathBuf>,
    /// SQLite database file [default: warroom.db in the XDG data dir]
    #[arg(long, env = "WARROOM_DB", global = true)]
    pub db: Option<PathBuf>,
    /// Shared PostgreSQL database, postgres://user@host/db (instead of the SQLite file): every
    /// warroom on it sees the others' changes live.
    // hide_env_values: --help would otherwise print the URL, password and all.
    #[arg(
        long,
        env = "WARROOM_DATABASE_URL",
        hide_env_values = true,
        global = true,
        value_name = "URL",
        conflicts_with = "db"
    )]
    pub database_url: Option<String>,
    /// Pretend it is this time on the launch's clock, e.g. 2026-12-01T09:30 or 09:30; the
    /// clock runs on from there (rehearsals, demos).
    #[arg(long, global = true, value_name = "DATETIME")]
    pub now: Option<String>,
    /// Log file [default: warroom.log in the XDG data dir]
    #[arg(long, env = "WARROOM_LOG", global = true)]
    pub log: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a layout file and print what it holds; errors name file:line:column and field.
    /// An unset ${VAR} is a warning (its sources stay unconfigured), so CI can check a layout
    /// without secrets.
    Check {
        /// The layout file to check.
        file: PathBuf,
        /// Treat an unset ${VAR} as an error (the check before going live).
        #[arg(long)]
        strict: bool,
    },
    /// Print a shell completion script, e.g. `warroom completions bash >
    /// ~/.local/share/bash-completion/completions/warroom`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the day's progress without the TUI (for scripts and chat bots).
    Status {
        /// Machine-readable JSON instead of text.
        #[arg(long, conflicts_with = "update")]
        json: bool,
        /// The hourly status update to paste into chat: the pilot day, the current block,
        /// announcements, open alerts and who is on them, measures against the week's
        /// targets, the next block.
        #[arg(long)]
        update: bool,
    },
    /// Rehearse against a built-in LuckyGas backend that plays the launch day (06:00–19:00
    /// Asia/Taipei) with the incidents of a scenario file.
    Demo(DemoArgs),
    /// Write the day's end-of-day report (Markdown, HTML or JSON) from the event log and the
    /// stored live samples.
    Report(ReportArgs),
    /// The read-only wall display for the war room's big screen and for managers: a big
    /// countdown, the current block, open alerts first, the panels large. It only reads the
    /// database (SQLite opened read-only; on PostgreSQL one connection, SELECT is enough) and
    /// no key writes.
    Wall(WallArgs),
}

#[derive(Debug, Clone, Args)]
pub struct WallArgs {
    /// Show the next view every so often, e.g. 20s or 1m [default: stay on the board]
    #[arg(long, value_name = "DURATION", value_parser = parse_cycle)]
    pub cycle: Option<std::time::Duration>,
}

/// A humantime duration of at least a second (a faster cycle could not be read).
fn parse_cycle(text: &str) -> Result<std::time::Duration, String> {
    let cycle = humantime::parse_duration(text.trim())
        .map_err(|e| format!("{text:?}: {e} (e.g. 20s, 1m)"))?;
    if cycle < std::time::Duration::from_secs(1) {
        return Err(format!("{text:?}: at least 1s"));
    }
    Ok(cycle)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Markdown, for chat, e-mail and records.
    Md,
    /// One self-contained, printable HTML page with charts.
    Html,
    /// JSON for other tools (schemas/report.schema.json).
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value = "md")]
    pub format: ReportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The launch day to report on, YYYY-MM-DD [default: the launch day as of --now]
    #[arg(long, value_name = "DATE", conflicts_with = "week")]
    pub date: Option<String>,
    /// Report on a pilot week instead: its targets over its days, with a chart per target
    /// (needs the layout's [pilot] start).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=52))]
    pub week: Option<u32>,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Only run the backend (no TUI); stop with Ctrl-C.
    #[arg(long)]
    pub headless: bool,
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Seed of the simulated day: the same seed gives the same day.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Simulated seconds per real second (60: an hour a minute).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Scenario file [default: layouts/luckygas-demo-scenario.toml, else the built-in one]
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Simulated time of day to start at, on the launch's clock.
    #[arg(long, default_value = "06:00", value_name = "HH:MM")]
    pub start: String,
    /// Launch date as YYYY-MM-DD [default: today in Asia/Taipei]; each date is a day of its
    /// own.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Serve this many days, one per date from --date (7: a pilot week); the clock runs on
    /// through the nights.
    #[arg(long, default_value_t = 1, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::sim::MAX_DAYS)))]
    pub days: u32,
}
