//! The store's task: takes writes from the UI over a channel, commits them one at a time in
//! order, and reports each outcome back, so the UI never awaits the disk.
//! It also picks up events other processes committed to the same database.

use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::mpsc;

use super::{Event, Store, Stored};

#[derive(Debug)]
pub enum Request {
    Append(Event),
    /// Downsampled live values; a failure is logged and reported, never retried forever.
    Samples(Vec<super::Sample>),
}

#[derive(Debug)]
pub enum Reply {
    /// The event is durable on disk.
    Committed(Stored),
    /// The write failed; the event is not in the log.
    Failed { event: Event, error: String },
    /// Events committed by someone else (another warroom on the same database).
    Arrived(Vec<Stored>),
    /// Reading others' events failed (shown once, retried on the next poll).
    ReadFailed(String),
}

/// How often to look for events written by other processes.
pub const FOLLOW_INTERVAL: Duration = Duration::from_millis(500);

/// Runs until `requests` closes (the UI quit), then finishes every write already queued.
pub async fn run(
    store: Store,
    launch: String,
    day: NaiveDate,
    mut last_seq: i64,
    mut requests: mpsc::Receiver<Request>,
    replies: mpsc::Sender<Reply>,
) {
    let mut follow = tokio::time::interval(FOLLOW_INTERVAL);
    follow.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut read_failing = false;
    // Our own commits were already reported as `Committed`; the follow poll skips them.
    let mut own: std::collections::HashSet<uuid::Uuid> = std::collections::HashSet::new();
    loop {
        tokio::select! {
            request = requests.recv() => {
                let event = match request {
                    Some(Request::Append(event)) => event,
                    Some(Request::Samples(samples)) => {
                        if let Err(e) = store.save_samples(&launch, day, &samples).await {
                            tracing::warn!(error = %e, count = samples.len(), "saving samples failed");
                            let _ = replies.send(Reply::ReadFailed(format!("saving live history failed: {e}"))).await;
                        }
                        continue;
                    }
                    None => break,
                };
                let reply = match store.append(&event).await {
                    Ok(seq) => {
                        own.insert(event.id);
                        Reply::Committed(Stored { seq, event })
                    }
                    Err(e) => {
                        tracing::error!(event = %event.id, item = ?event.item, error = %e, "write failed");
                        Reply::Failed { event, error: e.to_string() }
                    }
                };
                if replies.send(reply).await.is_err() {
                    break;
                }
            }
            _ = follow.tick() => {
                match store.events_after(&launch, day, last_seq).await {
                    Ok(events) => {
                        read_failing = false;
                        if let Some(last) = events.last() {
                            last_seq = last.seq;
                            let others: Vec<Stored> = events.into_iter().filter(|s| !own.remove(&s.event.id)).collect();
                            if !others.is_empty() && replies.send(Reply::Arrived(others)).await.is_err() {
                                break;
                            }
                        }
                    }
                    Err(e) if !read_failing => {
                        read_failing = true;
                        tracing::warn!(error = %e, "reading new events failed");
                        let _ = replies.send(Reply::ReadFailed(e.to_string())).await;
                    }
                    Err(_) => {}
                }
            }
        }
    }
    store.close().await;
}
