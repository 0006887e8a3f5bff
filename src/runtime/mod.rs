//! The one runtime: owns the [`App`], feeds it every input as a [`Msg`], carries out the
//! effects [`update`] returns (feeding their outcome back as messages) and makes frames.
//!
//! Frames are made when something visible changed. A key press (or a store reply, a resize)
//! is drawn as soon as what is already waiting has been applied; poll results, which can
//! arrive by the thousand, are drawn at most once per [`FRAME`] when they say something new,
//! and with the next frame made anyway (within [`LAZY`]) when only a latency changed. A
//! poll's news and the clock's second wait for the polls under way (the rest of the slot,
//! answering within milliseconds), but never longer than a [`FRAME`]. Whatever is ready is
//! drained before a frame is drawn, so a burst of keys or polls costs one frame, not one each.

pub mod inputs;
pub mod sink;

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, Interval, MissedTickBehavior};

use crate::app::App;
use crate::i18n::Msg as Text;
use crate::store::worker::{Reply, Request};
use crate::ui::Theme;
use crate::update::{Effect, Msg, Shown, apply};

pub use inputs::{Input, Inputs};
pub use sink::{Headless, Sink, TerminalSink};

/// The shortest time between two frames made for poll results (30 a second).
pub const FRAME: Duration = Duration::from_millis(33);
/// The longest a change that can wait (a latency to the 10 ms) waits for a frame made anyway.
pub const LAZY: Duration = Duration::from_secs(1);
/// At most this many waiting inputs are applied before a frame is considered: a flood of
/// polls still lets the screen move.
const DRAIN: usize = 4096;

/// Why the runtime stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// The signal's number (SIGHUP 1, SIGINT 2, SIGTERM 15).
    Signal(i32),
    TerminalClosed,
}

impl Exit {
    /// The process's exit code: 0 on quit, else the shell's 128 + the signal's number; a
    /// vanished terminal is a hangup.
    pub fn code(&self) -> u8 {
        match self {
            Exit::Quit => 0,
            Exit::Signal(signal) => 128u8.saturating_add(*signal as u8),
            Exit::TerminalClosed => 128 + 1,
        }
    }
}

/// Live reload of the layout file: the watcher's changes, and how to start polling the
/// sources of a reloaded layout.
pub struct Reload {
    pub changes: mpsc::Receiver<crate::layout::watch::Reloaded>,
    /// A poller for the app's (new) layout, and the sources it cannot poll, with why.
    #[allow(clippy::type_complexity)]
    pub restart: Box<
        dyn FnMut(
                &App,
            ) -> (
                crate::poller::Poller,
                Vec<(usize, crate::sources::SourceError)>,
            ) + Send,
    >,
}

pub struct Runtime<S: Sink> {
    app: App,
    /// The poller running now (dropping it stops its polls), and how a new one starts.
    poller: Option<crate::poller::Poller>,
    reload: Option<Reload>,
    theme: Theme,
    sink: S,
    store: mpsc::Sender<Request>,
    inputs: Inputs,
    ticks: Option<Interval>,
    /// Messages produced by carrying out effects, applied before any new input.
    queue: VecDeque<Msg>,
    /// Something visible changed since the last frame.
    dirty: bool,
    /// The change must be shown at once (a key, a reply), not at the next frame slot.
    urgent: bool,
    /// Something changed that can wait for the next frame made anyway, or [`LAZY`].
    lazy: bool,
    /// Since when news from polls waits for a frame (for the rest of its slot's answers).
    waiting_since: Option<Instant>,
    /// The polls under way: their answers are awaited for a frame at most.
    in_flight: crate::poller::InFlight,
    last_frame: Option<Instant>,
    exit: Option<Exit>,
    shut_down: bool,
}

impl<S: Sink> Runtime<S> {
    pub fn new(
        app: App,
        theme: Theme,
        sink: S,
        store: mpsc::Sender<Request>,
        inputs: Inputs,
    ) -> Self {
        let ticks = inputs.clock_ticks.then(|| {
            // On the clock's second boundaries, so the countdown changes exactly once a second
            // (and at the instant the poller's slots start: see `poller::second_epoch`).
            let start = crate::poller::second_epoch(&app.clock) + Duration::from_secs(1);
            let mut ticks = tokio::time::interval_at(start, Duration::from_secs(1));
            ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
            ticks
        });
        Self {
            app,
            poller: None,
            reload: None,
            theme,
            sink,
            store,
            inputs,
            ticks,
            queue: VecDeque::new(),
            dirty: true,
            urgent: true,
            lazy: false,
            waiting_since: None,
            in_flight: crate::poller::InFlight::default(),
            last_frame: None,
            exit: None,
            shut_down: false,
        }
    }

    /// Keeps the poller running for as long as the runtime, and replaces it when a reloaded
    /// layout changes the sources.
    pub fn with_poller(mut self, poller: crate::poller::Poller, reload: Option<Reload>) -> Self {
        self.in_flight = poller.in_flight();
        self.poller = Some(poller);
        self.reload = reload;
        self
    }

    /// Follows the layout file without a poller of its own (tests feed polls themselves).
    pub fn with_reload(mut self, reload: Reload) -> Self {
        self.reload = Some(reload);
        self
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    /// Sets the app's clock; the next message reads it. For rehearsals that step time by hand
    /// (a minute at a time, each source answering for that minute) and cannot share a running
    /// clock with the runtime.
    pub fn set_clock(&mut self, clock: crate::clock::Clock) {
        self.app.clock = clock;
    }

    /// The count of polls under way that frames wait for: the poller's, or one a test that
    /// feeds polls itself sets.
    pub fn in_flight(&self) -> crate::poller::InFlight {
        self.in_flight.clone()
    }

    pub fn sink(&self) -> &S {
        &self.sink
    }

    pub fn sink_mut(&mut self) -> &mut S {
        &mut self.sink
    }

    /// Runs until the operator quits, a signal arrives or the terminal goes away, then hands
    /// what is buffered to the store ([`Msg::Shutdown`]).
    pub async fn run(&mut self) -> Exit {
        loop {
            if let Some(exit) = self.step().await {
                self.shutdown();
                return exit;
            }
        }
    }

    /// Runs until `done` holds after a batch of inputs (and its frame), or the runtime stops
    /// (then the exit). For tests: they wait on what the screen or the state shows.
    pub async fn run_until(&mut self, mut done: impl FnMut(&App, &S) -> bool) -> Result<(), Exit> {
        if self.last_frame.is_none() && self.exit.is_none() {
            self.first_frame();
        }
        loop {
            if done(&self.app, &self.sink) {
                return Ok(());
            }
            if let Some(exit) = self.step().await {
                self.shutdown();
                return Err(exit);
            }
        }
    }

    /// Applies one message now, as if it had arrived, and everything it leads to; draws if
    /// it is due. For tests that step the app by hand.
    pub fn feed(&mut self, msg: Msg) -> Option<Exit> {
        self.queue.push_back(msg);
        self.drain_queue();
        self.frame_if_due();
        self.exit.take()
    }

    /// Hands over what is still buffered (the last live samples) before the store is told to
    /// stop. Done once, however the runtime ends.
    pub fn shutdown(&mut self) {
        if self.shut_down {
            return;
        }
        self.shut_down = true;
        self.apply(Msg::Shutdown);
        self.queue.clear();
    }

    /// Gives the app back (after [`Runtime::run`]), with the sink.
    pub fn into_parts(self) -> (App, S) {
        (self.app, self.sink)
    }

    /// Waits for the next input (or the next frame slot), applies it and everything else
    /// already waiting, and draws if a frame is due. `Some` when the runtime must stop.
    async fn step(&mut self) -> Option<Exit> {
        if let Some(exit) = self.exit.take() {
            return Some(exit);
        }
        if self.last_frame.is_none() {
            self.first_frame();
            if let Some(exit) = self.exit.take() {
                return Some(exit);
            }
        }
        let next_frame = self.last_frame.and_then(|at| {
            if self.dirty {
                // Or when the last answer of the slot arrives, which wakes the loop anyway.
                Some(
                    self.held_until()
                        .map_or(at + FRAME, |held| held.max(at + FRAME)),
                )
            } else if self.lazy {
                Some(at + LAZY)
            } else {
                None
            }
        });
        let msg = tokio::select! {
            input = self.inputs.events.recv() => match input {
                Some(input) => self.input(input),
                // Nobody can type or signal any more: as a terminal that went away.
                None => self.input(Input::TerminalClosed),
            },
            Some(reply) = self.inputs.replies.recv() => Some(Msg::Store(reply)),
            Some(result) = self.inputs.polls.recv() => Some(Msg::Poll(result)),
            Some(_) = tick(&mut self.ticks) => {
                // Polls due at this second were woken with the tick: letting them go out first
                // counts them as under way, and the tick's frame waits for their answers.
                tokio::task::yield_now().await;
                Some(Msg::Tick)
            }
            Some(changed) = layout_change(&mut self.reload) => Some(Msg::Layout(changed)),
            () = frame_slot(next_frame) => None,
        };
        if let Some(msg) = msg {
            self.queue.push_back(msg);
        }
        self.drain_queue();
        // Whatever else is already waiting goes in the same frame.
        self.drain_waiting();
        if self.exit.is_none() {
            self.frame_if_due();
        }
        self.exit.take()
    }

    /// An outside input as a message; signals and a closed terminal end the runtime.
    fn input(&mut self, input: Input) -> Option<Msg> {
        match input {
            Input::Key(key) => Some(Msg::Key(key)),
            Input::Resize => {
                if let Err(error) = self.sink.resize() {
                    self.terminal_gone(&error);
                    return None;
                }
                Some(Msg::Resize)
            }
            Input::Tick => Some(Msg::Tick),
            Input::Signal(number) => {
                self.exit.get_or_insert(Exit::Signal(number));
                None
            }
            Input::TerminalClosed => {
                self.exit.get_or_insert(Exit::TerminalClosed);
                None
            }
        }
    }

    fn drain_queue(&mut self) {
        while self.exit.is_none()
            && let Some(msg) = self.queue.pop_front()
        {
            self.apply(msg);
        }
    }

    /// One message through [`update`], and its effects carried out.
    fn apply(&mut self, msg: Msg) {
        let view = self.app.view;
        let (shown, effects) = apply(&mut self.app, msg);
        if self.app.view != view {
            // For presence only: a full channel just delays it to the next switch.
            let _ = self
                .store
                .try_send(Request::View(self.app.view.title().to_string()));
        }
        for effect in effects {
            self.execute(effect);
        }
        match shown {
            Shown::Unchanged => {}
            Shown::WithNextFrame => self.lazy = true,
            Shown::Soon => {
                self.dirty = true;
                self.waiting_since.get_or_insert_with(Instant::now);
            }
            Shown::AtOnce => {
                self.dirty = true;
                self.urgent = true;
            }
        }
        if self.app.quit {
            self.exit.get_or_insert(Exit::Quit);
        }
    }

    /// Carries out one effect. Never blocks: a full store queue is reported, not waited on.
    fn execute(&mut self, effect: Effect) {
        match effect {
            Effect::Persist(event) => {
                if let Err(e) = self.store.try_send(Request::Append(event)) {
                    let (request, why) = match e {
                        mpsc::error::TrySendError::Full(r) => (r, Text::StoreBehind),
                        mpsc::error::TrySendError::Closed(r) => (r, Text::StoreStopped),
                    };
                    if let Request::Append(event) = request {
                        self.queue.push_back(Msg::Store(Reply::Failed {
                            event,
                            error: crate::i18n::t(self.app.lang, why).to_string(),
                        }));
                    }
                }
            }
            Effect::Bell => {
                if let Err(error) = self.sink.bell() {
                    tracing::debug!(%error, "the bell did not ring");
                }
            }
            Effect::Copy(text) => {
                if let Err(error) = self.sink.copy(&text) {
                    tracing::warn!(%error, "the clipboard write failed");
                }
            }
            Effect::WriteReport => {
                let app = &self.app;
                let layout = std::sync::Arc::clone(&app.layout);
                let job = crate::report::job(
                    layout,
                    app.day(),
                    app.now,
                    app.lang,
                    app.report_dir.clone(),
                );
                if self.store.try_send(Request::Run(job)).is_err() {
                    tracing::warn!("store queue full: the report was not written");
                }
            }
            Effect::SaveSamples(samples) => {
                if self.store.try_send(Request::Samples(samples)).is_err() {
                    tracing::warn!("store queue full: a batch of live samples was dropped");
                }
            }
            Effect::ReadPilot { first, last, today } => {
                let launch = self.app.layout.launch.id.clone();
                let job = crate::store::worker::pilot_job(launch, first, last, today);
                if self.store.try_send(Request::Run(job)).is_err() {
                    tracing::warn!(
                        "store queue full: the pilot's days are read on the next minute"
                    );
                }
            }
            Effect::NewDay(day) => {
                if self.store.try_send(Request::Day(day)).is_err() {
                    tracing::error!(%day, "store queue full: the new day was not passed on");
                }
            }
            Effect::RestartSources => self.restart_sources(),
        }
    }

    /// Polls the sources of a reloaded layout. The old poller is stopped first and its
    /// waiting answers dropped: one of them would land on the wrong source.
    fn restart_sources(&mut self) {
        let Some(reload) = self.reload.as_mut() else {
            return;
        };
        self.poller = None;
        while self.inputs.polls.try_recv().is_ok() {}
        let (poller, unpollable) = (reload.restart)(&self.app);
        self.in_flight = poller.in_flight();
        self.poller = Some(poller);
        let now = self.app.now;
        for (index, error) in unpollable {
            let layout = std::sync::Arc::clone(&self.app.layout);
            self.app.live.cannot_poll(&layout, index, now, error);
        }
        self.dirty = true;
    }

    /// Applies what is already waiting (at most [`DRAIN`] messages), without waiting for more.
    fn drain_waiting(&mut self) {
        for _ in 0..DRAIN {
            if self.exit.is_some() {
                break;
            }
            let msg = if let Ok(input) = self.inputs.events.try_recv() {
                self.input(input)
            } else if let Ok(reply) = self.inputs.replies.try_recv() {
                Some(Msg::Store(reply))
            } else if let Ok(result) = self.inputs.polls.try_recv() {
                Some(Msg::Poll(result))
            } else {
                break;
            };
            if let Some(msg) = msg {
                self.queue.push_back(msg);
            }
            self.drain_queue();
        }
    }

    /// The first frame shows what has already come: polls start while the database opens,
    /// and their answers are often waiting by the time the terminal is set up. Drawn without
    /// them, the screen said "waiting" for a frame slot longer than it had to.
    fn first_frame(&mut self) {
        self.drain_queue();
        self.drain_waiting();
        if self.exit.is_none() {
            self.draw();
        }
    }

    /// Draws now if something visible changed and it is urgent or its frame slot has come;
    /// otherwise the next [`Runtime::step`] waits for the slot.
    fn frame_if_due(&mut self) {
        let since = self.last_frame.map(|at| at.elapsed());
        let held = self.held_until().is_some_and(|held| held > Instant::now());
        let due = if self.dirty {
            self.urgent || (since.is_none_or(|s| s >= FRAME) && !held)
        } else {
            self.lazy && since.is_none_or(|s| s >= LAZY)
        };
        if due {
            self.draw();
        }
    }

    /// Until when news from polls (or the clock's second) waits for the other polls under way:
    /// a frame after it came, while any is; `None` when nothing waits or no poll is out.
    fn held_until(&self) -> Option<Instant> {
        self.waiting_since
            .filter(|_| self.in_flight.count() > 0)
            .map(|since| since + FRAME)
    }

    fn draw(&mut self) {
        match self.sink.draw(&self.app, &self.theme) {
            Ok(()) => {
                self.dirty = false;
                self.urgent = false;
                self.lazy = false;
                self.waiting_since = None;
                self.last_frame = Some(Instant::now());
            }
            Err(error) => self.terminal_gone(&error),
        }
    }

    /// The terminal failed under us: logged (never printed: there is no one to print to).
    fn terminal_gone(&mut self, error: &std::io::Error) {
        tracing::warn!(%error, "the terminal is gone");
        self.exit.get_or_insert(Exit::TerminalClosed);
    }
}

async fn tick(ticks: &mut Option<Interval>) -> Option<()> {
    match ticks {
        Some(ticks) => {
            ticks.tick().await;
            Some(())
        }
        None => std::future::pending().await,
    }
}

/// The next edit of the layout file; never, without a watcher.
async fn layout_change(reload: &mut Option<Reload>) -> Option<crate::layout::watch::Reloaded> {
    match reload {
        Some(reload) => reload.changes.recv().await,
        None => std::future::pending().await,
    }
}

async fn frame_slot(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
