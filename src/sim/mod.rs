//! `warroom demo`: a built-in LuckyGas backend to rehearse the whole launch day against
//! (issue 5).
//!
//! - [`world`]: a simulated day (customers, deliveries, tickets, traffic), a pure function
//!   of (seed, scenario, date, instant); a run serves one per date (`--days`).
//! - [`scenario`]: the incident file (`layouts/luckygas-demo-scenario.toml`) and its checks.
//! - [`clock`]: simulated time, optionally faster than the wall clock.
//! - [`server`]: the HTTP API (axum). [`metrics`]: the Prometheus exposition.
//!
//! [`serve`] binds 127.0.0.1 and returns a [`SimHandle`]; the server runs until the handle
//! is shut down or dropped, so the TUI can embed it as well as `warroom demo --headless`.

pub mod clock;
pub mod metrics;
pub mod scenario;
pub mod server;
pub mod world;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use chrono::{NaiveDate, NaiveTime};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use clock::SimClock;
pub use scenario::{Scenario, ScenarioError};
pub use world::World;

/// The fastest simulated clock: a day a second.
pub const MAX_SPEED: f64 = 86_400.0;

/// The longest run of days the backend serves: a pilot is four weeks, and a year is far
/// beyond any.
pub const MAX_DAYS: u32 = 366;

/// What the demo backend plays.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Port on 127.0.0.1; 0 picks a free one (see [`SimHandle::addr`]).
    pub port: u16,
    /// Same seed, scenario and instant: same state.
    pub seed: u64,
    /// Simulated seconds per wall-clock second (60 = an hour a minute).
    pub speed: f64,
    pub scenario: Scenario,
    /// The launch date (Asia/Taipei): the first day served.
    pub date: NaiveDate,
    /// How many days are served, one per date from `date` (a pilot week is 7).
    pub days: u32,
    /// Where the simulated clock starts on the launch date.
    pub start: NaiveTime,
}

impl SimConfig {
    /// The built-in scenario from 06:00 at real speed on `date`, seed 1, any free port.
    pub fn new(date: NaiveDate) -> Result<Self> {
        Ok(Self {
            port: 0,
            seed: 1,
            speed: 1.0,
            scenario: scenario::builtin().context("the built-in demo scenario is invalid")?,
            date,
            days: 1,
            start: NaiveTime::from_hms_opt(6, 0, 0).context("06:00 is a time")?,
        })
    }
}

/// A running demo backend. Dropping it stops the server.
pub struct SimHandle {
    addr: SocketAddr,
    clock: SimClock,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SimHandle {
    /// The bound address (127.0.0.1 and the actual port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulated clock, to show the same now as the backend (e.g. the TUI's clock).
    pub fn clock(&self) -> SimClock {
        self.clock
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server to end.
    pub async fn shutdown(mut self) -> Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => task
                .await
                .context("the demo backend task failed")?
                .context("the demo backend stopped with an error"),
            None => Ok(()),
        }
    }

    /// Waits until the server ends on its own (it only does on an I/O error).
    pub async fn wait(mut self) -> Result<()> {
        match self.task.take() {
            Some(task) => task
                .await
                .context("the demo backend task failed")?
                .context("the demo backend stopped with an error"),
            None => Ok(()),
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            // The receiver may already be gone when the server ended; nothing to stop then.
            let _ = tx.send(());
        }
    }
}

/// Lays out the day from `config` and serves it on 127.0.0.1:`config.port`.
pub async fn serve(config: SimConfig) -> Result<SimHandle> {
    if !(config.speed.is_finite() && config.speed > 0.0 && config.speed <= MAX_SPEED) {
        bail!(
            "speed {}: expected a number above 0 and at most {MAX_SPEED} (a day a second)",
            config.speed
        );
    }
    if !(1..=MAX_DAYS).contains(&config.days) {
        bail!(
            "days {}: expected 1 to {MAX_DAYS} days from the launch date",
            config.days
        );
    }
    let days: Vec<World> = (0..config.days)
        .filter_map(|n| {
            config
                .date
                .checked_add_days(chrono::Days::new(u64::from(n)))
        })
        .map(|date| World::new(config.seed, config.scenario.clone(), date))
        .collect();
    let start = clock::at_zone_time(config.date, config.start);
    // The simulated days end at 19:00 and so does the clock, on the last of them: panels and
    // checklist stay on the launch's dates together, instead of the clock running on into a
    // date nothing is served for while the checklist turns to it.
    let end = days
        .last()
        .map(|w| w.instant(world::DAY_BOUNDS.1))
        .context("no day to serve")?;
    if start >= end {
        bail!(
            "--start {}: the demo day ends at {}; start before then",
            config.start.format("%H:%M"),
            clock::rfc3339(end)
        );
    }
    let clock = SimClock::scaled(start, config.speed).stopping_at(end);
    let sim = Arc::new(server::Sim { days, clock });
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", config.port))?;
    let addr = listener
        .local_addr()
        .context("cannot read the demo backend's bound address")?;
    let (tx, rx) = oneshot::channel::<()>();
    let app = server::router(sim);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                // Sent or dropped: either way the handle is gone, so stop.
                let _ = rx.await;
            })
            .await
    });
    tracing::info!(%addr, seed = config.seed, speed = config.speed, days = config.days, "demo backend listening");
    Ok(SimHandle {
        addr,
        clock,
        shutdown: Some(tx),
        task: Some(task),
    })
}
