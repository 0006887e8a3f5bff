//! `warroom report`: the end-of-day (or week's) report from the database.

use std::process::ExitCode;

use anyhow::Result;

use super::{load_layout, parse_now};
use crate::app::Clock;
use crate::cli::{Cli, ReportArgs};
use crate::layout;

pub async fn run(cli: &Cli, args: &ReportArgs) -> Result<ExitCode> {
    // The report opens the database itself: it can read an older one as it is.
    let layout = load_layout(&cli.common, &layout::Env::process())?;
    let clock = match &cli.common.now {
        Some(text) => parse_now(text, &layout)?,
        None => Clock::system(),
    };
    crate::report::main(args, &cli.common, &layout, clock.now(), cli.language()).await?;
    Ok(ExitCode::SUCCESS)
}
