//! The TUI's start-up: the log, the demo backend, the layout, the database and its tasks,
//! the poller, then the [`Runtime`] on the real terminal until it ends.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::sync::mpsc;

use super::demo::start_demo;
use super::{load_layout, parse_now};
use crate::app::{App, Clock, Config, Ledger, Schedule};
use crate::cli::{Cli, Common, DemoArgs};
use crate::layout::{self, Layout};
use crate::runtime::{Inputs, Reload, Runtime, TerminalSink, inputs};
use crate::store::journal::Journal;
use crate::store::presence::Presence;
use crate::store::{Store, worker};
use crate::ui::Theme;
use crate::ui::theme::Palette;
use crate::{operator, paths, tui};

pub async fn run(cli: &Cli, demo: Option<&DemoArgs>) -> Result<ExitCode> {
    let log_path: PathBuf = cli.common.log.clone().unwrap_or_else(paths::log_file);
    let _log = init_logging(&log_path)?;
    // The demo starts its backend first, so that the layout's ${LUCKYGAS_API} points at it,
    // and keeps its ticks in a database of its own, apart from the real launch's.
    let (sim, demo_clock, env) = match demo {
        Some(args) => {
            let (handle, clock, env) = start_demo(args).await?;
            tracing::info!(backend = %handle.base_url(), "demo backend started");
            (Some(handle), Some(clock), env)
        }
        None => (None, None, layout::Env::process()),
    };
    let mut common = cli.common.clone();
    if demo.is_some() && common.db.is_none() && common.database_url.is_none() {
        common.db = Some(paths::data_dir().join("warroom-demo.db"));
    }
    // Everything that can fail on bad input happens before the terminal is touched, so a bad
    // layout or database prints a plain message instead of a half-drawn screen.
    let layout = load_layout(&common, &env)?;
    let clock = match (demo_clock, &common.now) {
        (Some(clock), _) => clock,
        (None, Some(text)) => parse_now(text, &layout)?,
        (None, None) => Clock::system(),
    };
    let author = operator::identify(cli.operator.as_deref());
    let day = Schedule::launch_day(&layout, clock.now());
    let mut layout = layout;
    let poll_speed = demo.map_or(1.0, |args| args.speed);
    App::faster_polls(&mut layout, poll_speed);
    let layout = Arc::new(layout);
    // Polls start while the database opens (tens of milliseconds): the first frame shows the
    // panels' first answers instead of "waiting", and a second frame does not follow it.
    let (first, unpollable) = probes(&layout);
    let (poll_tx, poll_rx) = mpsc::channel(4096);
    let poller = crate::poller::Poller::start(first, clock, poll_tx.clone());
    let (store, read, samples, load_day) = match open_store(&common).await? {
        Opened::Ready(store) => {
            let read = store.read(&layout.launch.id, day, 0).await?;
            let samples = store.day_samples(&layout.launch.id, day).await?;
            (store, read, samples, false)
        }
        Opened::Outage(store, why) => {
            tracing::warn!(error = %why, "the database does not answer; starting in outage mode");
            (store, crate::store::Read::default(), Vec::new(), true)
        }
    };
    let ledger = Ledger::from_events(read.events);
    let last_seq = read.last_seq;
    tracing::info!(operator = %author.operator, origin = %author.origin, layout = %layout.source, db = %store.location(), %day, "starting");

    let theme = Theme::new(palette(cli), cli.ascii);
    tracing::info!(
        colours = theme.palette.describe(),
        ascii = cli.ascii,
        "terminal"
    );
    let launch = layout.launch.id.clone();
    let config = Config {
        unreadable: read.unreadable,
        bell: !cli.no_bell,
        lang: cli.language(),
        db_path: store.location().to_string(),
        log_path: log_path.display().to_string(),
        demo: sim.is_some(),
        report_dir: journal_dir_for(&log_path).join("reports"),
        samples,
        unpollable,
        poll_speed,
        ..Config::new(Arc::clone(&layout), clock, author, ledger)
    };
    let app = App::new(config);
    // Edits of the layout file are applied live (the built-in copy cannot change).
    let reload = super::layout_file(&common).map(|path| {
        let (changes_tx, changes) = mpsc::channel(4);
        layout::watch::spawn(path, env.clone(), changes_tx);
        Reload {
            changes,
            // The reloaded layout is already polled at the app's speed (update::reload).
            restart: Box::new(move |app: &App| {
                let (sources, unpollable) = probes(&app.layout);
                let poller = crate::poller::Poller::start(sources, app.clock, poll_tx.clone());
                (poller, unpollable)
            }),
        }
    });
    let (request_tx, request_rx) = mpsc::channel(1024);
    let (reply_tx, reply_rx) = mpsc::channel(1024);
    let session = uuid::Uuid::now_v7();
    // Next to the log: the data dir, or wherever --log put it.
    let journal_dir = journal_dir_for(&log_path);
    let (journal, adopted) = Journal::open(&journal_dir, store.location(), session)
        .context("cannot open the outage journal")?;
    if adopted > 0 {
        tracing::info!(adopted, "unsaved changes of an earlier run are saved first");
    }
    let options = worker::Options {
        journal: Some(journal),
        presence: Some(Presence {
            session,
            launch: launch.clone(),
            operator: app.author.operator.clone(),
            origin: app.author.origin.clone(),
            view: app.view.title().to_string(),
        }),
        load_day,
        ..worker::Options::default()
    };
    let writer = tokio::spawn(worker::run_with(
        store, launch, day, last_seq, request_rx, reply_tx, options,
    ));

    let exit = on_terminal(app, theme, request_tx, poll_rx, reply_rx, |runtime| {
        runtime.with_poller(poller, reload)
    })
    .await;
    if let Some(sim) = sim {
        let _ = sim.shutdown().await;
    }
    // The request channel is closed now: the writer commits what is queued, then stops.
    // Whatever it did not get to is in the journal, for the next start.
    if tokio::time::timeout(std::time::Duration::from_secs(15), writer)
        .await
        .is_err()
    {
        tracing::error!("the store did not finish its queued writes within 15 s");
    }
    let exit = exit?;
    tracing::info!(?exit, "stopped");
    Ok(ExitCode::from(exit.code()))
}

pub type Probes = Vec<(
    usize,
    crate::sources::SourceSpec,
    Box<dyn crate::sources::Probe>,
)>;

/// A probe for every source that can be polled, and why the others cannot.
pub fn probes(layout: &Layout) -> (Probes, Vec<(usize, crate::sources::SourceError)>) {
    let mut probes = Vec::new();
    let mut unpollable = Vec::new();
    for (index, source) in layout.sources.iter().enumerate() {
        if !source.missing_env.is_empty() {
            continue;
        }
        match crate::sources::build(&source.spec) {
            Ok(probe) => probes.push((index, source.spec.clone(), probe)),
            Err(e) => {
                tracing::warn!(source = %source.spec.id, error = %e, "cannot build the probe");
                unpollable.push((index, e));
            }
        }
    }
    (probes, unpollable)
}

/// How the TUI found its database at start.
enum Opened {
    /// It answered; the day so far is read.
    Ready(Store),
    /// It did not (a PostgreSQL server down or out of connections): the TUI opens anyway,
    /// in outage mode, and joins the database when it answers.
    Outage(Store, crate::store::StoreError),
}

/// The TUI's database. A SQLite file that cannot be opened, or a PostgreSQL server that
/// refuses warroom for good (a wrong password, no such database), stops warroom before the
/// terminal is touched; a server that is only out of reach does not.
async fn open_store(common: &Common) -> Result<Opened> {
    let Some(url) = &common.database_url else {
        let path = common.db.clone().unwrap_or_else(paths::default_db);
        return Ok(Opened::Ready(Store::open(&path).await?));
    };
    // The error names the database by its redacted URL: no password reaches the terminal.
    let store = Store::postgres_url(url)?;
    match store.ping().await {
        Ok(()) => Ok(Opened::Ready(store)),
        Err(e) if e.outage().is_some() && !e.is_misconfiguration() => Ok(Opened::Outage(store, e)),
        Err(e) => Err(e.into()),
    }
}

/// Log lines waiting for the writer thread at most.
const LOG_QUEUE_LINES: usize = 1024;

/// Logs to `path` through a writer thread, so that a slow disk never stalls the UI; the guard
/// flushes what is left when dropped at the end.
pub(super) fn init_logging(path: &Path) -> Result<tracing_appender::non_blocking::WorkerGuard> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the log folder {}", parent.display()))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open the log file {}", path.display()))?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("WARROOM_LOG_LEVEL")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warroom=info"));
    // tracing-appender's default queue of 128,000 lines is allocated whole up front: 4 MiB,
    // a quarter of warroom's memory, for a log that writes a few lines a minute. A line that
    // finds a full queue is dropped, as before (never a stalled UI).
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .finish(file);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
    Ok(guard)
}

/// The colour depth of this terminal: `--no-color` / `NO_COLOR`, `COLORTERM`, `TERM` and the
/// `colors` of its terminfo entry.
pub(super) fn palette(cli: &Cli) -> Palette {
    let var = |name: &str| std::env::var(name).ok();
    let no_color = cli.no_color || var("NO_COLOR").is_some_and(|v| !v.is_empty());
    Palette::detect(
        no_color,
        var("COLORTERM").as_deref(),
        var("TERM").as_deref(),
        |term| {
            termini::TermInfo::from_name(term)
                .ok()?
                .number_cap(termini::NumberCapability::MaxColors)
        },
    )
}

/// The folder beside the log: where journals and reports go.
fn journal_dir_for(log_path: &Path) -> PathBuf {
    log_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Runs `app` on the real terminal until it ends. Signals are watched first, so a hangup
/// while the terminal is being set up still ends in order; `with` adds what this runtime
/// keeps beside it (the poller, the layout watcher). The terminal is put back before this
/// returns, so the caller's store finishes after it, never under a raw terminal.
pub(super) async fn on_terminal(
    app: App,
    theme: Theme,
    store: mpsc::Sender<crate::store::worker::Request>,
    polls: mpsc::Receiver<crate::poller::PollResult>,
    replies: mpsc::Receiver<crate::store::worker::Reply>,
    with: impl FnOnce(Runtime<TerminalSink>) -> Runtime<TerminalSink>,
) -> Result<crate::runtime::Exit> {
    tui::install_panic_hook(app.log_path.clone());
    let (event_tx, event_rx) = mpsc::channel(1024);
    inputs::forward_signals(event_tx.clone()).context("cannot watch for signals")?;
    let sink = TerminalSink::enter(&theme).context("cannot set up the terminal")?;
    inputs::forward_terminal(event_tx);
    let inputs = Inputs {
        events: event_rx,
        polls,
        replies,
        clock_ticks: true,
    };
    let mut runtime = with(Runtime::new(app, theme, sink, store, inputs));
    Ok(runtime.run().await)
}
