//! The scale run: N http sources polled every I in the real runtime loop (the same `Runtime`,
//! poller, store task and frames as the TUI; the terminal is the headless sink), for a while.
//! Prints one JSON line: polls, frames drawn per second, CPU share of one core, RSS, and the
//! worst gap between two answers of one source against its interval.
//!
//!   cargo run --release --example scale -- --sources 1000 --interval 5s --seconds 60
//!   cargo run --release --example scale -- --sources 10000 --interval 30s --seconds 120
//!   cargo run --release --example scale -- --sources 1000 --interval 5s --print-layout > big.toml
//!
//! The backend answering `/health` runs on threads of its own (named `backend`), and their CPU
//! is left out of warroom's: the figure is what warroom costs, not what the fake server costs.
//! `--print-layout` writes the layout (one health panel over every source, URLs at
//! `${WARROOM_BENCH_API}/health`) for the same run in the real TUI under tuimeter.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::sync::mpsc;
use warroom::app::{App, Clock, Config, Ledger, Schedule};
use warroom::layout::{self, Env};
use warroom::poller::{PollResult, Poller};
use warroom::runtime::{Headless, Inputs, Runtime};
use warroom::store::{Author, Store, worker};
use warroom::ui::Theme;

struct Args {
    sources: usize,
    interval: Duration,
    seconds: u64,
    width: u16,
    height: u16,
    print_layout: bool,
}

fn args() -> Result<Args> {
    let mut args = Args {
        sources: 1000,
        interval: Duration::from_secs(5),
        seconds: 60,
        width: 200,
        height: 60,
        print_layout: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--sources" => args.sources = value()?.parse().context("--sources")?,
            "--interval" => args.interval = humantime::parse_duration(&value()?)?,
            "--seconds" => args.seconds = value()?.parse().context("--seconds")?,
            "--size" => {
                let size = value()?;
                let (w, h) = size
                    .split_once('x')
                    .with_context(|| format!("--size {size}: expected WIDTHxHEIGHT"))?;
                args.width = w.parse().context("--size width")?;
                args.height = h.parse().context("--size height")?;
            }
            "--print-layout" => args.print_layout = true,
            other => bail!(
                "unknown argument {other}; expected --sources N --interval 5s --seconds S --size 200x60 --print-layout"
            ),
        }
    }
    Ok(args)
}

/// A layout of `n` http sources on `interval`, all on one health panel.
fn layout_text(n: usize, interval: Duration) -> String {
    let interval = humantime::format_duration(interval);
    let mut text = String::from(
        "# The scale run's layout (examples/scale.rs): every source polls ${WARROOM_BENCH_API}/health.\n\
         [launch]\nid = \"scale\"\nname = \"Scale run\"\ntimezone = \"Asia/Taipei\"\n\n\
         [[block]]\nid = \"all-day\"\ntitle = \"All day\"\nstart = \"00:00\"\nend = \"23:59\"\n\n\
         [[block.section]]\nid = \"watch\"\ntitle = \"Watch\"\n\
         items = [{ id = \"watch-panels\", text = \"Watch the panels\" }]\n\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "[[source]]\nid = \"s{i}\"\nkind = \"http\"\ntitle = \"Service {i}\"\n\
             url = \"${{WARROOM_BENCH_API}}/health\"\ninterval = \"{interval}\"\n\
             critical = [\"[STATUS] == 200\"]\n\n"
        ));
    }
    let ids: Vec<String> = (0..n).map(|i| format!("\"s{i}\"")).collect();
    text.push_str(&format!(
        "[[panel]]\nid = \"health\"\nkind = \"health\"\ntitle = \"Health\"\nsources = [{}]\n",
        ids.join(", ")
    ));
    text
}

/// A backend answering `/health` with `{"status":"UP"}`, on threads named `backend`.
fn start_backend() -> Result<std::net::SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("backend: bind")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("backend")
        .enable_all()
        .build()
        .context("backend: runtime")?;
    std::thread::Builder::new()
        .name("backend".into())
        .spawn(move || {
            runtime.block_on(async move {
                let app = axum::Router::new().route(
                    "/health",
                    axum::routing::get(|| async {
                        axum::Json(serde_json::json!({ "status": "UP" }))
                    }),
                );
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => {
                        if let Err(e) = axum::serve(listener, app).await {
                            eprintln!("backend: {e}");
                        }
                    }
                    Err(e) => eprintln!("backend: {e}"),
                }
            });
        })?;
    Ok(addr)
}

/// CPU seconds (user + system) of this process's threads, apart from the backend's.
fn warroom_cpu_seconds() -> f64 {
    let mut ticks = 0.0;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if comm.trim() == "backend" {
            continue;
        }
        let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
        // Fields after the command name (in parentheses, may hold spaces): utime is the 12th.
        let after = stat.rsplit(')').next().unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        for i in [11, 12] {
            ticks += fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0);
        }
    }
    ticks / 100.0
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Each source's answers as they reach the runtime: the widest gap between two of one source.
#[derive(Default)]
struct Gaps {
    last: HashMap<usize, Instant>,
    worst: Duration,
    polls: u64,
    over: u64,
    limit: Duration,
}

impl Gaps {
    fn seen(&mut self, source: usize, now: Instant) {
        self.polls += 1;
        if let Some(before) = self.last.insert(source, now) {
            let gap = now - before;
            self.worst = self.worst.max(gap);
            if gap > self.limit {
                self.over += 1;
            }
        }
    }
}

fn main() -> Result<()> {
    let args = args()?;
    if args.print_layout {
        print!("{}", layout_text(args.sources, args.interval));
        return Ok(());
    }
    let backend = start_backend()?;
    // As the TUI's main: the whole runtime on the main thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(&args, backend))
}

async fn run(args: &Args, backend: std::net::SocketAddr) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let layout_path: PathBuf = dir.path().join("scale.toml");
    std::fs::write(&layout_path, layout_text(args.sources, args.interval))?;
    let env = Env::empty().with("WARROOM_BENCH_API", &format!("http://{backend}"));
    let layout = Arc::new(layout::load(&layout_path, &env)?);
    let clock = Clock::system();
    let day = Schedule::launch_day(&layout, clock.now());
    let store = Store::open(&dir.path().join("scale.db")).await?;
    let author = Author {
        operator: "scale".into(),
        origin: "scale".into(),
    };
    let (probes, unpollable) = warroom::commands::interactive::probes(&layout);
    if let Some((index, error)) = unpollable.first() {
        bail!("source {index} cannot be polled: {error}");
    }
    let app = App::new(Config::new(
        Arc::clone(&layout),
        clock,
        author,
        Ledger::default(),
    ));

    let (poll_tx, mut poll_rx) = mpsc::channel::<PollResult>(4096);
    let poller = Poller::start(probes, app.clock, poll_tx);
    // Between the poller and the runtime: each answer's arrival, for the gaps.
    let (runtime_polls, polls) = mpsc::channel(4096);
    let gaps = Arc::new(std::sync::Mutex::new(Gaps {
        limit: args.interval.mul_f64(1.5),
        ..Gaps::default()
    }));
    let seen = Arc::clone(&gaps);
    tokio::spawn(async move {
        while let Some(result) = poll_rx.recv().await {
            if let Ok(mut gaps) = seen.lock() {
                gaps.seen(result.source, Instant::now());
            }
            if runtime_polls.send(result).await.is_err() {
                return;
            }
        }
    });

    let (request_tx, request_rx) = mpsc::channel(1024);
    let (reply_tx, replies) = mpsc::channel(1024);
    let launch = layout.launch.id.clone();
    let writer = tokio::spawn(worker::run_with(
        store,
        launch,
        day,
        0,
        request_rx,
        reply_tx,
        worker::Options::default(),
    ));
    let (_events_tx, events) = mpsc::channel(16);
    let inputs = Inputs {
        events,
        polls,
        replies,
        clock_ticks: true,
    };
    let mut runtime = Runtime::new(
        app,
        Theme::default(),
        Headless::new(args.width, args.height),
        request_tx,
        inputs,
    )
    .with_poller(poller, None);

    // The first interval fills the panel (first polls are spread over it); measure after.
    let warm = args.interval.min(Duration::from_secs(10));
    let until = Instant::now() + warm;
    let _ = runtime.run_until(|_, _| Instant::now() >= until).await;
    let (frames0, cpu0, started) = (runtime.sink().frames, warroom_cpu_seconds(), Instant::now());
    if let Ok(mut g) = gaps.lock() {
        g.polls = 0;
    }
    let until = started + Duration::from_secs(args.seconds);
    let _ = runtime.run_until(|_, _| Instant::now() >= until).await;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = warroom_cpu_seconds() - cpu0;
    let frames = runtime.sink().frames - frames0;
    let rss = rss_mib();
    let (polls, worst, over) = gaps
        .lock()
        .map(|g| (g.polls, g.worst, g.over))
        .unwrap_or_default();
    let shown_ok = runtime.sink().shows("ok");
    runtime.shutdown();
    drop(runtime);
    let _ = tokio::time::timeout(Duration::from_secs(15), writer).await;

    println!(
        "{}",
        serde_json::json!({
            "sources": args.sources,
            "interval_s": args.interval.as_secs_f64(),
            "seconds": (elapsed * 10.0).round() / 10.0,
            "size": format!("{}x{}", args.width, args.height),
            "polls_per_s": (polls as f64 / elapsed * 10.0).round() / 10.0,
            "cpu_pct_of_one_core": (cpu / elapsed * 1000.0).round() / 10.0,
            "rss_mib": (rss * 10.0).round() / 10.0,
            "frames_per_s": (frames as f64 / elapsed * 100.0).round() / 100.0,
            "worst_poll_gap_s": (worst.as_secs_f64() * 100.0).round() / 100.0,
            "worst_gap_over_interval": (worst.as_secs_f64() / args.interval.as_secs_f64() * 100.0).round() / 100.0,
            "gaps_over_1_5x": over,
            "screen_shows_ok": shown_ok,
        })
    );
    Ok(())
}
