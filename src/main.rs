//! `warroom`: parses the arguments and starts the command; the commands are in
//! [`warroom::commands`].

use std::process::ExitCode;

use clap::Parser;

use warroom::cli::{Cli, Command};
use warroom::commands::{self, say};
use warroom::layout;
use warroom::sim;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(
        cli.command,
        None | Some(Command::Demo(_) | Command::Wall(_))
    ) {
        // `warroom status | head -1`: when the reader goes away, end as any Unix filter does
        // (SIGPIPE), quietly, instead of panicking on the failed print.
        restore_sigpipe();
    }
    // One thread runs the whole runtime (state, polls, frames): a poll's answer, its update and
    // its frame then need no wake-up of another thread, which cost more than the work itself
    // (1,000 sources at 5 s took 4.5 % of a core on two workers, 2.6 % on one). Blocking file
    // I/O goes to tokio's blocking pool and SQLite to sqlx's own thread, so nothing here waits.
    let runtime = match tokio::runtime::Builder::new_current_thread()
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

#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: setting a signal's disposition to the default before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Some(Command::Check { file, strict }) => Ok(commands::check::check(file, *strict)),
        Some(Command::Completions { shell }) => {
            warroom::cli::completions(*shell, &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Status { json, update }) => commands::status::run(&cli, *json, *update).await,
        Some(Command::Report(args)) => commands::report::run(&cli, args).await,
        Some(Command::Wall(args)) => commands::wall::run(&cli, args).await,
        Some(Command::Demo(args)) if args.headless => commands::demo::demo_headless(args).await,
        Some(Command::Demo(args)) => commands::interactive::run(&cli, Some(args)).await,
        None => commands::interactive::run(&cli, None).await,
    }
}
