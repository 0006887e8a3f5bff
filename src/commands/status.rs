//! `warroom status`: where the day stands, from the database, for a shell or a chat.

use std::process::ExitCode;

use anyhow::Result;

use super::{load_layout, open_for_reading, parse_now, say};
use crate::app::{Clock, Ledger, Schedule};
use crate::cli::Cli;
use crate::{layout, status};

/// Prints the day's status (text or `--json`), or the status update's text (`--update`).
pub async fn run(cli: &Cli, json: bool, update: bool) -> Result<ExitCode> {
    let layout = load_layout(&cli.common, &layout::Env::process())?;
    let clock = match &cli.common.now {
        Some(text) => parse_now(text, &layout)?,
        None => Clock::system(),
    };
    let now = clock.now();
    if update {
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
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{}", report.render(cli.language()));
    }
    Ok(ExitCode::SUCCESS)
}
