//! The terminal and the main loop. One `select!` merges key presses, clock ticks, store
//! replies and signals; the app is redrawn only when an update says something changed.
//!
//! The terminal is restored on every way out: quit, error, panic, SIGINT, SIGTERM and SIGHUP.

mod backend;

use crate::i18n::Msg as Text;
use std::io::{self, Stdout, Write};
use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream};
use crossterm::{cursor, execute, terminal};
use futures::StreamExt;
use ratatui::Terminal;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::App;
use crate::store::worker::{Reply, Request};
use crate::ui::{self, Theme};
use crate::update::{Effect, Msg, update};

pub use backend::QuietBackend;

pub type Term = Terminal<QuietBackend<Stdout>>;

/// Switches to raw mode and the alternate screen; switches back when dropped.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        terminal::enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, terminal::EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        let terminal = Terminal::new(QuietBackend::new(stdout)).inspect_err(|_| restore())?;
        Ok(Self { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as the shell expects it. Safe to call twice, and when the terminal
/// is already gone (a dropped SSH session): errors are ignored because there is no one to tell.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let mut stdout = io::stdout();
    let _ = execute!(stdout, terminal::LeaveAlternateScreen, cursor::Show);
    let _ = stdout.flush();
}

/// On panic: restore the terminal first so the message is readable, log it, and say where the
/// log is. Everything the operator did is already committed, so nothing is lost.
pub fn install_panic_hook(log_path: String) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        tracing::error!(%info, "panic");
        eprintln!("\nwarroom stopped on an internal error. Every change you saw saved is on disk.");
        eprintln!("Details are in the log: {log_path}\n");
        default(info);
    }));
}

/// Why the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// The signal's number (SIGHUP 1, SIGINT 2, SIGTERM 15).
    Signal(i32),
    TerminalClosed,
}

/// Carries out one effect of an update. Never blocks: a full store queue is reported, not waited on.
fn execute(app: &mut App, effect: Effect, store: &mpsc::Sender<Request>) {
    match effect {
        Effect::Persist(event) => {
            if let Err(e) = store.try_send(Request::Append(event)) {
                let (request, why) = match e {
                    mpsc::error::TrySendError::Full(r) => (r, Text::StoreBehind),
                    mpsc::error::TrySendError::Closed(r) => (r, Text::StoreStopped),
                };
                if let Request::Append(event) = request {
                    update(
                        app,
                        Msg::Store(Reply::Failed {
                            event,
                            error: crate::i18n::t(app.lang, why).to_string(),
                        }),
                    );
                }
            }
        }
        Effect::Bell => {
            let mut stdout = io::stdout();
            let _ = stdout.write_all(b"\x07").and_then(|()| stdout.flush());
        }
        Effect::WriteReport => {
            let request = Request::Report {
                layout: std::sync::Arc::clone(&app.layout),
                now: app.now,
                lang: app.lang,
                dir: app.report_dir.clone(),
            };
            if store.try_send(request).is_err() {
                tracing::warn!("store queue full: the report was not written");
            }
        }
        Effect::SaveSamples(samples) => {
            if store.try_send(Request::Samples(samples)).is_err() {
                tracing::warn!("store queue full: a batch of live samples was dropped");
            }
        }
    }
}

pub async fn run(
    mut app: App,
    theme: Theme,
    term: &mut Term,
    store: mpsc::Sender<Request>,
    mut replies: mpsc::Receiver<Reply>,
    mut polls: mpsc::Receiver<crate::poller::PollResult>,
) -> io::Result<Exit> {
    let mut keys = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;

    // Tick on the clock's second boundaries so the countdown changes exactly once a second.
    let subsec = u64::from(app.clock.now().timestamp_subsec_millis());
    let start = tokio::time::Instant::now() + Duration::from_millis(1000 - subsec.min(999));
    let mut ticks = tokio::time::interval_at(start, Duration::from_secs(1));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    term.draw(|f| ui::draw(f, &app, &theme))?;
    loop {
        let msg = tokio::select! {
            event = keys.next() => match event {
                Some(Ok(TermEvent::Key(key))) => Msg::Key(key),
                Some(Ok(TermEvent::Resize(..))) => Msg::Resize,
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "terminal input failed");
                    return Ok(Exit::TerminalClosed);
                }
                None => return Ok(Exit::TerminalClosed),
            },
            _ = ticks.tick() => Msg::Tick,
            Some(reply) = replies.recv() => Msg::Store(reply),
            Some(result) = polls.recv() => Msg::Poll(result),
            _ = sigterm.recv() => return Ok(Exit::Signal(15)),
            _ = sighup.recv() => return Ok(Exit::Signal(1)),
            _ = sigint.recv() => return Ok(Exit::Signal(2)),
        };
        let resized = matches!(msg, Msg::Resize);
        let view = app.view;
        let (redraw, effects) = update(&mut app, msg);
        if app.view != view {
            // For presence only: a full channel just delays it to the next switch.
            let _ = store.try_send(Request::View(app.view.title().to_string()));
        }
        for effect in effects {
            execute(&mut app, effect, &store);
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        if resized {
            term.autoresize()?;
        }
        if redraw {
            term.draw(|f| ui::draw(f, &app, &theme))?;
        }
    }
}
