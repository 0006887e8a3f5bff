//! Load check for the poller: N http sources on an interval against a backend URL, for a while;
//! prints polls, errors, lateness and this process's CPU share. Used by scripts/measure.sh:
//!
//!   warroom demo --headless --port 18787 &
//!   cargo run --release --example poll_load -- 1000 5 60 http://127.0.0.1:18787
//!
//! Arguments: sources, interval (s), duration (s), base URL.

use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use warroom::app::Clock;
use warroom::app::live::SourceState;
use warroom::poller::Poller;
use warroom::sources::{Kind, SourceSpec, build, evaluate};

/// CPU seconds (user + system) this process has used, from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after ')'.
    (ticks(11) + ticks(12)) / 100.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_string());
    let sources: usize = arg(0, "1000").parse().unwrap_or(1000);
    let interval: f64 = arg(1, "5").parse().unwrap_or(5.0);
    let seconds: f64 = arg(2, "60").parse().unwrap_or(60.0);
    let base = arg(3, "http://127.0.0.1:8787");

    let specs: Vec<SourceSpec> = (0..sources)
        .map(|i| {
            let http = warroom::sources::http::Spec::get(format!("{base}/api/metrics/summary"))
                .reading(Some("$.error_rate"), &[("p95_ms", "$.p95_ms")])
                .expect("valid paths");
            let mut spec = SourceSpec::new(&format!("s{i}"), Kind::Http(http));
            spec.title = format!("source {i}");
            spec.interval = Duration::from_secs_f64(interval);
            spec
        })
        .collect();
    let mut probes = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        match build(spec) {
            Ok(probe) => probes.push((i, spec.clone(), probe)),
            Err(e) => {
                eprintln!("cannot build source {i}: {e}");
                return;
            }
        }
    }
    let mut states = vec![SourceState::default(); sources];
    let (tx, mut rx) = mpsc::channel(8192);
    let cpu_start = cpu_seconds();
    let started = Instant::now();
    let poller = Poller::start(probes, Clock::system(), tx);
    let (mut polls, mut errors) = (0u64, 0u64);
    let mut last: Vec<Option<Instant>> = vec![None; sources];
    let mut worst_gap = Duration::ZERO;
    while started.elapsed().as_secs_f64() < seconds {
        let Ok(Some(result)) = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await
        else {
            break;
        };
        polls += 1;
        if result.result.is_err() {
            errors += 1;
        }
        // The app's share of the work: judge and record each answer.
        let (health, reason) = evaluate(&specs[result.source], &result.result);
        states[result.source].record(result.at, result.result, health, reason);
        let now = Instant::now();
        if let Some(previous) = last[result.source].replace(now) {
            worst_gap = worst_gap.max(now - previous);
        }
    }
    drop(poller);
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_start;
    println!(
        "{{\"sources\":{sources},\"interval_s\":{interval},\"seconds\":{elapsed:.1},\"polls\":{polls},\"errors\":{errors},\"polls_per_s\":{:.1},\"expected_per_s\":{:.1},\"worst_gap_s\":{:.2},\"cpu_s\":{cpu:.2},\"cpu_pct_of_one_core\":{:.2}}}",
        polls as f64 / elapsed,
        sources as f64 / interval,
        worst_gap.as_secs_f64(),
        cpu * 100.0 / elapsed
    );
}
