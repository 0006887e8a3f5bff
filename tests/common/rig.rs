//! One rig for driving the real [`Runtime`]: an app from a layout, the runtime on a headless
//! sink, and the senders of every input, so a test feeds keys, ticks, polls and store
//! replies and waits on what the screen or the state shows — never on a clock.
#![allow(dead_code)]

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use warroom::app::App;
use warroom::poller::PollResult;
use warroom::runtime::{Exit, Headless, Input, Inputs, Runtime};
use warroom::store::worker::{Reply, Request};
use warroom::ui::Theme;

/// The longest a test waits for a condition before failing: it fails, never hangs.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct Rig {
    pub runtime: Runtime<Headless>,
    pub events: mpsc::Sender<Input>,
    pub polls: mpsc::Sender<PollResult>,
    pub replies: mpsc::Sender<Reply>,
    /// What the app asked of the store, when no store task is started (see [`Rig::new`]).
    pub requests: Option<mpsc::Receiver<Request>>,
}

impl Rig {
    /// The runtime over `app` on a `width` x `height` headless terminal; the store's requests
    /// are kept in [`Rig::requests`] for the test to answer (or to hand to a store task).
    pub fn new(app: App, width: u16, height: u16) -> Self {
        let (request_tx, request_rx) = mpsc::channel(1024);
        let mut rig = Self::with_store(app, width, height, request_tx);
        rig.requests = Some(request_rx);
        rig
    }

    /// The runtime over `app`, its requests going to `store` (a real store task's channel).
    pub fn with_store(app: App, width: u16, height: u16, store: mpsc::Sender<Request>) -> Self {
        let (events, event_rx) = mpsc::channel(4096);
        let (polls, poll_rx) = mpsc::channel(8192);
        let (replies, reply_rx) = mpsc::channel(1024);
        let inputs = Inputs {
            events: event_rx,
            polls: poll_rx,
            replies: reply_rx,
            clock_ticks: false,
        };
        let runtime = Runtime::new(
            app,
            Theme::default(),
            Headless::new(width, height),
            store,
            inputs,
        );
        Self {
            runtime,
            events,
            polls,
            replies,
            requests: None,
        }
    }

    pub fn app(&self) -> &App {
        self.runtime.app()
    }

    pub fn sink(&self) -> &Headless {
        self.runtime.sink()
    }

    pub fn frames(&self) -> u64 {
        self.runtime.sink().frames
    }

    pub fn screen(&self) -> String {
        self.runtime.sink().screen()
    }

    pub async fn key(&self, code: KeyCode) {
        self.input(Input::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await;
    }

    /// Each character of `text` as a key press.
    pub async fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    pub async fn input(&self, input: Input) {
        self.events.send(input).await.expect("the runtime listens");
    }

    pub async fn poll(&self, result: PollResult) {
        self.polls.send(result).await.expect("the runtime listens");
    }

    pub async fn reply(&self, reply: Reply) {
        self.replies.send(reply).await.expect("the runtime listens");
    }

    /// Runs the runtime until `done` holds; panics (naming `what`) if it stops first or
    /// [`PATIENCE`] runs out.
    pub async fn until(&mut self, what: &str, done: impl FnMut(&App, &Headless) -> bool) {
        match tokio::time::timeout(PATIENCE, self.runtime.run_until(done)).await {
            Ok(Ok(())) => {}
            Ok(Err(exit)) => panic!("the runtime stopped ({exit:?}) before: {what}"),
            Err(_) => panic!("waited {PATIENCE:?} in vain for: {what}\n{}", self.screen()),
        }
    }

    /// Runs until the screen shows `text`.
    pub async fn until_shows(&mut self, text: &str) {
        let what = format!("the screen shows {text:?}");
        self.until(&what, |_, sink| sink.shows(text)).await;
    }

    /// Runs until the runtime stops, and says why.
    pub async fn until_exit(&mut self) -> Exit {
        match tokio::time::timeout(PATIENCE, self.runtime.run()).await {
            Ok(exit) => exit,
            Err(_) => panic!("waited {PATIENCE:?} in vain for the runtime to stop"),
        }
    }
}
