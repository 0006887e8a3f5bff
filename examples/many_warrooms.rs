//! How many warrooms one PostgreSQL server holds, and how fast a tick reaches all of them.
//!
//! Starts a private PostgreSQL cluster (`initdb`/`pg_ctl` from the machine, max_connections
//! 100 by default), runs N warrooms' store tasks against one database (each with presence, as
//! the TUI runs them), counts the server connections they hold, then ticks on one warroom and
//! measures until every other one has the tick, several times.
//!
//! ```sh
//! cargo run --example many_warrooms            # 90 warrooms, max_connections 100
//! cargo run --example many_warrooms -- 120 150 # 120 warrooms, max_connections 150
//! ```

#[path = "../tests/common/db.rs"]
mod db;

use std::collections::HashSet;
use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tokio::sync::mpsc;
use uuid::Uuid;
use warroom::store::presence::Presence;
use warroom::store::worker::{self, Options, Reply, Request};
use warroom::store::{Author, Change, Event, Store};

const LAUNCH: &str = "luckygas-pilot";
const ROUNDS: usize = 10;

struct Room {
    tx: mpsc::Sender<Request>,
    rx: mpsc::Receiver<Reply>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let rooms: usize = args.next().map_or(Ok(90), |a| a.parse())?;
    let max_connections: usize = args.next().map_or(Ok(100), |a| a.parse())?;
    let cluster = db::Cluster::start(&[&format!("max_connections={max_connections}")]);
    let url = cluster.url("postgres");
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    println!("PostgreSQL max_connections {max_connections}; starting {rooms} warrooms…");

    let started = Instant::now();
    let mut all = Vec::new();
    for n in 0..rooms {
        let options = PgConnectOptions::from_str(&url)?.application_name(&format!("warroom-{n}"));
        let store = Store::open_postgres(options, "postgres://postgres@127.0.0.1/postgres")
            .await
            .map_err(|e| anyhow::anyhow!("warroom {n}: {e}"))?;
        let (tx, requests) = mpsc::channel(64);
        let (replies, rx) = mpsc::channel(1024);
        let options = Options {
            presence: Some(Presence {
                session: Uuid::now_v7(),
                launch: LAUNCH.into(),
                operator: format!("op{n}"),
                origin: "bench".into(),
                view: "Launch day".into(),
            }),
            ..Options::default()
        };
        tokio::spawn(worker::run_with(
            store,
            LAUNCH.into(),
            day,
            0,
            requests,
            replies,
            options,
        ));
        all.push(Room { tx, rx });
    }
    // Let every listener subscribe and presence go round once.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    let held: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'warroom-%'",
    )
    .fetch_one(&admin)
    .await?;
    println!(
        "{rooms} warrooms started in {:.1?}, holding {held} server connections ({:.2} each)",
        started.elapsed(),
        held as f64 / rooms as f64
    );

    let author = Author {
        operator: "op0".into(),
        origin: "bench".into(),
    };
    let mut lasts = Vec::new();
    for round in 0..ROUNDS {
        for room in &mut all {
            while room.rx.try_recv().is_ok() {}
        }
        let event = Event::new(
            &author,
            LAUNCH,
            day,
            Utc::now(),
            Some(format!("item-{round}")),
            Change::Tick,
        );
        let id = event.id;
        let sent = Instant::now();
        all[0].tx.send(Request::Append(event)).await?;
        let mut waiting: HashSet<usize> = (1..rooms).collect();
        let deadline = sent + Duration::from_secs(30);
        while !waiting.is_empty() && Instant::now() < deadline {
            for n in waiting.clone() {
                while let Ok(reply) = all[n].rx.try_recv() {
                    if let Reply::Arrived(events) = reply
                        && events.iter().any(|s| s.event.id == id)
                    {
                        waiting.remove(&n);
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        anyhow::ensure!(
            waiting.is_empty(),
            "{} warrooms never saw the tick",
            waiting.len()
        );
        lasts.push(sent.elapsed());
    }
    lasts.sort();
    println!(
        "a tick on one warroom shown on all {} others: median {:.0?}, worst {:.0?} ({ROUNDS} rounds)",
        rooms - 1,
        lasts[ROUNDS / 2],
        lasts[ROUNDS - 1]
    );
    admin.close().await;
    drop(all);
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(())
}
