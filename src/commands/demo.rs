//! `warroom demo`: the simulated LuckyGas backend, alone (`--headless`) or behind the TUI.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, NaiveTime};

use crate::app::Clock;
use crate::cli::DemoArgs;
use crate::layout;
use crate::sim::{self, SimConfig};

/// `warroom demo --headless`: the simulated backend alone, until SIGINT or SIGTERM.
pub async fn demo_headless(args: &DemoArgs) -> Result<ExitCode> {
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
pub async fn start_demo(args: &DemoArgs) -> Result<(sim::SimHandle, Clock, layout::Env)> {
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

/// SIGINT and SIGTERM, watched from before the ready line is printed: a supervisor that stops
/// the demo as soon as it has announced itself must not kill it unhandled.
struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

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
