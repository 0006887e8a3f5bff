//! The event log's helpers shared by the store's tests: a real SQLite file opened within a
//! limit, an append that must commit, and a worker's replies waited on until complete.

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use warroom::store::worker::{self, Reply, Request};
use warroom::store::{Event, Store};

pub async fn open(path: &Path) -> Store {
    match tokio::time::timeout(Duration::from_secs(20), Store::open(path)).await {
        Ok(Ok(store)) => store,
        Ok(Err(e)) => panic!("opening {} failed: {e}", path.display()),
        Err(_) => panic!("opening {} hung for 20 s", path.display()),
    }
}

pub async fn append(store: &Store, event: &Event) -> i64 {
    store
        .append(event)
        .await
        .unwrap_or_else(|e| panic!("append {:?} on {:?}: {e}", event.change, event.item))
}

/// The store's worker on a task of its own for `launch` on `day`, having read up to
/// `last_seq`: where a test sends requests, where the replies come, and the task.
pub fn spawn_worker(
    store: Store,
    launch: &str,
    day: NaiveDate,
    last_seq: i64,
    capacity: usize,
) -> (mpsc::Sender<Request>, mpsc::Receiver<Reply>, JoinHandle<()>) {
    let (request_tx, request_rx) = mpsc::channel(capacity);
    let (reply_tx, reply_rx) = mpsc::channel(capacity);
    let task = tokio::spawn(worker::run(
        store,
        launch.to_string(),
        day,
        last_seq,
        request_rx,
        reply_tx,
    ));
    (request_tx, reply_rx, task)
}

/// Collects worker replies until `done` says enough, or panics after `limit`.
pub async fn replies_until(
    rx: &mut mpsc::Receiver<Reply>,
    limit: Duration,
    mut done: impl FnMut(&[Reply]) -> bool,
) -> Vec<Reply> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    while !done(&got) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(reply)) => got.push(reply),
            Ok(None) => panic!("worker stopped replying; got so far: {got:?}"),
            Err(_) => panic!("no complete answer within {limit:?}; got so far: {got:?}"),
        }
    }
    got
}
