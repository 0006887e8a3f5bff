//! How many wall displays (`warroom wall`) one PostgreSQL server holds, what they cost it,
//! and how fast a tick reaches all of them.
//!
//! Starts a private PostgreSQL cluster (`initdb`/`pg_ctl` from the machine) with
//! `max_connections` raised, one warroom that writes (migrations, presence) and N walls that
//! read as a role with SELECT only (each the wall's own reader: one connection, LISTEN, no
//! migrations, no presence). Counts the connections they hold and the server's memory (the
//! resident set of its processes), then ticks on the warroom and measures until every wall
//! has the tick, several times.
//!
//! ```sh
//! cargo run --release --example many_walls -- 200 250   # 200 walls, max_connections 250
//! ```

#[path = "../tests/common/db.rs"]
mod db;

use std::collections::HashSet;
use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tokio::sync::mpsc;
use warroom::store::reader::{self, Target};
use warroom::store::worker::{self, Options, Reply, Request};
use warroom::store::{Author, Change, Event, Store};

const LAUNCH: &str = "luckygas-pilot";
const ROUNDS: usize = 10;

/// Memory of every process of the cluster (postmaster and its backends), in KiB: their
/// proportional set (shared buffers counted once, not in every backend that touched them).
fn cluster_rss_kb(port: u16) -> u64 {
    let mut total = 0;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let needle = format!("-p {port}");
    // The postmaster carries the port on its command line; its children are its backends.
    let mut postmaster = None;
    let mut all = Vec::new();
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline"))
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
            .unwrap_or_default();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        if cmdline.contains("postgres") && cmdline.contains(&needle) {
            postmaster = Some(pid);
        }
        let pss = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("Pss:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        all.push((pid, field("PPid:"), pss));
    }
    let Some(root) = postmaster else {
        return 0;
    };
    for (pid, ppid, rss) in all {
        if pid == root || ppid == u64::from(root) {
            total += rss;
        }
    }
    total
}

fn own_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let walls: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    let max_connections: usize = args.next().map_or(Ok(walls + 20), |a| a.parse())?;
    let cluster = db::Cluster::start(&[&format!("max_connections={max_connections}")]);
    let url = cluster.url("postgres");
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let idle_kb = cluster_rss_kb(cluster.port);
    println!("PostgreSQL max_connections {max_connections}, {idle_kb} KiB (PSS) idle");

    // The operators' warroom: it makes the tables and writes.
    let options = PgConnectOptions::from_str(&url)?.application_name("warroom-writer");
    let store = Store::open_postgres(options, "postgres://postgres@127.0.0.1/postgres")
        .await
        .map_err(|e| anyhow::anyhow!("writer: {e}"))?;
    let (tx, requests) = mpsc::channel(64);
    let (replies, _writer_rx) = mpsc::channel(1024);
    tokio::spawn(worker::run_with(
        store,
        LAUNCH.into(),
        day,
        0,
        requests,
        replies,
        Options::default(),
    ));
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    for sql in [
        "CREATE ROLE wall LOGIN",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO wall",
    ] {
        sqlx::query(sql).execute(&admin).await?;
    }
    let before_kb = cluster_rss_kb(cluster.port);
    let own_before = own_rss_kb();

    println!("starting {walls} walls (role with SELECT only)…");
    let started = Instant::now();
    let mut all = Vec::new();
    for n in 0..walls {
        let options = PgConnectOptions::from_str(&url)?
            .username("wall")
            .application_name(&format!("warroom-wall-{n}"));
        let store = Store::postgres_reading(options, "postgres://wall@127.0.0.1/postgres");
        let (replies, rx) = mpsc::channel(1024);
        tokio::spawn(reader::run(
            Target::Postgres(store),
            LAUNCH.into(),
            day,
            replies,
        ));
        all.push(rx);
    }
    // Every wall has read the day (and so is listening).
    let mut joined: HashSet<usize> = HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while joined.len() < walls && Instant::now() < deadline {
        for (n, rx) in all.iter_mut().enumerate() {
            while let Ok(reply) = rx.try_recv() {
                match reply {
                    Reply::Joined { .. } => {
                        joined.insert(n);
                    }
                    Reply::Outage { cause, .. } => anyhow::bail!("wall {n}: {cause}"),
                    _ => {}
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    anyhow::ensure!(
        joined.len() == walls,
        "{} walls never read the day",
        walls - joined.len()
    );
    let held: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'warroom-wall-%'",
    )
    .fetch_one(&admin)
    .await?;
    let after_kb = cluster_rss_kb(cluster.port);
    println!(
        "{walls} walls reading in {:.1?}, holding {held} server connections ({:.2} each); \
         server memory (PSS) {before_kb} -> {after_kb} KiB ({:.0} KiB a wall); \
         this process {own_before} -> {} KiB",
        started.elapsed(),
        held as f64 / walls as f64,
        (after_kb.saturating_sub(before_kb)) as f64 / walls as f64,
        own_rss_kb(),
    );

    let author = Author {
        operator: "ops".into(),
        origin: "bench".into(),
    };
    let mut lasts = Vec::new();
    for round in 0..ROUNDS {
        for rx in &mut all {
            while rx.try_recv().is_ok() {}
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
        tx.send(Request::Append(event)).await?;
        let mut waiting: HashSet<usize> = (0..walls).collect();
        let deadline = sent + Duration::from_secs(30);
        while !waiting.is_empty() && Instant::now() < deadline {
            for n in waiting.clone() {
                while let Ok(reply) = all[n].try_recv() {
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
            "{} walls never saw the tick",
            waiting.len()
        );
        lasts.push(sent.elapsed());
    }
    lasts.sort();
    println!(
        "a tick shown on all {walls} walls: median {:.0?}, worst {:.0?} ({ROUNDS} rounds)",
        lasts[ROUNDS / 2],
        lasts[ROUNDS - 1]
    );
    admin.close().await;
    drop(all);
    drop(tx);
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(())
}
