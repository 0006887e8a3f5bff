//! What the runtime listens to, as channels: the terminal's keys and resizes, signals, clock
//! ticks, store replies and poll results. The real ones are forwarded into these channels by
//! small tasks; a test holds the senders and feeds them itself.

use std::io;

use crossterm::event::{Event as TermEvent, EventStream, KeyEvent};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::poller::PollResult;
use crate::store::worker::Reply;

/// Something from outside the app's own work: the operator, the terminal, the system.
#[derive(Debug)]
pub enum Input {
    Key(KeyEvent),
    Resize,
    /// The clock moved on (once a second).
    Tick,
    /// SIGHUP 1, SIGINT 2, SIGTERM 15.
    Signal(i32),
    /// The terminal cannot be read any more (a dropped SSH session).
    TerminalClosed,
}

/// The runtime's input channels.
pub struct Inputs {
    pub events: mpsc::Receiver<Input>,
    pub polls: mpsc::Receiver<PollResult>,
    pub replies: mpsc::Receiver<Reply>,
    /// Tick once a second on the app clock's second boundaries (off in tests, which feed
    /// [`Input::Tick`] when they mean it).
    pub clock_ticks: bool,
}

/// Forwards the terminal's keys and resizes into `events`; a read error or the end of input
/// is [`Input::TerminalClosed`].
pub fn forward_terminal(events: mpsc::Sender<Input>) {
    tokio::spawn(async move {
        let mut stream = EventStream::new();
        loop {
            let input = match stream.next().await {
                Some(Ok(TermEvent::Key(key))) => Input::Key(key),
                Some(Ok(TermEvent::Resize(..))) => Input::Resize,
                Some(Ok(_)) => continue,
                Some(Err(error)) => {
                    tracing::warn!(%error, "the terminal is gone");
                    Input::TerminalClosed
                }
                None => Input::TerminalClosed,
            };
            let closed = matches!(input, Input::TerminalClosed);
            if events.send(input).await.is_err() || closed {
                return;
            }
        }
    });
}

/// Forwards SIGHUP, SIGINT and SIGTERM into `events`. Installed before it returns, so a
/// signal right after start is not lost.
pub fn forward_signals(events: mpsc::Sender<Input>) -> io::Result<()> {
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    tokio::spawn(async move {
        loop {
            let number = tokio::select! {
                _ = sigterm.recv() => 15,
                _ = sighup.recv() => 1,
                _ = sigint.recv() => 2,
            };
            if events.send(Input::Signal(number)).await.is_err() {
                return;
            }
        }
    });
    Ok(())
}
