//! One rig for driving the real [`Runtime`]: an app from a layout, the runtime on a headless
//! sink, and the senders of every input, so a test feeds keys, ticks, polls and store
//! replies and waits on what the screen or the state shows — never on a clock. With
//! [`Rig::with_worker`] the runtime's requests go to the real store task, as in the TUI.
#![allow(dead_code)]

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use warroom::app::{App, Clock, View};
use warroom::poller::PollResult;
use warroom::runtime::{Exit, Headless, Input, Inputs, Runtime};
use warroom::store::worker::{self, Options, Reply, Request};
use warroom::store::{Event, Store, Stored};
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
    /// The real store task, when one is started (see [`Rig::with_worker`]).
    pub store: Option<StoreTask>,
    /// The runtime's request channel, kept by [`Rig::new`] for a store task started later.
    request_tx: Option<mpsc::Sender<Request>>,
}

/// What an input led to: the changes the store committed for it, and how often it rang.
#[derive(Debug)]
pub struct Outcome {
    pub stored: Vec<Event>,
    pub bells: u64,
}

impl Outcome {
    /// Nothing stored and no bell.
    pub fn is_empty(&self) -> bool {
        self.stored.is_empty() && self.bells == 0
    }

    pub fn rang(&self) -> bool {
        self.bells > 0
    }

    /// The kinds of the changes stored, in order ("tick", "alert_raised", ...).
    pub fn kinds(&self) -> Vec<&str> {
        self.stored.iter().map(|e| e.change.kind()).collect()
    }
}

/// The store's worker behind the runtime, and what it answered.
pub struct StoreTask {
    /// The runtime's own request channel: a change written here is committed in turn with the
    /// app's own (for changes made without a key, as a script or another operator would).
    pub requests: mpsc::Sender<Request>,
    /// The worker (the handle to abort it: a warroom that vanishes without a goodbye).
    pub worker: JoinHandle<()>,
    forward: JoinHandle<()>,
    seen: Arc<Mutex<HashSet<&'static str>>>,
}

impl StoreTask {
    /// Has the store answered with a reply of this kind ("committed", "outage", ...)?
    pub fn seen(&self, kind: &str) -> bool {
        self.seen.lock().expect("the kinds seen").contains(kind)
    }

    /// Every kind of reply the store gave so far.
    pub fn kinds(&self) -> HashSet<&'static str> {
        self.seen.lock().expect("the kinds seen").clone()
    }
}

/// A reply's kind, as [`StoreTask::seen`] names it.
pub fn kind(reply: &Reply) -> &'static str {
    match reply {
        Reply::Committed(_) => "committed",
        Reply::Failed { .. } => "failed",
        Reply::Arrived(_) => "arrived",
        Reply::ReadFailed(_) => "read failed",
        Reply::Kept(_) => "kept",
        Reply::Journaled(_) => "journaled",
        Reply::Outage { .. } => "outage",
        Reply::Reconnected { .. } => "reconnected",
        Reply::Present(_) => "present",
        Reply::Notice(_) => "notice",
        Reply::Joined { .. } => "joined",
        Reply::Unreadable(_) => "unreadable",
        Reply::Pilot(_) => "pilot",
        Reply::Absent(_) => "absent",
    }
}

impl Rig {
    /// The runtime over `app` on a `width` x `height` headless terminal; the store's requests
    /// are kept in [`Rig::requests`] for the test to answer (or to hand to a store task).
    pub fn new(app: App, width: u16, height: u16) -> Self {
        let (request_tx, request_rx) = mpsc::channel(1024);
        let mut rig = Self::with_store(app, width, height, request_tx.clone());
        rig.requests = Some(request_rx);
        rig.request_tx = Some(request_tx);
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
            store: None,
            request_tx: None,
        }
    }

    /// The runtime over `app` with the real store task over `store`, started as the TUI starts
    /// it: on the app's day, after the last change the app was given.
    pub fn with_worker(app: App, width: u16, height: u16, store: Store, options: Options) -> Self {
        let mut rig = Self::new(app, width, height);
        rig.start_worker(store, options);
        rig
    }

    /// Starts the real store task over `store` on the requests [`Rig::new`] kept: what the
    /// app asked before is taken first, in order.
    pub fn start_worker(&mut self, store: Store, options: Options) {
        let app = self.runtime.app();
        let (launch, day, last_seq) = (
            app.layout.launch.id.clone(),
            app.day(),
            app.ledger.last_seq(),
        );
        let request_rx = self.requests.take().expect("the rig kept the requests");
        let requests = self
            .request_tx
            .take()
            .expect("the rig kept the request channel");
        let (reply_tx, mut reply_rx) = mpsc::channel(1024);
        let worker = tokio::spawn(worker::run_with(
            store, launch, day, last_seq, request_rx, reply_tx, options,
        ));
        // Every reply goes on to the runtime; its kind is noted for the test on the way.
        let seen = Arc::new(Mutex::new(HashSet::new()));
        let (noted, runtime) = (Arc::clone(&seen), self.replies.clone());
        let forward = tokio::spawn(async move {
            while let Some(reply) = reply_rx.recv().await {
                noted.lock().expect("the kinds seen").insert(kind(&reply));
                // Once the runtime is gone the rest is drained, so the worker never waits on it.
                let _ = runtime.send(reply).await;
            }
        });
        self.store = Some(StoreTask {
            requests,
            worker,
            forward,
            seen,
        });
    }

    /// [`Rig::with_worker`] over a SQLite file at `path` (made if it is not there).
    pub async fn sqlite(app: App, width: u16, height: u16, path: &Path) -> Self {
        let store = Store::open(path).await.expect("the SQLite store opens");
        Self::with_worker(app, width, height, store, Options::default())
    }

    /// The store task (panics without one: see [`Rig::with_worker`]).
    pub fn store(&self) -> &StoreTask {
        self.store.as_ref().expect("the rig has a store task")
    }

    /// Writes `event` through the store task, as a change made without a key (a script, or an
    /// operator elsewhere), and waits until the app has it.
    pub async fn write(&mut self, event: Event) {
        let id = event.id;
        self.store()
            .requests
            .send(Request::Append(event))
            .await
            .expect("the store task takes requests");
        self.until("the written change committed", |app, _| {
            app.ledger.events().iter().any(|s| s.event.id == id)
        })
        .await;
    }

    /// Plays the store for a rig without a store task ([`Rig::new`]): every change the app has
    /// asked to write so far is answered as committed, numbered from `seq`, and applied. The
    /// changes, in order. (Other requests are dropped: no report, no samples, no pilot read.)
    pub async fn commit_requests(&mut self, seq: i64) -> Vec<Event> {
        self.applied().await;
        let requests = self.requests.as_mut().expect("the rig keeps the requests");
        let mut made = Vec::new();
        while let Ok(request) = requests.try_recv() {
            if let Request::Append(event) = request {
                made.push(event);
            }
        }
        for (n, event) in made.iter().enumerate() {
            self.reply(Reply::Committed(Stored {
                seq: seq + n as i64,
                event: event.clone(),
            }))
            .await;
        }
        self.applied().await;
        made
    }

    /// Stops the runtime as a quit does (the last samples handed to the store), then the store
    /// task once it has written everything queued. Gives the app back as it last was.
    pub async fn finish(self) -> App {
        let Rig {
            mut runtime, store, ..
        } = self;
        runtime.shutdown();
        let (app, _) = runtime.into_parts();
        if let Some(StoreTask {
            requests,
            worker,
            forward,
            ..
        }) = store
        {
            drop(requests);
            tokio::time::timeout(PATIENCE, worker)
                .await
                .expect("the store task finishes its queued writes in time")
                .expect("the store task did not panic");
            // Its replies have nobody to go to now.
            forward.abort();
        }
        app
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

    /// Sets the app's clock to a stopped one at `at` and ticks, as a clock tick at that instant.
    pub async fn tick_at(&mut self, at: DateTime<Utc>) {
        self.runtime.set_clock(Clock::frozen(at));
        self.input(Input::Tick).await;
        self.applied().await;
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

    /// Runs until every input sent so far (keys, ticks, polls, replies) has been applied.
    pub async fn applied(&mut self) {
        let (events, polls, replies) = (
            self.events.clone(),
            self.polls.clone(),
            self.replies.clone(),
        );
        self.until("every input applied", move |_, _| {
            drained(&events) && drained(&polls) && drained(&replies)
        })
        .await;
    }

    /// Runs until every input sent so far has been applied and the store has answered every
    /// change the app made (committed or failed: nothing is "saving…").
    pub async fn settle(&mut self) {
        let (events, polls) = (self.events.clone(), self.polls.clone());
        self.until(
            "every input applied and every change answered",
            move |app, _| drained(&events) && drained(&polls) && app.pending.is_empty(),
        )
        .await;
    }

    /// Puts the cursor on `item` of the launch-day list with the keyboard, as an operator
    /// does: view 1, the top of the list when nothing is selected, then the arrows.
    pub async fn select(&mut self, item: &str) {
        self.key(KeyCode::Char('1')).await;
        self.applied().await;
        let ids = self.app().item_ids(View::LaunchDay);
        let to = ids
            .iter()
            .position(|i| i == item)
            .unwrap_or_else(|| panic!("{item} is not on the launch day"));
        let selected = self.app().selected().map(str::to_string);
        let from = match selected.and_then(|s| ids.iter().position(|i| *i == s)) {
            Some(from) => from,
            None => {
                self.key(KeyCode::Char('g')).await;
                0
            }
        };
        let key = if to > from {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        for _ in 0..to.abs_diff(from) {
            self.key(key).await;
        }
        self.applied().await;
        assert_eq!(self.app().selected(), Some(item), "the cursor on {item}");
    }

    /// Presses `code` and runs until it is applied and the store answered what it changed.
    pub async fn press(&mut self, code: KeyCode) -> Outcome {
        self.outcome(Input::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await
    }

    /// Feeds `result` and runs until it is applied and the store answered what it changed.
    pub async fn poll_settled(&mut self, result: PollResult) -> Outcome {
        let before = self.before();
        self.poll(result).await;
        self.settle().await;
        self.since(before)
    }

    /// Feeds `input` and runs until it is applied and the store answered what it changed.
    pub async fn outcome(&mut self, input: Input) -> Outcome {
        let before = self.before();
        self.input(input).await;
        self.settle().await;
        self.since(before)
    }

    fn before(&self) -> (usize, u64) {
        (self.app().ledger.events().len(), self.sink().bells)
    }

    fn since(&self, (events, bells): (usize, u64)) -> Outcome {
        Outcome {
            stored: self.app().ledger.events()[events..]
                .iter()
                .map(|s| s.event.clone())
                .collect(),
            bells: self.sink().bells - bells,
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

/// Has the runtime taken everything sent on this channel? (It applies what it takes before it
/// checks a condition.)
fn drained<T>(sender: &mpsc::Sender<T>) -> bool {
    sender.capacity() == sender.max_capacity()
}
