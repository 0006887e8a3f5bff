//! What an idle warroom asks of its SQLite file: a look at the file and its WAL on every follow
//! interval, a read only when another process (or this one) committed something.

use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use warroom::store::worker::{self, Reply};
use warroom::store::{Author, Change, Event};

mod common;
use common::log::{append, open, replies_until, spawn_worker};

const LAUNCH: &str = "luckygas-pilot";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid day")
}

fn event(who: &str, ms: i64, item: &str) -> Event {
    let author = Author {
        operator: who.to_string(),
        origin: format!("{who}-laptop"),
    };
    let at = Utc
        .with_ymd_and_hms(2026, 11, 30, 22, 0, 0)
        .single()
        .expect("valid instant")
        + chrono::Duration::milliseconds(ms);
    Event::new(&author, LAUNCH, day(), at, Some(item.into()), Change::Tick)
}

/// The statements this process ran that read new events of the log (sqlx logs each one it
/// runs as a `sqlx::query` event), counted by a global subscriber: this file holds one test, so
/// its process runs nothing else, under nextest and `cargo test` alike.
fn count_log_reads() -> impl Fn() -> usize {
    #[derive(Clone, Default)]
    struct Written(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Written {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut all) = self.0.lock() {
                all.extend_from_slice(bytes);
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let written = Written::default();
    let sink = written.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("sqlx::query=debug")
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    move || {
        let all = written.0.lock().map(|w| w.clone()).unwrap_or_default();
        String::from_utf8_lossy(&all)
            .matches("AND seq > $3")
            .count()
    }
}

#[tokio::test]
async fn an_idle_worker_on_sqlite_reads_the_log_only_after_the_file_changed() {
    let reads = count_log_reads();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let other = open(&path).await;
    let last_seq = append(&store, &event("ann", 0, "check-health")).await;
    let (request_tx, mut reply_rx, worker) = spawn_worker(store, LAUNCH, day(), last_seq, 16);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while reads() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no first read");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Five follow intervals with nothing committed (and well within the safety read).
    let before = reads();
    tokio::time::sleep(worker::FOLLOW_INTERVAL * 5).await;
    assert_eq!(reads() - before, 0, "reads while the file did not change");

    let theirs = event("bob", 1, "check-errors");
    append(&other, &theirs).await;
    let replies = replies_until(&mut reply_rx, Duration::from_secs(3), |r| {
        r.iter().any(|r| {
            matches!(r, Reply::Arrived(events) if events.iter().any(|s| s.event.id == theirs.id))
        })
    })
    .await;
    assert!(
        replies.iter().any(|r| matches!(r, Reply::Arrived(_))),
        "the other handle's tick arrives: {replies:?}"
    );
    assert!(reads() > before, "read once the file changed");

    drop(request_tx);
    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("worker ends")
        .expect("worker task panicked");
    other.close().await;
}
