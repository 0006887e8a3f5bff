//! `warroom wall`: the read-only wall display. It reads the database and never writes it (no
//! migrations, no journal, no presence, no samples); a database not there yet, or out of
//! reach, is said on screen and looked for again.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use tokio::sync::mpsc;

use super::interactive::{init_logging, on_terminal, palette, probes};
use super::{load_layout, parse_now};
use crate::app::wall::Wall;
use crate::app::{App, Clock, Config, Ledger, Schedule};
use crate::cli::{Cli, WallArgs};
use crate::layout;
use crate::store::Store;
use crate::store::reader::{self, Target};
use crate::ui::Theme;
use crate::{operator, paths};

pub async fn run(cli: &Cli, args: &WallArgs) -> Result<ExitCode> {
    let log_path: PathBuf = cli.common.log.clone().unwrap_or_else(paths::log_file);
    let _log = init_logging(&log_path)?;
    let layout = load_layout(&cli.common, &layout::Env::process())?;
    let clock = match &cli.common.now {
        Some(text) => parse_now(text, &layout)?,
        None => Clock::system(),
    };
    let target = match &cli.common.database_url {
        Some(url) => Target::Postgres(Store::postgres_reader(url)?),
        None => Target::Sqlite(cli.common.db.clone().unwrap_or_else(paths::default_db)),
    };
    let location = match &target {
        Target::Postgres(store) => store.location().to_string(),
        Target::Sqlite(path) => path.display().to_string(),
    };
    let author = operator::identify(cli.operator.as_deref());
    let day = Schedule::launch_day(&layout, clock.now());
    tracing::info!(layout = %layout.source, db = %location, %day, "wall starting");
    let layout = Arc::new(layout);
    let (probes, unpollable) = probes(&layout);
    let launch = layout.launch.id.clone();
    let config = Config {
        // The operators' warrooms ring; a wall in a room full of them does not.
        bell: false,
        lang: cli.language(),
        db_path: location,
        log_path: log_path.display().to_string(),
        unpollable,
        wall: Some(Wall::new(args.cycle)),
        ..Config::new(
            Arc::clone(&layout),
            clock,
            author,
            Ledger::from_events(Vec::new()),
        )
    };
    let app = App::new(config);
    let theme = Theme::new(palette(cli), cli.ascii);
    let (poll_tx, poll_rx) = mpsc::channel(4096);
    let poller = crate::poller::Poller::start(probes, app.clock, poll_tx);
    let (reply_tx, reply_rx) = mpsc::channel(1024);
    let reader = tokio::spawn(reader::run(target, launch, day, reply_tx));
    // Nothing is ever sent: the wall's updates hand nothing to a store.
    let (request_tx, _) = mpsc::channel(1);
    // The runtime keeps the poller (stopped with it) and draws a slot's answers as one frame.
    let exit = on_terminal(app, theme, request_tx, poll_rx, reply_rx, |runtime| {
        runtime.with_poller(poller, None)
    })
    .await;
    reader.abort();
    let exit = exit?;
    tracing::info!(?exit, "wall stopped");
    Ok(ExitCode::from(exit.code()))
}
