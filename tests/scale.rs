//! Scale: 200 http sources against one local server on a 1 s interval keep their interval —
//! nobody falls behind, nobody is starved — for several seconds.

use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use tokio::sync::mpsc;
use warroom::app::Clock;
use warroom::poller::Poller;
use warroom::sources::{Kind, SourceSpec, build};

const SOURCES: usize = 200;
const RUN: Duration = Duration::from_secs(8);

fn spec(id: usize, url: &str) -> SourceSpec {
    let http = warroom::sources::http::Spec::get(format!("{url}/metrics/{id}"))
        .reading(Some("$.value"), &[])
        .expect("valid path");
    let mut spec = SourceSpec::new(&format!("s{id}"), Kind::Http(http));
    spec.title = format!("source {id}");
    spec.interval = Duration::from_secs(1);
    spec.timeout = Duration::from_secs(1);
    spec
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_sources_on_a_one_second_interval_keep_their_interval() {
    let app = Router::new().route(
        "/metrics/{id}",
        get(|| async { axum::Json(serde_json::json!({ "value": 0.004 })) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let probes = (0..SOURCES)
        .map(|i| {
            let s = spec(i, &url);
            let p = build(&s).expect("probe");
            (i, s, p)
        })
        .collect();
    let (tx, mut rx) = mpsc::channel(4096);
    let started = Instant::now();
    let poller = Poller::start(probes, Clock::system(), tx);
    let mut seen: Vec<Vec<Instant>> = vec![Vec::new(); SOURCES];
    let mut errors = 0;
    while started.elapsed() < RUN {
        let Ok(Some(result)) = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await else {
            panic!("the poller stopped sending")
        };
        if result.result.is_err() {
            errors += 1;
        }
        seen[result.source].push(Instant::now());
    }
    drop(poller);
    server.abort();

    assert_eq!(
        errors, 0,
        "a local server answering in microseconds must not fail"
    );
    let runs = RUN.as_secs() as usize;
    for (source, times) in seen.iter().enumerate() {
        // First poll within 2 s (start-up jitter), then one a second: at least runs - 2.
        assert!(
            times.len() >= runs - 2,
            "source {source} polled {} times in {runs} s",
            times.len()
        );
        assert!(
            times.len() <= runs + 1,
            "source {source} polled {} times in {runs} s: faster than its interval",
            times.len()
        );
        let worst = times
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or_default();
        assert!(
            worst < Duration::from_millis(1600),
            "source {source} went {worst:?} between polls"
        );
    }
}
