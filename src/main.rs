use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use clap::Parser;
use tokio::sync::mpsc;

use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger, Schedule};
use warroom::cli::{Cli, Command, Common, DemoArgs};
use warroom::layout::{self, Layout};
use warroom::sim::{self, SimConfig};
use warroom::store::journal::Journal;
use warroom::store::presence::Presence;
use warroom::store::{Store, worker};
use warroom::tui::{self, Exit, TerminalGuard};
use warroom::ui::Theme;
use warroom::ui::theme::Palette;
use warroom::{BUILTIN_LAYOUT, BUILTIN_LAYOUT_NAME, operator, paths, status};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, None | Some(Command::Demo(_))) {
        // `warroom status | head -1`: when the reader goes away, end as any Unix filter does
        // (SIGPIPE), quietly, instead of panicking on the failed print.
        restore_sigpipe();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say(&format!("warroom: cannot start: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let code = match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // Layout problems print exactly as `warroom check` prints them: file:line:col first.
            match e.downcast_ref::<layout::LayoutError>() {
                Some(layout_error) => say(&format!(
                    "{layout_error}\nwarroom: the layout has problems; `warroom check FILE` lists them"
                )),
                None => match e.downcast_ref::<sim::ScenarioError>() {
                    Some(scenario_error) => say(&format!(
                        "{scenario_error}\nwarroom: the demo scenario has problems"
                    )),
                    None => say(&format!("warroom: {e:#}")),
                },
            }
            ExitCode::FAILURE
        }
    };
    // Tasks still running (a listener waiting on a dead server) must not hold up the exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    code
}

/// One line to stderr. Written, not printed: after a hangup stderr may be a terminal that is
/// gone, and a failed print would panic on the way out.
fn say(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{text}");
}

#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: setting a signal's disposition to the default before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}

async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Some(Command::Check { file, strict }) => Ok(check(file, *strict)),
        Some(Command::Completions { shell }) => {
            warroom::cli::completions(*shell, &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Status { json, update }) => {
            let layout = load_layout(&cli.common, &layout::Env::process())?;
            let clock = match &cli.common.now {
                Some(text) => parse_now(text, &layout)?,
                None => Clock::system(),
            };
            let now = clock.now();
            if *update {
                let store = open_for_reading(&cli.common).await?;
                let made = status::update::load(store.as_ref(), &layout, now, cli.language()).await;
                if let Some(store) = &store {
                    store.close().await;
                }
                let (text, skipped) = made?;
                for bad in skipped {
                    say(&format!("warroom: {bad}; skipped"));
                }
                println!("{text}");
                return Ok(ExitCode::SUCCESS);
            }
            let day = Schedule::launch_day(&layout, now);
            let events = match open_for_reading(&cli.common).await? {
                Some(store) => {
                    let read = store.read(&layout.launch.id, day, 0).await;
                    store.close().await;
                    let read = read?;
                    for bad in &read.unreadable {
                        say(&format!("warroom: {}: {bad}; skipped", store.location()));
                    }
                    read.events
                }
                None => Vec::new(),
            };
            let ledger = Ledger::from_events(events);
            let report = status::status(&layout, &ledger, &Schedule::new(&layout, day), now);
            if *json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!("{}", report.render(cli.language()));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Report(args)) => {
            // The report opens the database itself: it can read an older one as it is.
            let layout = load_layout(&cli.common, &layout::Env::process())?;
            let clock = match &cli.common.now {
                Some(text) => parse_now(text, &layout)?,
                None => Clock::system(),
            };
            warroom::report::main(args, &cli.common, &layout, clock.now(), cli.language()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Demo(args)) if args.headless => demo_headless(args).await,
        Some(Command::Demo(args)) => interactive(&cli, Some(args)).await,
        None => interactive(&cli, None).await,
    }
}

/// `warroom demo --headless`: the simulated backend alone, until SIGINT or SIGTERM.
async fn demo_headless(args: &DemoArgs) -> Result<ExitCode> {
    let config = sim_config(args)?;
    let mut signals = StopSignals::install()?;
    let handle = serve_demo(config).await?;
    {
        use std::io::Write;
        // A supervisor that closed our stdout must not make the announcement panic.
        let mut out = std::io::stdout();
        let _ = writeln!(
            out,
            "warroom demo backend on {} (seed {}, speed {}) — Ctrl-C to stop",
            handle.base_url(),
            args.seed,
            args.speed
        )
        .and_then(|()| out.flush());
    }
    let signal = signals.wait().await;
    handle.shutdown().await?;
    Ok(ExitCode::from(128 + signal))
}

/// The simulator's settings from `warroom demo`'s flags.
fn sim_config(args: &DemoArgs) -> Result<SimConfig> {
    let date = match &args.date {
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .with_context(|| format!("--date {text:?}: expected YYYY-MM-DD"))?,
        None => sim::clock::today(),
    };
    let start = ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(args.start.trim(), f).ok())
        .with_context(|| format!("--start {:?}: expected HH:MM (24-hour)", args.start))?;
    if !(args.speed.is_finite() && args.speed > 0.0 && args.speed <= sim::MAX_SPEED) {
        bail!(
            "--speed {}: expected a number above 0 and at most 86400",
            args.speed
        );
    }
    let bundled = Path::new("layouts/luckygas-demo-scenario.toml");
    let scenario = match &args.scenario {
        Some(path) => sim::scenario::load(path)?,
        None if bundled.exists() => sim::scenario::load(bundled)?,
        None => sim::scenario::builtin()?,
    };
    Ok(SimConfig {
        port: args.port,
        seed: args.seed,
        speed: args.speed,
        scenario,
        date,
        days: args.days,
        start,
    })
}

/// Starts the demo backend for the TUI on the asked port. A port already taken is an error,
/// as for `--headless`: quietly moving elsewhere would leave a rehearsal polling a backend
/// nobody meant (a headless demo of another seed already on 8787). `--port 0` takes any free
/// one. The environment it returns points `${LUCKYGAS_API}` at it.
async fn start_demo(args: &DemoArgs) -> Result<(sim::SimHandle, Clock, layout::Env)> {
    let config = sim_config(args)?;
    let handle = serve_demo(config).await?;
    let env = layout::Env::process().with("LUCKYGAS_API", &handle.base_url());
    // The backend's own clock: what it answers and what warroom stamps are the same instant.
    let clock = handle.clock();
    Ok((handle, clock, env))
}

/// The demo backend on its port; a port already taken says so and how to choose another.
async fn serve_demo(config: SimConfig) -> Result<sim::SimHandle> {
    sim::serve(config).await.map_err(|e| {
        let taken = e.chain().any(|cause| {
            cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse)
        });
        if taken {
            anyhow::anyhow!(
                "{e:#} (another warroom demo?): choose another with --port N, or --port 0 for \
                 any free one"
            )
        } else {
            e
        }
    })
}

/// The demo's polls follow its clock (see [`App::faster_polls`]).
fn faster_polls(app: &mut App, speed: f64) {
    let mut layout = (*app.layout).clone();
    App::faster_polls(&mut layout, speed);
    app.layout = Arc::new(layout);
    app.poll_speed = speed;
}

/// One probe per configured source, for the poller. A source whose probe cannot be built
/// (a malformed URL, say) shows that error on its panel instead of stopping warroom.
fn probes(
    app: &mut App,
) -> Vec<(
    usize,
    warroom::sources::SourceSpec,
    Box<dyn warroom::sources::Probe>,
)> {
    let layout = Arc::clone(&app.layout);
    let mut out = Vec::new();
    for (index, source) in layout.sources.iter().enumerate() {
        if !source.missing_env.is_empty() {
            continue;
        }
        match warroom::sources::build(&source.spec) {
            Ok(probe) => out.push((index, source.spec.clone(), probe)),
            Err(e) => {
                tracing::warn!(source = %source.spec.id, error = %e, "cannot build the probe");
                let reason = Some(warroom::sources::Finding::error(format!(
                    "cannot start polling: {e}"
                )));
                let now = app.now;
                app.live.record(
                    &layout,
                    index,
                    now,
                    Err(e),
                    warroom::sources::Health::Critical,
                    reason,
                );
            }
        }
    }
    out
}

/// SIGINT and SIGTERM, watched from before the ready line is printed: a supervisor that stops
/// the demo as soon as it has announced itself must not kill it unhandled.
#[cfg(unix)]
struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl StopSignals {
    fn install() -> Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt()).context("cannot watch SIGINT")?,
            terminate: signal(SignalKind::terminate()).context("cannot watch SIGTERM")?,
        })
    }

    /// Waits for either and returns its number.
    async fn wait(&mut self) -> u8 {
        tokio::select! {
            _ = self.interrupt.recv() => 2,
            _ = self.terminate.recv() => 15,
        }
    }
}

#[cfg(not(unix))]
struct StopSignals;

#[cfg(not(unix))]
impl StopSignals {
    fn install() -> Result<Self> {
        Ok(Self)
    }

    async fn wait(&mut self) -> u8 {
        // Without Ctrl-C support there is nothing to wait for but the process's end.
        let _ = tokio::signal::ctrl_c().await;
        2
    }
}

/// `warroom check`: what the layout holds on stdout, its problems on stderr.
fn check(file: &Path, strict: bool) -> ExitCode {
    let outcome = warroom::check::check(file, &layout::Env::process(), strict);
    for line in &outcome.out {
        println!("{line}");
    }
    for line in &outcome.err {
        say(line);
    }
    if outcome.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The layout named on the command line, else the bundled one in `layouts/`, else the copy
/// built into the binary.
fn load_layout(common: &Common, env: &layout::Env) -> Result<Layout> {
    match layout_file(common) {
        Some(path) => Ok(layout::load(&path, env)?),
        None => Ok(layout::parse(BUILTIN_LAYOUT_NAME, BUILTIN_LAYOUT, env)?),
    }
}

/// The layout file in use: the one named, else the bundled one; `None`: the built-in copy.
fn layout_file(common: &Common) -> Option<PathBuf> {
    if let Some(path) = &common.layout {
        return Some(path.clone());
    }
    let bundled = Path::new("layouts/luckygas-pilot.toml");
    bundled.exists().then(|| bundled.to_path_buf())
}

/// `--now` as an instant: a full date-time, or a time of day on the launch day, in the
/// launch's zone.
fn parse_now(text: &str, layout: &Layout) -> Result<Clock> {
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
async fn open_for_reading(common: &Common) -> Result<Option<Store>> {
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

/// How the TUI found its database at start.
enum Opened {
    /// It answered; the day so far is read.
    Ready(Store),
    /// It did not (a PostgreSQL server down or out of connections): the TUI opens anyway,
    /// in outage mode, and joins the database when it answers.
    Outage(Store, warroom::store::StoreError),
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

/// Logs to `path` through a writer thread, so that a slow disk never stalls the UI; the guard
/// flushes what is left when dropped at the end.
fn init_logging(path: &Path) -> Result<tracing_appender::non_blocking::WorkerGuard> {
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
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
    Ok(guard)
}

async fn interactive(cli: &Cli, demo: Option<&DemoArgs>) -> Result<ExitCode> {
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
    let (store, read, samples, load_day) = match open_store(&common).await? {
        Opened::Ready(store) => {
            let read = store.read(&layout.launch.id, day, 0).await?;
            let samples = store.day_samples(&layout.launch.id, day).await?;
            (store, read, samples, false)
        }
        Opened::Outage(store, why) => {
            tracing::warn!(error = %why, "the database does not answer; starting in outage mode");
            (store, warroom::store::Read::default(), Vec::new(), true)
        }
    };
    let ledger = Ledger::from_events(read.events);
    let last_seq = read.last_seq;
    tracing::info!(operator = %author.operator, origin = %author.origin, layout = %layout.source, db = %store.location(), %day, "starting");

    let mut app = App::new(Arc::new(layout), clock, author, ledger);
    app.live.restore(&app.layout, &samples);
    app.tickets.restore(&samples);
    app.unreadable = read.unreadable;
    app.bell = !cli.no_bell;
    app.lang = cli.language();
    app.db_path = store.location().to_string();
    app.log_path = log_path.display().to_string();
    let launch = app.layout.launch.id.clone();
    let theme = Theme::new(palette(cli), cli.ascii);
    tracing::info!(
        colours = theme.palette.describe(),
        ascii = cli.ascii,
        "terminal"
    );

    app.demo = sim.is_some();
    if let Some(args) = demo {
        faster_polls(&mut app, args.speed);
    }
    app.report_dir = journal_dir_for(&log_path).join("reports");
    let (poll_tx, poll_rx) = mpsc::channel(4096);
    let first = probes(&mut app);
    let mut poller = Some(warroom::poller::Poller::start(
        first,
        app.clock,
        poll_tx.clone(),
    ));
    // Edits of the layout file are applied live (the built-in copy cannot change).
    let reload = layout_file(&common).map(|path| {
        let (changes_tx, changes) = mpsc::channel(4);
        layout::watch::spawn(path, env.clone(), changes_tx);
        tui::Reload {
            changes,
            // The reloaded layout is already polled at the app's speed (update::reload).
            restart: Box::new(move |app: &mut App| {
                let sources = probes(app);
                warroom::poller::Poller::start(sources, app.clock, poll_tx.clone())
            }),
            poller: poller.take(),
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

    tui::install_panic_hook(app.log_path.clone());
    let exit = {
        let mut guard = match TerminalGuard::enter_with(theme.palette) {
            Ok(guard) => guard,
            Err(e) => {
                // Nothing was written yet; the store still stops in order.
                drop(request_tx);
                let _ = tokio::time::timeout(std::time::Duration::from_secs(15), writer).await;
                return Err(e).context("cannot set up the terminal");
            }
        };
        tui::run(
            app,
            theme,
            &mut guard.terminal,
            request_tx,
            reply_rx,
            poll_rx,
            reload,
        )
        .await
    };
    drop(poller);
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
    let exit = exit.context("cannot watch for signals")?;
    tracing::info!(?exit, "stopped");
    Ok(match exit {
        Exit::Quit => ExitCode::SUCCESS,
        // The shell's convention: 128 + the signal's number; a vanished terminal is a hangup.
        Exit::Signal(signal) => ExitCode::from(128 + signal as u8),
        Exit::TerminalClosed => ExitCode::from(128 + 1),
    })
}

/// The colour depth of this terminal: `--no-color` / `NO_COLOR`, `COLORTERM`, `TERM` and the
/// `colors` of its terminfo entry.
fn palette(cli: &Cli) -> Palette {
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
