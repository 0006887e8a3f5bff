//! The terminal and the main loop. One `select!` merges key presses, clock ticks, store
//! replies and signals; the app is redrawn only when an update says something changed.
//!
//! The terminal is restored on every way out: quit, error, panic, SIGINT, SIGTERM and SIGHUP.

mod backend;
pub mod clipboard;

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
        Self::enter_with(crate::ui::theme::Palette::TrueColor)
    }

    /// Raw mode and the alternate screen, cleared, for a terminal of `palette`.
    pub fn enter_with(palette: crate::ui::theme::Palette) -> io::Result<Self> {
        terminal::enable_raw_mode()?;
        let mut stdout = io::stdout();
        // Cleared: after a warroom killed with -9 the terminal may still be on the alternate
        // screen with its last frame, and ratatui draws only what differs from a blank one.
        if let Err(e) = execute!(
            stdout,
            terminal::EnterAlternateScreen,
            terminal::Clear(terminal::ClearType::All),
            cursor::Hide
        ) {
            restore();
            return Err(e);
        }
        let backend = QuietBackend::new(stdout).with_palette(palette);
        let terminal = Terminal::new(backend).inspect_err(|_| restore())?;
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
/// log is. Everything the operator did is already committed or journaled, so nothing is lost.
pub fn install_panic_hook(log_path: String) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!(%info, %backtrace, "panic");
        // Written, not printed: on a terminal that hung up, printing would panic again.
        let _ = write!(
            io::stderr(),
            "\nwarroom stopped on an internal error. Every change you saw saved is on disk.\n\
             Details are in the log: {log_path}\n\n"
        );
        default(info);
    }));
}

/// Live reload of the layout file: the watcher's changes, and how to start polling the
/// sources of a reloaded layout (the old poller is dropped, which stops its polls).
pub struct Reload {
    pub changes: mpsc::Receiver<crate::layout::watch::Reloaded>,
    pub restart: Box<dyn FnMut(&mut App) -> crate::poller::Poller + Send>,
    /// The poller running now.
    pub poller: Option<crate::poller::Poller>,
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
fn execute(
    app: &mut App,
    effect: Effect,
    store: &mpsc::Sender<Request>,
    reload: &mut Option<Reload>,
    polls: &mut mpsc::Receiver<crate::poller::PollResult>,
) {
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
            let layout = std::sync::Arc::clone(&app.layout);
            let dir = app.report_dir.clone();
            let job = crate::report::job(layout, app.day(), app.now, app.lang, dir);
            if store.try_send(Request::Run(job)).is_err() {
                tracing::warn!("store queue full: the report was not written");
            }
        }
        Effect::ReadPilot { first, last, today } => {
            let job =
                crate::store::worker::pilot_job(app.layout.launch.id.clone(), first, last, today);
            if store.try_send(Request::Run(job)).is_err() {
                tracing::warn!("store queue full: the pilot's days are read on the next minute");
            }
        }
        Effect::NewDay(day) => {
            if store.try_send(Request::Day(day)).is_err() {
                tracing::error!(%day, "store queue full: the new day was not passed on");
            }
        }
        Effect::RestartSources => {
            if let Some(reload) = reload {
                // Stopped first: an answer of the old poller would land on the wrong source.
                reload.poller = None;
                while polls.try_recv().is_ok() {}
                reload.poller = Some((reload.restart)(app));
            }
        }
        Effect::Copy(text) => {
            let mut stdout = io::stdout();
            let _ = stdout
                .write_all(&clipboard::osc52(&text))
                .and_then(|()| stdout.flush());
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
    mut reload: Option<Reload>,
) -> io::Result<Exit> {
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let exit = main_loop(
        &mut app,
        &theme,
        term,
        &store,
        &mut replies,
        &mut polls,
        &mut reload,
        [&mut sigterm, &mut sighup, &mut sigint],
    )
    .await;
    // However it ends, what is buffered goes to the store before the store is told to stop:
    // the last live samples, up to the quit.
    let (_, effects) = update(&mut app, Msg::Shutdown);
    for effect in effects {
        execute(&mut app, effect, &store, &mut reload, &mut polls);
    }
    Ok(exit)
}

/// Runs until the operator quits, a signal arrives or the terminal goes away. A terminal that
/// cannot be drawn on any more (a dropped SSH session) ends it like a hangup, not an error.
// One argument per source the loop selects on, until the runtime gathers them.
#[allow(clippy::too_many_arguments)]
async fn main_loop(
    app: &mut App,
    theme: &Theme,
    term: &mut Term,
    store: &mpsc::Sender<Request>,
    replies: &mut mpsc::Receiver<Reply>,
    polls: &mut mpsc::Receiver<crate::poller::PollResult>,
    reload: &mut Option<Reload>,
    [sigterm, sighup, sigint]: [&mut tokio::signal::unix::Signal; 3],
) -> Exit {
    let mut keys = EventStream::new();
    // Tick on the clock's second boundaries so the countdown changes exactly once a second.
    let subsec = u64::from(app.clock.now().timestamp_subsec_millis());
    let start = tokio::time::Instant::now() + Duration::from_millis(1000 - subsec.min(999));
    let mut ticks = tokio::time::interval_at(start, Duration::from_secs(1));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    if let Err(e) = term.draw(|f| ui::draw(f, app, theme)) {
        return terminal_gone(&e);
    }
    loop {
        let msg = tokio::select! {
            event = keys.next() => match event {
                Some(Ok(TermEvent::Key(key))) => Msg::Key(key),
                Some(Ok(TermEvent::Resize(..))) => Msg::Resize,
                Some(Ok(_)) => continue,
                Some(Err(e)) => return terminal_gone(&e),
                None => return Exit::TerminalClosed,
            },
            _ = ticks.tick() => Msg::Tick,
            Some(reply) = replies.recv() => Msg::Store(reply),
            Some(result) = polls.recv() => Msg::Poll(result),
            Some(changed) = layout_change(reload) => Msg::Layout(changed),
            _ = sigterm.recv() => return Exit::Signal(15),
            _ = sighup.recv() => return Exit::Signal(1),
            _ = sigint.recv() => return Exit::Signal(2),
        };
        let resized = matches!(msg, Msg::Resize);
        let view = app.view;
        let (redraw, effects) = update(app, msg);
        if app.view != view {
            // For presence only: a full channel just delays it to the next switch.
            let _ = store.try_send(Request::View(app.view.title().to_string()));
        }
        for effect in effects {
            execute(app, effect, store, reload, polls);
        }
        if app.quit {
            return Exit::Quit;
        }
        if resized && let Err(e) = term.autoresize() {
            return terminal_gone(&e);
        }
        if redraw && let Err(e) = term.draw(|f| ui::draw(f, app, theme)) {
            return terminal_gone(&e);
        }
    }
}

/// The next edit of the layout file; never, without a watcher.
async fn layout_change(reload: &mut Option<Reload>) -> Option<crate::layout::watch::Reloaded> {
    match reload {
        Some(reload) => reload.changes.recv().await,
        None => std::future::pending().await,
    }
}

/// The terminal failed under us: logged (never printed: there is no one to print to).
fn terminal_gone(error: &io::Error) -> Exit {
    tracing::warn!(%error, "the terminal is gone");
    Exit::TerminalClosed
}
