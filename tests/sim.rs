//! The demo backend (`warroom demo`, issue 5): every endpoint's shape, determinism, the
//! scenario's incidents at their times, the end of the day against `/sim/truth`, scenario
//! file errors, and the Prometheus exposition. Servers run in-process on 127.0.0.1:0 and are
//! asked about simulated instants with `?at=`, so nothing waits for the clock.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use anyhow::{Context, Result, anyhow, bail, ensure};
use chrono::{NaiveDate, NaiveTime};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use warroom::sim::{self, SimConfig, SimHandle};

const DATE: &str = "2026-12-01";

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

async fn server(seed: u64) -> Result<SimHandle> {
    let mut config = SimConfig::new(date())?;
    config.seed = seed;
    sim::serve(config).await
}

/// A tiny HTTP/1.1 client: one request per connection, the whole body read until close.
async fn get(addr: SocketAddr, path: &str) -> Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8(raw)?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow!("no header end in {text:?}"))?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .ok_or_else(|| anyhow!("no status line"))?
        .parse()?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)?
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn dechunk(mut body: &str) -> Result<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n").context("chunk size")?;
        let size = usize::from_str_radix(size.trim(), 16)?;
        if size == 0 {
            return Ok(out);
        }
        out.push_str(rest.get(..size).context("chunk")?);
        body = rest.get(size + 2..).context("chunk end")?;
    }
}

async fn json(addr: SocketAddr, path: &str) -> Result<Value> {
    let (status, body) = get(addr, path).await?;
    ensure!(
        status == 200 || status == 503,
        "{path}: status {status}: {body}"
    );
    serde_json::from_str(&body).with_context(|| format!("{path}: not JSON: {body}"))
}

fn at(time: &str) -> String {
    format!("at={DATE}T{time}:00%2B08:00")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number in {v}"))
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    k.sort_unstable();
    k
}

#[tokio::test]
async fn every_endpoint_has_its_shape() -> Result<()> {
    let sim = server(1).await?;
    let a = sim.addr();
    let noon = at("12:00");

    let health = json(a, &format!("/health?{noon}")).await?;
    assert_eq!(health["status"], "UP");
    assert_eq!(
        keys(&health["components"]),
        ["db", "email", "maps", "redis", "sms"]
    );
    assert_eq!(
        json(a, &format!("/health/redis?{noon}")).await?["status"],
        "UP"
    );
    assert_eq!(get(a, "/health/teapot").await?.0, 404);

    let summary = json(a, &format!("/api/deliveries/summary?{noon}")).await?;
    assert_eq!(
        keys(&summary),
        [
            "assigned",
            "completion_rate",
            "created",
            "delivered",
            "failed",
            "out_for_delivery",
            "total"
        ]
    );
    let parts: f64 = [
        "created",
        "assigned",
        "out_for_delivery",
        "delivered",
        "failed",
    ]
    .iter()
    .map(|k| num(&summary, k))
    .sum();
    assert_eq!(parts, num(&summary, "total"));

    let list = json(a, &format!("/api/deliveries?{noon}")).await?;
    let list = list.as_array().context("deliveries is a list")?;
    assert_eq!(list.len() as f64, num(&summary, "total"));
    for d in list {
        for k in ["id", "customer", "state", "created_at"] {
            assert!(d[k].is_string(), "{k} in {d}");
        }
    }

    let tickets = json(a, &format!("/api/tickets?{noon}")).await?;
    let tickets = tickets.as_array().context("tickets is a list")?;
    assert!(!tickets.is_empty());
    for t in tickets {
        assert!(t["id"].is_string() && t["title"].is_string() && t["priority"].is_string());
        assert!(t["age_minutes"].is_i64());
        assert!(t["resolved_at"].is_null() || t["resolved_at"].is_string());
        let opened = t["opened_at"].as_str().context("opened_at")?;
        assert!(opened.ends_with("+08:00"), "{opened}");
        chrono::DateTime::parse_from_rfc3339(opened)?;
    }
    let ts = json(a, &format!("/api/tickets/summary?{noon}")).await?;
    for k in ["open", "oldest_open_minutes", "breaching_2h"] {
        assert!(ts.get(k).is_some(), "{k} in {ts}");
    }

    let m = json(a, &format!("/api/metrics/summary?{noon}")).await?;
    for k in [
        "error_rate",
        "p95_ms",
        "avg_ms",
        "requests_per_min",
        "uptime_pct",
    ] {
        assert!(m[k].is_number(), "{k} in {m}");
    }
    let s = json(a, &format!("/api/satisfaction?{noon}")).await?;
    let avg = num(&s, "avg");
    assert!((1.0..=5.0).contains(&avg), "{s}");

    let clock = json(a, "/sim/clock").await?;
    assert!(clock["now"].as_str().is_some_and(|n| n.starts_with(DATE)));
    let truth = json(a, &format!("/sim/truth?{noon}")).await?;
    assert_eq!(truth["now"], "2026-12-01T12:00:00+08:00");
    assert_eq!(truth["incidents"].as_array().map(Vec::len), Some(5));

    // A time of day alone is the launch date's, an unencoded +08:00 is understood, and
    // nonsense is a 400 that says why.
    assert_eq!(json(a, "/sim/truth?at=12:00").await?, truth);
    assert_eq!(
        json(a, "/sim/truth?at=2026-12-01T12:00:00+08:00").await?,
        truth
    );
    let (status, body) = get(a, "/api/deliveries/summary?at=lunchtime").await?;
    assert_eq!(status, 400);
    assert!(body.contains("lunchtime"), "{body}");
    assert_eq!(get(a, "/api/nope").await?.0, 404);
    sim.shutdown().await
}

#[tokio::test]
async fn the_same_seed_gives_the_same_day_and_another_seed_another() -> Result<()> {
    let (one, two, other) = (server(42).await?, server(42).await?, server(43).await?);
    // Asked in different orders: the state is a function of the instant, not of history.
    let late = json(two.addr(), &format!("/sim/truth?{}", at("16:00"))).await?;
    for time in ["07:30", "12:00", "16:00", "19:00"] {
        let q = format!("/sim/truth?{}", at(time));
        let a = json(one.addr(), &q).await?;
        let b = json(two.addr(), &q).await?;
        assert_eq!(a, b, "same seed at {time}");
        assert_ne!(a, json(other.addr(), &q).await?, "other seed at {time}");
        let q = format!("/api/deliveries?{}", at(time));
        assert_eq!(json(one.addr(), &q).await?, json(two.addr(), &q).await?);
    }
    assert_eq!(
        late,
        json(one.addr(), &format!("/sim/truth?{}", at("16:00"))).await?
    );
    let q = format!("/metrics?{}", at("13:00"));
    assert_eq!(get(one.addr(), &q).await?, get(two.addr(), &q).await?);
    Ok(())
}

#[tokio::test]
async fn incidents_show_at_their_times() -> Result<()> {
    // Several seeds: the scenario's numbers must hold whatever the day's traffic.
    for seed in [7, 8, 9, 10] {
        incidents_for(seed)
            .await
            .with_context(|| format!("seed {seed}"))?;
    }
    Ok(())
}

async fn incidents_for(seed: u64) -> Result<()> {
    let sim = server(seed).await?;
    let a = sim.addr();
    let metrics = |t: &str| format!("/api/metrics/summary?{}", at(t));

    // 09:30 error rate 6 % for 10 minutes: every 5-minute window inside it, and not before.
    assert!(num(&json(a, &metrics("09:25")).await?, "error_rate") < 0.02);
    for t in ["09:35", "09:38", "09:40"] {
        let rate = num(&json(a, &metrics(t)).await?, "error_rate");
        assert!(rate >= 0.05, "error rate {rate} at {t}");
    }

    // 10:15 maps down for 5 minutes: the component and the aggregate, with actuator's 503.
    for (t, down) in [
        ("10:14", false),
        ("10:15", true),
        ("10:19", true),
        ("10:20", false),
    ] {
        let (status, body) = get(a, &format!("/health?{}", at(t))).await?;
        let health: Value = serde_json::from_str(&body)?;
        let maps = json(a, &format!("/health/maps?{}", at(t))).await?;
        if down {
            assert_eq!(status, 503, "at {t}");
            assert_eq!(health["status"], "DOWN");
            assert_eq!(health["components"]["maps"]["status"], "DOWN");
            assert_eq!(maps["status"], "DOWN");
        } else {
            assert_eq!(status, 200, "at {t}");
            assert_eq!(health["status"], "UP");
            assert_eq!(maps["status"], "UP");
        }
    }
    assert!(num(&json(a, &metrics("12:00")).await?, "uptime_pct") < 100.0);

    // 11:00 a ticket left open: past the 2 h target from 13:00 on.
    let before = json(a, &format!("/api/tickets/summary?{}", at("12:59"))).await?;
    assert_eq!(num(&before, "breaching_2h"), 0.0);
    let after = json(a, &format!("/api/tickets/summary?{}", at("13:05"))).await?;
    assert!(num(&after, "breaching_2h") >= 1.0, "{after}");
    assert!(num(&after, "oldest_open_minutes") >= 120.0, "{after}");

    // 15:00 p95 at 320 ms for 20 minutes.
    assert!(num(&json(a, &metrics("14:55")).await?, "p95_ms") < 300.0);
    for t in ["15:05", "15:12", "15:20"] {
        let p95 = num(&json(a, &metrics(t)).await?, "p95_ms");
        assert!(p95 >= 300.0, "p95 {p95} at {t}");
    }
    assert!(num(&json(a, &metrics("15:30")).await?, "p95_ms") < 300.0);

    // 17:30 two deliveries fail.
    let failed = |t: &'static str| {
        let path = format!("/api/deliveries/summary?{}", at(t));
        async move { json(a, &path).await.map(|v| num(&v, "failed")) }
    };
    let (before, after) = (failed("17:29").await?, failed("17:35").await?);
    assert!(after >= 2.0 && after >= before + 2.0, "{before} → {after}");

    let truth = json(a, &format!("/sim/truth?{}", at("10:16"))).await?;
    let maps = truth["incidents"]
        .as_array()
        .context("incidents")?
        .iter()
        .find(|i| i["kind"] == "component_down")
        .context("the maps outage")?;
    assert_eq!(maps["start"], "2026-12-01T10:15:00+08:00");
    assert_eq!(maps["end"], "2026-12-01T10:20:00+08:00");
    assert_eq!(maps["active"], true);
    sim.shutdown().await
}

#[tokio::test]
async fn at_seven_every_delivery_is_settled_and_the_panels_equal_the_truth() -> Result<()> {
    for seed in [1, 2, 3] {
        let sim = server(seed).await?;
        let a = sim.addr();
        let q = at("19:00");
        let summary = json(a, &format!("/api/deliveries/summary?{q}")).await?;
        let truth = json(a, &format!("/sim/truth?{q}")).await?;
        assert_eq!(summary, truth["deliveries"], "seed {seed}");
        assert_eq!(
            num(&summary, "delivered") + num(&summary, "failed"),
            num(&summary, "total")
        );
        assert!(num(&summary, "total") >= 10.0);
        assert!(num(&summary, "failed") >= 2.0);
        assert_eq!(
            json(a, &format!("/api/tickets/summary?{q}")).await?,
            truth["tickets"]
        );
        assert_eq!(
            json(a, &format!("/api/metrics/summary?{q}")).await?,
            truth["metrics"]
        );
        assert_eq!(
            json(a, &format!("/api/satisfaction?{q}")).await?,
            truth["satisfaction"]
        );
        let states = truth["delivery_states"]
            .as_object()
            .context("delivery_states")?;
        assert!(states.values().all(|s| s == "delivered" || s == "failed"));
        // 16 pilot customers, each with an order.
        let list = json(a, &format!("/api/deliveries?{q}")).await?;
        let customers: std::collections::BTreeSet<&str> = list
            .as_array()
            .context("list")?
            .iter()
            .filter_map(|d| d["customer_id"].as_str())
            .collect();
        assert_eq!(customers.len(), 16);
        // The per-minute truth adds up to the Prometheus counters.
        let (_, text) = get(a, &format!("/metrics?{q}")).await?;
        let samples = parse_exposition(&text)?;
        let served: f64 = samples
            .iter()
            .filter(|s| s.name == "luckygas_http_requests_total")
            .map(|s| s.value)
            .sum();
        assert_eq!(served, num(&truth, "requests_total"));
        let per_minute = truth["per_minute"].as_array().context("per_minute")?;
        assert_eq!(per_minute.len(), 13 * 60);
        sim.shutdown().await?;
    }
    Ok(())
}

#[tokio::test]
async fn the_clock_runs_at_the_given_speed_from_the_given_start() -> Result<()> {
    let mut config = SimConfig::new(date())?;
    config.speed = 600.0;
    config.start = NaiveTime::from_hms_opt(9, 0, 0).context("time")?;
    let started = std::time::Instant::now();
    let sim = sim::serve(config).await?;
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00")?;
    // Wait until the backend's clock has run 150 simulated seconds (a quarter second of
    // real time at 600x), asking it rather than sleeping.
    let deadline = started + std::time::Duration::from_secs(20);
    let elapsed = loop {
        let clock = json(sim.addr(), "/sim/clock").await?;
        let now = chrono::DateTime::parse_from_rfc3339(clock["now"].as_str().context("now")?)?;
        let elapsed = (now - start).num_milliseconds() as f64 / 1000.0;
        if elapsed >= 150.0 {
            break elapsed;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the clock stands at {elapsed} s"
        );
        tokio::task::yield_now().await;
    };
    // Never faster than the speed asked: at most 600 simulated seconds per real one.
    let real = started.elapsed().as_secs_f64();
    assert!(
        elapsed <= real * 600.0 + 1.0,
        "{elapsed} s simulated in {real} s"
    );
    // Without ?at= the endpoints answer for the simulated now.
    let truth = json(sim.addr(), "/sim/truth").await?;
    assert!(
        truth["now"]
            .as_str()
            .is_some_and(|n| n.starts_with("2026-12-01T09:0"))
    );
    sim.shutdown().await
}

#[test]
fn the_built_in_scenario_is_the_shipped_file() -> Result<()> {
    let shipped = sim::scenario::load(std::path::Path::new("layouts/luckygas-demo-scenario.toml"))?;
    assert_eq!(shipped, sim::scenario::builtin()?);
    assert_eq!(shipped.incidents.len(), 5);
    Ok(())
}

fn problems(text: &str) -> Vec<String> {
    match sim::scenario::parse("bad.toml", text) {
        Ok(_) => vec![],
        Err(e) => e.to_string().lines().map(str::to_string).collect(),
    }
}

#[test]
fn scenario_errors_name_line_and_column() {
    let cases: [(&str, &str); 8] = [
        (
            "[[incident]]\nkind = \"error_rate\"\nat = \"09:30\"\nminutes = 10\npercent = 6\nseverity = 3\n",
            "bad.toml:6:1: severity: unknown field `severity`",
        ),
        (
            "[[incident]]\nkind = \"earthquake\"\nat = \"09:30\"\n",
            "bad.toml:2:8: incident[0].kind: unknown incident kind \"earthquake\"",
        ),
        (
            "[[incident]]\nkind = \"latency\"\nat = \"25:61\"\nminutes = 5\np95_ms = 300\n",
            "bad.toml:3:6: incident[0].at: \"25:61\" is not a time of day",
        ),
        (
            "[[incident]]\nkind = \"latency\"\nat = \"15:00\"\nminutes = -5\np95_ms = 300\n",
            "bad.toml:4:11: incident[0].minutes: duration -5 minutes: must be positive",
        ),
        (
            "[[incident]]\nkind = \"component_down\"\nat = \"10:15\"\nminutes = 5\ncomponent = \"kafka\"\n",
            "bad.toml:5:13: incident[0].component: unknown component \"kafka\"",
        ),
        (
            "[[incident]]\nkind = \"error_rate\"\nat = \"09:30\"\nminutes = 10\npercent = 6\n\n[[incident]]\nkind = \"error_rate\"\nat = 09:35\nminutes = 10\npercent = 3\n",
            "bad.toml:9:6: incident[1].at: overlaps the error_rate incident at 09:30–09:40",
        ),
        (
            "[[incident]]\nkind = \"deliveries_failed\"\nat = \"17:30\"\ncount = 2\nminutes = 5\n",
            "bad.toml:5:11: incident[0].minutes: `minutes` does not apply to a deliveries_failed incident",
        ),
        (
            "[[incident]]\nkind = \"latency\"\nat = \"18:50\"\nminutes = 30\np95_ms = 300\n",
            "bad.toml:3:6: incident[0].at: 18:50–19:20 is outside the simulated day",
        ),
    ];
    for (text, expected) in cases {
        let got = problems(text);
        assert!(
            got.iter().any(|line| line.starts_with(expected)),
            "expected {expected:?}, got {got:?}"
        );
    }
    // Outages of different components may overlap.
    let both = "[[incident]]\nkind = \"component_down\"\nat = \"10:15\"\nminutes = 5\ncomponent = \"maps\"\n\n[[incident]]\nkind = \"component_down\"\nat = \"10:16\"\nminutes = 5\ncomponent = \"sms\"\n";
    assert_eq!(problems(both), Vec::<String>::new());
}

struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// A strict reading of the text exposition format: `# HELP`/`# TYPE` before a family's
/// samples, every sample `name{label="value",...} value`, names and labels well formed.
fn parse_exposition(text: &str) -> Result<Vec<Sample>> {
    let valid_name = |n: &str| {
        n.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    };
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut samples = Vec::new();
    ensure!(
        text.ends_with('\n'),
        "the exposition must end with a newline"
    );
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (keyword, name) = (parts.next(), parts.next().unwrap_or(""));
            ensure!(valid_name(name), "line {n}: bad metric name {name:?}");
            match keyword {
                Some("HELP") => {}
                Some("TYPE") => {
                    let kind = parts.next().unwrap_or("");
                    ensure!(
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                        "line {n}: bad type {kind:?}"
                    );
                    ensure!(
                        types.insert(name.to_string(), kind.to_string()).is_none(),
                        "line {n}: second TYPE for {name}"
                    );
                }
                other => bail!("line {n}: unknown comment {other:?}"),
            }
            continue;
        }
        ensure!(!line.is_empty(), "line {n}: empty line");
        let (series, value) = line
            .rsplit_once(' ')
            .ok_or_else(|| anyhow!("line {n}: no value"))?;
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v
                .parse()
                .with_context(|| format!("line {n}: bad value {v:?}"))?,
        };
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let body = rest
                    .strip_suffix('}')
                    .ok_or_else(|| anyhow!("line {n}: unclosed labels"))?;
                let mut labels = BTreeMap::new();
                for pair in body.split("\",").filter(|p| !p.is_empty()) {
                    let (k, v) = pair
                        .split_once("=\"")
                        .ok_or_else(|| anyhow!("line {n}: bad label {pair:?}"))?;
                    ensure!(valid_name(k), "line {n}: bad label name {k:?}");
                    labels.insert(k.to_string(), v.trim_end_matches('"').to_string());
                }
                (name, labels)
            }
            None => (series, BTreeMap::new()),
        };
        ensure!(valid_name(name), "line {n}: bad sample name {name:?}");
        let family = ["_bucket", "_sum", "_count", "_total"]
            .iter()
            .find_map(|s| {
                name.strip_suffix(s)
                    .filter(|f| types.contains_key(*f) && types[*f] == "histogram")
            })
            .unwrap_or(name);
        ensure!(
            types.contains_key(family),
            "line {n}: {name} has no TYPE before it"
        );
        samples.push(Sample {
            name: name.to_string(),
            labels,
            value,
        });
    }
    Ok(samples)
}

#[tokio::test]
async fn metrics_are_valid_prometheus_exposition() -> Result<()> {
    let sim = server(5).await?;
    let (status, text) = get(sim.addr(), &format!("/metrics?{}", at("15:30"))).await?;
    assert_eq!(status, 200);
    let samples = parse_exposition(&text)?;
    // Histogram buckets: per route, le ascending, counts cumulative, +Inf equal to _count.
    let mut by_route: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut counts: BTreeMap<String, f64> = BTreeMap::new();
    for s in &samples {
        let route = s.labels.get("route").cloned().unwrap_or_default();
        match s.name.as_str() {
            "luckygas_http_request_duration_seconds_bucket" => {
                let le = match s.labels["le"].as_str() {
                    "+Inf" => f64::INFINITY,
                    v => v.parse()?,
                };
                by_route.entry(route).or_default().push((le, s.value));
            }
            "luckygas_http_request_duration_seconds_count" => {
                counts.insert(route, s.value);
            }
            _ => {}
        }
    }
    assert_eq!(by_route.len(), 7);
    // Every request counted by status is in the histogram, and vice versa.
    for (route, count) in &counts {
        let served: f64 = samples
            .iter()
            .filter(|s| s.name == "luckygas_http_requests_total" && s.labels["route"] == *route)
            .map(|s| s.value)
            .sum();
        assert_eq!(served, *count, "{route}");
    }
    for (route, buckets) in &by_route {
        assert!(
            buckets.windows(2).all(|w| w[0].0 < w[1].0),
            "{route}: le order"
        );
        assert!(
            buckets.windows(2).all(|w| w[0].1 <= w[1].1),
            "{route}: cumulative"
        );
        let last = buckets.last().context("buckets")?;
        assert_eq!(last.0, f64::INFINITY, "{route}: +Inf bucket");
        assert_eq!(Some(&last.1), counts.get(route), "{route}: +Inf = _count");
    }
    for gauge in [
        "luckygas_deliveries",
        "luckygas_tickets_open",
        "luckygas_component_up",
    ] {
        assert!(samples.iter().any(|s| s.name == gauge), "{gauge}");
    }
    let states: Vec<&str> = samples
        .iter()
        .filter(|s| s.name == "luckygas_deliveries")
        .filter_map(|s| s.labels.get("state").map(String::as_str))
        .collect();
    assert_eq!(
        states,
        [
            "created",
            "assigned",
            "out_for_delivery",
            "delivered",
            "failed"
        ]
    );
    sim.shutdown().await
}

#[test]
fn the_headless_cli_serves_and_stops_on_sigterm() -> Result<()> {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args([
            "demo",
            "--headless",
            "--port",
            "0",
            "--seed",
            "3",
            "--speed",
            "60",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    assert!(
        line.starts_with("warroom demo backend on http://127.0.0.1:"),
        "{line}"
    );
    assert!(line.contains("(seed 3, speed 60)"), "{line}");
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    assert!(kill.success());
    let status = child.wait()?;
    assert_eq!(status.code(), Some(128 + 15));
    Ok(())
}

#[test]
fn the_cli_reports_a_bad_scenario_with_line_and_column() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "[[incident]]\nkind = \"component_down\"\nat = \"10:15\"\nminutes = 5\ncomponent = \"kafka\"\n",
    )?;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["demo", "--headless", "--port", "0", "--scenario"])
        .arg(&file)
        .output()?;
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains(&format!("{}:5:13: incident[0].component", file.display())),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn every_delivery_moves_forward_and_settles_by_seven_for_any_seed() -> Result<()> {
    // Failures early and at the very end force extra orders and clamped steps.
    let text = format!(
        "{}\n[[incident]]\nkind = \"deliveries_failed\"\nat = \"06:30\"\ncount = 5\n\n[[incident]]\nkind = \"deliveries_failed\"\nat = \"19:00\"\ncount = 3\n",
        sim::scenario::BUILTIN_SCENARIO
    );
    let scenario = sim::scenario::parse("extra.toml", &text)?;
    let end = 19 * 3600;
    for seed in 0..20 {
        let world = sim::World::new(seed, scenario.clone(), date());
        for d in &world.deliveries {
            assert!(
                d.created <= d.assigned && d.assigned <= d.out && d.out <= d.done && d.done <= end,
                "seed {seed}: {d:?}"
            );
        }
        let summary = world.delivery_summary(end);
        assert_eq!(
            summary.delivered + summary.failed,
            summary.total,
            "seed {seed}"
        );
        assert!(summary.failed >= 2 + 5 + 3, "seed {seed}: {summary:?}");
        // The same inputs lay out the same day.
        let again = sim::World::new(seed, scenario.clone(), date());
        assert_eq!(world.truth(12 * 3600), again.truth(12 * 3600));
    }
    Ok(())
}

#[tokio::test]
async fn serve_refuses_a_clock_that_does_not_run() -> Result<()> {
    let mut config = SimConfig::new(date())?;
    config.speed = 0.0;
    let err = sim::serve(config)
        .await
        .err()
        .context("speed 0 must fail")?;
    assert!(err.to_string().contains("speed 0"), "{err}");
    Ok(())
}

/// A pilot week is rehearsed on a run of days (`--days`): each date is a day of its own, the
/// same day a single-day run on that date (`--date`) plays, and the run's ends behave as a
/// single day's do.
#[tokio::test]
async fn a_run_of_days_plays_each_date_as_a_day_of_its_own() -> Result<()> {
    let mut config = SimConfig::new(date())?;
    config.seed = 7;
    config.days = 3;
    let run = sim::serve(config.clone()).await?;
    let truth = |addr: SocketAddr, day: &'static str, time: &'static str| async move {
        json(
            addr,
            &format!("/sim/truth?at=2026-12-{day}T{time}:00%2B08:00"),
        )
        .await
    };
    let first = truth(run.addr(), "01", "19:00").await?;
    let second = truth(run.addr(), "02", "19:00").await?;
    let third = truth(run.addr(), "03", "19:00").await?;
    assert_eq!(first["now"], "2026-12-01T19:00:00+08:00");
    assert_eq!(second["now"], "2026-12-02T19:00:00+08:00");
    assert_ne!(
        first["deliveries"], second["deliveries"],
        "day 2 is not day 1 again"
    );
    assert_ne!(second["per_minute"], third["per_minute"]);
    // The incidents of the scenario play every day, at their times.
    assert_eq!(second["incidents"].as_array().map(Vec::len), Some(5));

    // `--date 2026-12-02` alone plays the run's second day.
    let mut single = config.clone();
    single.date = NaiveDate::from_ymd_opt(2026, 12, 2).context("date")?;
    single.days = 1;
    let alone = sim::serve(single).await?;
    assert_eq!(truth(alone.addr(), "02", "19:00").await?, second);
    let q = "/api/deliveries?at=2026-12-02T12:00:00%2B08:00";
    assert_eq!(json(alone.addr(), q).await?, json(run.addr(), q).await?);

    // Before the first date nothing has happened; after the last, the last day is over.
    let before = truth(run.addr(), "01", "05:00").await?;
    assert_eq!(num(&before["deliveries"], "total"), 0.0);
    let after = json(run.addr(), "/sim/truth?at=2026-12-05T12:00:00%2B08:00").await?;
    assert_eq!(after["deliveries"], third["deliveries"]);
    let clock = json(run.addr(), "/sim/clock").await?;
    assert_eq!(
        clock["dates"],
        serde_json::json!(["2026-12-01", "2026-12-02", "2026-12-03"])
    );
    assert_eq!(clock["date"], "2026-12-01");

    let mut none = config;
    none.days = 0;
    let err = sim::serve(none).await.err().context("0 days must fail")?;
    assert!(err.to_string().contains("days 0"), "{err}");
    run.shutdown().await?;
    alone.shutdown().await
}

/// The simulated day ends at 19:00 and so does its clock: it stops there instead of running
/// into a next date that the checklist would turn to while the panels keep the old one.
#[tokio::test]
async fn the_demo_clock_stops_at_seven() -> Result<()> {
    let mut config = SimConfig::new(date())?;
    config.start = NaiveTime::from_hms_opt(18, 59, 0).context("time")?;
    config.speed = sim::MAX_SPEED;
    let handle = sim::serve(config).await?;
    let clock = handle.clock();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !clock.is_stopped() {
        ensure!(std::time::Instant::now() < deadline, "never reached 19:00");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let end = sim::clock::at_zone_time(date(), NaiveTime::from_hms_opt(19, 0, 0).context("t")?);
    assert_eq!(clock.now(), end);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(clock.now(), end, "and stays there");
    handle.shutdown().await?;

    let mut late = SimConfig::new(date())?;
    late.start = NaiveTime::from_hms_opt(19, 30, 0).context("time")?;
    let err = sim::serve(late)
        .await
        .err()
        .context("a start after 19:00")?;
    assert!(err.to_string().contains("ends at"), "{err}");
    Ok(())
}

/// `warroom demo` on a port already taken stops with an error that says so, like
/// `--headless`, instead of moving to another port without a word.
#[test]
fn the_demo_refuses_a_busy_port() -> Result<()> {
    let taken = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = taken.local_addr()?.port().to_string();
    let dir = tempfile::tempdir()?;
    for headless in [false, true] {
        let mut args = vec!["demo", "--port", &port];
        if headless {
            args.push("--headless");
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
            .args(&args)
            .arg("--db")
            .arg(dir.path().join("demo.db"))
            .arg("--log")
            .arg(dir.path().join("demo.log"))
            .stdin(std::process::Stdio::null())
            .output()?;
        assert!(!out.status.success(), "headless {headless}: started anyway");
        let stderr = String::from_utf8(out.stderr)?;
        assert!(
            stderr.contains(&format!("127.0.0.1:{port}")) && stderr.contains("--port 0"),
            "headless {headless}: {stderr}"
        );
    }
    Ok(())
}
