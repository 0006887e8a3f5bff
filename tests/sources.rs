//! Every source kind against a real server on 127.0.0.1: tiny HTTP/1.1 servers written here
//! (so each bad behaviour — hanging, trickling, 50 MB — is exactly what the test says), a
//! self-signed TLS server, and the machine's PostgreSQL (5432) and Redis (6379). Tests that
//! need PostgreSQL or Redis fail when those are down: a skipped test would hide a broken probe.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use warroom::sources::{self, Condition, Health, Kind, Observation, SourceError, SourceSpec};

mod common;
use common::rig::Rig;

// ---------------------------------------------------------------------------------------------
// Helpers

fn spec(kind: Kind, timeout: Duration, critical: &[&str], warn: &[&str]) -> SourceSpec {
    let parse = |t: &&str| Condition::parse(t).expect("test condition parses");
    let mut spec = SourceSpec::new("test", kind);
    spec.title = "Test".into();
    spec.timeout = timeout;
    spec.critical = critical.iter().map(parse).collect();
    spec.warn = warn.iter().map(parse).collect();
    spec
}

fn http_kind(url: String, value: Option<&str>, fields: &[(&str, &str)]) -> Kind {
    Kind::Http(
        sources::http::Spec::get(url)
            .reading(value, fields)
            .expect("test paths compile"),
    )
}

/// How a poll was judged, with the finding in words.
fn judge(spec: &SourceSpec, result: &Result<Observation, SourceError>) -> (Health, Option<String>) {
    let (health, finding) = sources::evaluate(spec, result);
    (health, finding.map(|f| f.to_string()))
}

async fn poll(spec: &SourceSpec) -> Result<Observation, SourceError> {
    sources::build(spec)
        .expect("probe builds from a valid spec")
        .poll()
        .await
}

const SECOND: Duration = Duration::from_secs(1);

/// How a test server answers one request (given its path and query).
enum Reply {
    Full {
        status: u16,
        content_type: &'static str,
        body: String,
    },
    /// Reads the request, then never answers.
    Hang,
    /// Promises 100 bytes and sends one a second.
    Trickle,
    /// `size` bytes of zeros, announced with Content-Length or not (read until close).
    Huge { size: u64, announce: bool },
}

fn json(status: u16, body: &str) -> Reply {
    Reply::Full {
        status,
        content_type: "application/json",
        body: body.to_string(),
    }
}

type Handler = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

/// Serves hand-written HTTP/1.1 on 127.0.0.1; every connection closes after one answer.
async fn serve(handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> SocketAddr {
    let handler: Handler = Arc::new(handler);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a test port");
    let addr = listener.local_addr().expect("bound address");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(answer(socket, handler.clone()));
        }
    });
    addr
}

async fn answer(mut socket: TcpStream, handler: Handler) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&request);
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    // Write errors are expected (the probe hangs up on purpose): the server just stops.
    match handler(&target) {
        Reply::Full {
            status,
            content_type,
            body,
        } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
        }
        Reply::Hang => tokio::time::sleep(Duration::from_secs(60)).await,
        Reply::Trickle => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                        Content-Length: 100\r\nConnection: close\r\n\r\n";
            let _ = socket.write_all(head.as_bytes()).await;
            for _ in 0..100 {
                if socket.write_all(b" ").await.is_err() {
                    return;
                }
                tokio::time::sleep(SECOND).await;
            }
        }
        Reply::Huge { size, announce } => {
            let length = if announce {
                format!("Content-Length: {size}\r\n")
            } else {
                String::new()
            };
            let head = format!("HTTP/1.1 200 OK\r\n{length}Connection: close\r\n\r\n");
            let _ = socket.write_all(head.as_bytes()).await;
            let chunk = vec![b'0'; 64 * 1024];
            let mut sent = 0;
            while sent < size {
                if socket.write_all(&chunk).await.is_err() {
                    return;
                }
                sent += chunk.len() as u64;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// http

const HEALTH: &str = r#"{"status":"UP","error_rate":"0.002","completed":12,
    "checks":{"db":true},"orders":[{"id":7},{"id":8}]}"#;

#[tokio::test]
async fn http_reads_json_paths_and_judges_conditions() {
    let addr = serve(|_| json(200, HEALTH)).await;
    let s = spec(
        http_kind(
            format!("http://{addr}/health"),
            Some("$.error_rate"),
            &[("completed", "$.completed"), ("db", "$.checks.db")],
        ),
        3 * SECOND,
        &[
            "[STATUS] == 200",
            "[BODY].status == UP",
            "[BODY].orders[1].id == 8",
            "[RESPONSE_TIME] < 2000",
            "value < 0.01",
        ],
        &["fields.completed > 100"],
    );
    let result = poll(&s).await;
    let obs = result.as_ref().expect("healthy endpoint answers");
    assert_eq!(obs.status, Some(200));
    assert_eq!(obs.value, Some(0.002));
    assert_eq!(obs.fields.get("completed"), Some(&12.0));
    assert_eq!(obs.fields.get("db"), Some(&1.0));
    assert_eq!(
        judge(&s, &result),
        (
            Health::Warn,
            Some("fields.completed > 100: got 12".to_string())
        )
    );
}

#[tokio::test]
async fn http_500_is_an_observation_that_fails_the_status_condition() {
    let addr = serve(|_| json(500, r#"{"error":"db down"}"#)).await;
    let s = spec(
        http_kind(format!("http://{addr}/"), None, &[]),
        3 * SECOND,
        &["[STATUS] == 200"],
        &[],
    );
    let result = poll(&s).await;
    let obs = result.as_ref().expect("a 500 is still an observation");
    assert_eq!(obs.status, Some(500));
    assert_eq!(obs.body, Some(serde_json::json!({"error": "db down"})));
    assert_eq!(
        judge(&s, &result),
        (
            Health::Critical,
            Some("[STATUS] == 200: got 500".to_string())
        )
    );

    // When numbers must be read from the body, an error page has none: a Status error.
    let with_value = spec(
        http_kind(format!("http://{addr}/"), Some("$.x"), &[]),
        3 * SECOND,
        &[],
        &[],
    );
    assert_eq!(
        poll(&with_value).await,
        Err(SourceError::Status { status: 500 })
    );
}

#[tokio::test]
async fn http_plain_text_body_is_compared_as_text() {
    let addr = serve(|_| Reply::Full {
        status: 200,
        content_type: "text/plain",
        body: "pong\n".into(),
    })
    .await;
    let s = spec(
        http_kind(format!("http://{addr}/"), None, &[]),
        3 * SECOND,
        &["[BODY] == pong"],
        &[],
    );
    let result = poll(&s).await;
    assert_eq!(judge(&s, &result), (Health::Ok, None));
}

#[tokio::test]
async fn http_server_that_never_answers_times_out() {
    let addr = serve(|_| Reply::Hang).await;
    let timeout = Duration::from_millis(500);
    let s = spec(
        http_kind(format!("http://{addr}/"), None, &[]),
        timeout,
        &[],
        &[],
    );
    let started = Instant::now();
    assert_eq!(poll(&s).await, Err(SourceError::Timeout(timeout)));
    assert!(started.elapsed() < timeout + Duration::from_millis(500));
}

#[tokio::test]
async fn http_trickling_body_times_out() {
    let addr = serve(|_| Reply::Trickle).await;
    let timeout = Duration::from_millis(1500);
    let s = spec(
        http_kind(format!("http://{addr}/"), None, &[]),
        timeout,
        &[],
        &[],
    );
    let started = Instant::now();
    assert_eq!(poll(&s).await, Err(SourceError::Timeout(timeout)));
    assert!(started.elapsed() < timeout + Duration::from_millis(500));
}

#[tokio::test]
async fn http_body_that_is_not_json_fails_when_a_path_is_needed() {
    let addr = serve(|_| Reply::Full {
        status: 200,
        content_type: "text/html",
        body: "<html>maintenance</html>".into(),
    })
    .await;
    let s = spec(
        http_kind(format!("http://{addr}/"), Some("$.rate"), &[]),
        3 * SECOND,
        &[],
        &[],
    );
    assert_eq!(
        poll(&s).await,
        Err(SourceError::Shape(
            "expected JSON with a number at $.rate, got an HTML page".into()
        ))
    );
}

#[tokio::test]
async fn http_50_mb_body_is_refused_quickly() {
    let size = 50 * 1024 * 1024;
    for announce in [true, false] {
        let addr = serve(move |_| Reply::Huge { size, announce }).await;
        let s = spec(
            http_kind(format!("http://{addr}/"), None, &[]),
            5 * SECOND,
            &[],
            &[],
        );
        let started = Instant::now();
        assert_eq!(
            poll(&s).await,
            Err(SourceError::TooLarge { limit: 1024 * 1024 }),
            "announced length: {announce}"
        );
        assert!(started.elapsed() < SECOND, "announced length: {announce}");
    }
}

#[tokio::test]
async fn http_connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    drop(listener);
    let s = spec(
        http_kind(format!("http://{addr}/"), None, &[]),
        3 * SECOND,
        &[],
        &[],
    );
    match poll(&s).await {
        Err(SourceError::Connect(why)) => assert!(why.to_lowercase().contains("refused"), "{why}"),
        other => panic!("expected Connect, got {other:?}"),
    }
}

#[tokio::test]
async fn http_path_matching_nothing_and_words_that_are_not_numbers() {
    let addr = serve(|_| json(200, HEALTH)).await;
    let url = format!("http://{addr}/");
    let s = spec(
        http_kind(url.clone(), Some("$.nope"), &[]),
        3 * SECOND,
        &[],
        &[],
    );
    assert_eq!(
        poll(&s).await,
        Err(SourceError::Shape(
            "expected a number at $.nope, got nothing there (the answer is a JSON object)".into()
        ))
    );
    let s = spec(
        http_kind(url.clone(), Some("$.status"), &[]),
        3 * SECOND,
        &[],
        &[],
    );
    assert_eq!(
        poll(&s).await,
        Err(SourceError::Shape(
            "expected a number at $.status, got \"UP\"".into()
        ))
    );
    // One bad field marks that field; the value beside it stands.
    let s = spec(
        http_kind(url, Some("$.error_rate"), &[("state", "$.status")]),
        3 * SECOND,
        &["fields.state == 1"],
        &[],
    );
    let result = poll(&s).await;
    let obs = result
        .as_ref()
        .expect("a partly readable answer is an observation");
    assert_eq!(obs.value, Some(0.002));
    assert_eq!(
        obs.invalid.get("state").map(String::as_str),
        Some("expected a number at $.status, got \"UP\"")
    );
    assert_eq!(
        judge(&s, &result),
        (
            Health::Critical,
            Some("fields.state == 1: expected a number at $.status, got \"UP\"".into())
        )
    );
}

#[tokio::test]
async fn http_redirect_loop_stops_at_max_redirects() {
    let addr = serve(|_| Reply::Full {
        status: 200,
        content_type: "text/plain",
        body: String::new(),
    })
    .await;
    // A server that always redirects to itself.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let loop_addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let reply = format!(
                "HTTP/1.1 302 Found\r\nLocation: http://{loop_addr}/again\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    let s = spec(
        http_kind(format!("http://{loop_addr}/"), None, &[]),
        3 * SECOND,
        &[],
        &[],
    );
    match poll(&s).await {
        Err(SourceError::Failed(why)) => assert!(why.contains("redirect"), "{why}"),
        other => panic!("expected a redirect failure, got {other:?}"),
    }
    // And a plain server is fine (the loop server is not the only thing answering).
    let ok = spec(
        http_kind(format!("http://{addr}/"), None, &[]),
        3 * SECOND,
        &[],
        &[],
    );
    assert!(poll(&ok).await.is_ok());
}

// ---------------------------------------------------------------------------------------------
// prometheus

fn prometheus_kind(addr: SocketAddr, query: &str) -> Kind {
    Kind::Prometheus(sources::prometheus::Spec::new(
        format!("http://{addr}/"),
        query,
    ))
}

async fn prometheus_server() -> SocketAddr {
    serve(|target| {
        let url = reqwest::Url::parse(&format!("http://x{target}")).expect("request target");
        assert_eq!(url.path(), "/api/v1/query");
        let query = url
            .query_pairs()
            .find(|(k, _)| k == "query")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        match query.as_str() {
            "scalar(0.063)" => json(
                200,
                r#"{"status":"success","data":{"resultType":"scalar","result":[1732870000.123,"0.063"]}}"#,
            ),
            r#"sum by (route, status) (rate(http_requests_total{status=~"5.."}[5m]))"# => json(
                200,
                r#"{"status":"success","data":{"resultType":"vector","result":[
                    {"metric":{"route":"/orders","status":"500"},"value":[1732870000.1,"0.5"]},
                    {"metric":{"route":"/quote","status":"503"},"value":[1732870000.1,"0.25"]}]}}"#,
            ),
            "up" => json(
                200,
                r#"{"status":"success","data":{"resultType":"vector","result":[
                    {"metric":{"__name__":"up"},"value":[1732870000.1,"1"]}]}}"#,
            ),
            _ => json(
                400,
                r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unexpected end of input"}"#,
            ),
        }
    })
    .await
}

#[tokio::test]
async fn prometheus_scalar_vector_and_error() {
    let addr = prometheus_server().await;

    let s = spec(
        prometheus_kind(addr, "scalar(0.063)"),
        3 * SECOND,
        &["value < 0.01"],
        &[],
    );
    let result = poll(&s).await;
    assert_eq!(result.as_ref().map(|o| o.value), Ok(Some(0.063)));
    assert_eq!(
        judge(&s, &result),
        (Health::Critical, Some("value < 0.01: got 0.063".into()))
    );

    let query = r#"sum by (route, status) (rate(http_requests_total{status=~"5.."}[5m]))"#;
    let s = spec(
        prometheus_kind(addr, query),
        3 * SECOND,
        &[r#"fields.{route="/orders",status="500"} < 1"#],
        &[],
    );
    let result = poll(&s).await;
    let obs = result.as_ref().expect("vector answer");
    assert_eq!(obs.value, Some(0.75), "several series: value is their sum");
    assert_eq!(
        obs.fields.get(r#"{route="/orders",status="500"}"#),
        Some(&0.5)
    );
    assert_eq!(
        obs.fields.get(r#"{route="/quote",status="503"}"#),
        Some(&0.25)
    );
    assert_eq!(judge(&s, &result), (Health::Ok, None));

    let s = spec(prometheus_kind(addr, "up"), 3 * SECOND, &[], &[]);
    let obs = poll(&s).await.expect("single series");
    assert_eq!(obs.value, Some(1.0));
    assert_eq!(obs.fields.get("up"), Some(&1.0));

    let s = spec(prometheus_kind(addr, "sum("), 3 * SECOND, &[], &[]);
    match poll(&s).await {
        Err(SourceError::Failed(why)) => {
            assert!(
                why.contains("bad_data") && why.contains("parse error"),
                "{why}"
            )
        }
        other => panic!("expected Prometheus's error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// tcp

#[tokio::test]
async fn tcp_open_and_closed_ports() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let s = spec(
        Kind::Tcp(sources::tcp::Spec {
            address: addr.to_string(),
        }),
        3 * SECOND,
        &["value < 1000"],
        &[],
    );
    let result = poll(&s).await;
    assert!(
        result.as_ref().is_ok_and(|o| o.value.is_some()),
        "{result:?}"
    );
    assert_eq!(judge(&s, &result).0, Health::Ok);
    drop(listener);

    match poll(&s).await {
        Err(SourceError::Connect(why)) => assert!(why.contains(&addr.to_string()), "{why}"),
        other => panic!("expected Connect, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// tls

/// A TLS server for `localhost` whose self-signed certificate expires in `days` days (at
/// midnight UTC); returns its address and the exact days left at the time of the call.
async fn tls_server(days: i64) -> (SocketAddr, f64) {
    use chrono::{Datelike, Utc};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    let expiry = (Utc::now() + chrono::Duration::days(days)).date_naive();
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("cert params");
    params.not_after = rcgen::date_time_ymd(
        expiry.year(),
        u8::try_from(expiry.month()).expect("month fits"),
        u8::try_from(expiry.day()).expect("day fits"),
    );
    let key = rcgen::KeyPair::generate().expect("key pair");
    let cert = params.self_signed(&key).expect("self-signed certificate");
    let expected_days = (expiry
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp() as f64
        - Utc::now().timestamp() as f64)
        / 86_400.0;

    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A rejected client aborts the handshake: that error is the test's point.
                if let Ok(mut tls) = acceptor.accept(socket).await {
                    let mut buf = [0u8; 64];
                    let _ = tls.read(&mut buf).await;
                }
            });
        }
    });
    (addr, expected_days)
}

fn tls_kind(addr: SocketAddr, insecure_skip_verify: bool) -> Kind {
    Kind::Tls(sources::tls::Spec {
        address: addr.to_string(),
        server_name: Some("localhost".into()),
        insecure_skip_verify,
    })
}

#[tokio::test]
async fn tls_self_signed_is_rejected_unless_told_to_skip_verification() {
    let (addr, expected_days) = tls_server(30).await;

    let strict = spec(tls_kind(addr, false), 3 * SECOND, &[], &[]);
    match poll(&strict).await {
        Err(SourceError::Failed(why)) => {
            assert!(
                why.contains("certificate") && why.contains("UnknownIssuer"),
                "{why}"
            )
        }
        other => panic!("a self-signed certificate must be rejected, got {other:?}"),
    }

    let lax = spec(
        tls_kind(addr, true),
        3 * SECOND,
        &["value > 14"],
        &["value > 45"],
    );
    let result = poll(&lax).await;
    let days = result
        .as_ref()
        .expect("accepted with insecure_skip_verify")
        .value
        .expect("days left");
    assert!(
        (days - expected_days).abs() < 0.01,
        "{days} vs {expected_days}"
    );
    assert_eq!(
        judge(&lax, &result).0,
        Health::Warn,
        "30 days left fails `value > 45`"
    );
}

/// The host's roots are read at the first handshake now, not when the client is made: an
/// https source must still refuse a certificate no root vouches for, and say that it was the
/// certificate.
#[tokio::test]
async fn an_https_source_refuses_a_certificate_the_host_does_not_trust() {
    let (addr, _) = tls_server(30).await;
    let url = format!("https://localhost:{}/health", addr.port());

    let strict = spec(http_kind(url.clone(), None, &[]), 3 * SECOND, &[], &[]);
    match poll(&strict).await {
        Err(SourceError::Connect(why) | SourceError::Failed(why)) => assert!(
            why.contains("certificate") && why.to_lowercase().contains("unknownissuer"),
            "{why}"
        ),
        other => panic!("a self-signed certificate must be refused, got {other:?}"),
    }

    let mut lax = sources::http::Spec::get(url);
    lax.insecure_skip_verify = true;
    // Past the handshake this server reads and hangs up: any error now is not the certificate.
    if let Err(e) = poll(&spec(Kind::Http(lax), 3 * SECOND, &[], &[])).await {
        let why = e.to_string().to_lowercase();
        assert!(!why.contains("unknownissuer"), "{why}");
    }
}

// ---------------------------------------------------------------------------------------------
// postgres (the machine's server; failing here means PostgreSQL is down, not skipped)

const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

fn postgres_kind(query: Option<&str>) -> Kind {
    Kind::Postgres(sources::postgres::Spec {
        url: POSTGRES.into(),
        query: query.map(str::to_string),
    })
}

#[tokio::test]
async fn postgres_query_value_reachability_and_bad_query() {
    let s = spec(
        postgres_kind(Some("SELECT 42")),
        5 * SECOND,
        &["value == 42"],
        &[],
    );
    let probe = sources::build(&s).expect("probe builds");
    for round in 0..2 {
        // Twice: the second poll reuses the kept connection.
        let result = probe.poll().await;
        assert_eq!(
            result.as_ref().map(|o| o.value),
            Ok(Some(42.0)),
            "round {round}: is PostgreSQL running on 127.0.0.1:5432?"
        );
    }

    let numeric = spec(
        postgres_kind(Some("SELECT 2.50::numeric")),
        5 * SECOND,
        &[],
        &[],
    );
    assert_eq!(poll(&numeric).await.map(|o| o.value), Ok(Some(2.5)));

    let ping = spec(postgres_kind(None), 5 * SECOND, &[], &[]);
    assert!(poll(&ping).await.is_ok_and(|o| o.value.is_some()));

    let bad = spec(postgres_kind(Some("SELEC 1")), 5 * SECOND, &[], &[]);
    match poll(&bad).await {
        Err(SourceError::Failed(why)) => assert!(why.contains("syntax"), "{why}"),
        other => panic!("expected a failed query, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// redis (the machine's server; failing here means Redis is down, not skipped)

fn redis_kind(command: Option<&str>) -> Kind {
    Kind::Redis(sources::redis::Spec {
        url: "redis://127.0.0.1:6379".into(),
        command: command.map(str::to_string),
    })
}

#[tokio::test]
async fn redis_ping_and_counter() {
    let ping = spec(redis_kind(None), 3 * SECOND, &[], &[]);
    let result = poll(&ping).await;
    assert!(
        result.as_ref().is_ok_and(|o| o.value.is_some()),
        "is Redis running on 127.0.0.1:6379? {result:?}"
    );

    let key = format!(
        "warroom-test:{}:{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_nanos()
    );
    let incr = spec(
        redis_kind(Some(&format!("INCR {key}"))),
        3 * SECOND,
        &[],
        &[],
    );
    let probe = sources::build(&incr).expect("probe builds");
    assert_eq!(probe.poll().await.map(|o| o.value), Ok(Some(1.0)));
    assert_eq!(probe.poll().await.map(|o| o.value), Ok(Some(2.0)));

    let not_a_number = spec(redis_kind(Some("ECHO hello")), 3 * SECOND, &[], &[]);
    assert!(matches!(
        poll(&not_a_number).await,
        Err(SourceError::Invalid(_))
    ));

    let cleanup = spec(
        redis_kind(Some(&format!("DEL {key}"))),
        3 * SECOND,
        &[],
        &[],
    );
    assert_eq!(poll(&cleanup).await.map(|o| o.value), Ok(Some(1.0)));
}

// ---------------------------------------------------------------------------------------------
// command

fn command_kind(command: &str, value: Option<&str>, fields: &[(&str, &str)]) -> Kind {
    Kind::Command(
        sources::command::Spec::new(command)
            .reading(value, fields)
            .expect("test paths compile"),
    )
}

#[tokio::test]
async fn command_number_json_and_exit_code() {
    let s = spec(
        command_kind("echo 3.5", None, &[]),
        3 * SECOND,
        &["value < 4"],
        &[],
    );
    let result = poll(&s).await;
    assert_eq!(result.as_ref().map(|o| o.value), Ok(Some(3.5)));
    assert_eq!(judge(&s, &result), (Health::Ok, None));

    let s = spec(
        command_kind(
            r#"printf '{"queue":{"depth":17},"failed":"2","ok":true}'"#,
            Some("$.queue.depth"),
            &[("failed", "$.failed"), ("ok", "$.ok")],
        ),
        3 * SECOND,
        &[],
        &[],
    );
    let obs = poll(&s).await.expect("JSON stdout");
    assert_eq!(obs.value, Some(17.0));
    assert_eq!(obs.fields.get("failed"), Some(&2.0));
    assert_eq!(obs.fields.get("ok"), Some(&1.0));

    let s = spec(
        command_kind("echo starting >&2; echo 'disk full' >&2; exit 3", None, &[]),
        3 * SECOND,
        &[],
        &[],
    );
    assert_eq!(
        poll(&s).await,
        Err(SourceError::Failed("exit code 3: disk full".into()))
    );

    let s = spec(command_kind("echo UP", None, &[]), 3 * SECOND, &[], &[]);
    assert!(matches!(poll(&s).await, Err(SourceError::Invalid(_))));

    let s = spec(
        command_kind("head -c 2000000 /dev/zero", None, &[]),
        3 * SECOND,
        &[],
        &[],
    );
    assert_eq!(
        poll(&s).await,
        Err(SourceError::TooLarge { limit: 1024 * 1024 })
    );
}

#[tokio::test]
async fn command_times_out_by_itself() {
    let timeout = Duration::from_millis(300);
    let s = spec(command_kind("sleep 10", None, &[]), timeout, &[], &[]);
    let started = Instant::now();
    assert_eq!(poll(&s).await, Err(SourceError::Timeout(timeout)));
    assert!(started.elapsed() < timeout + Duration::from_millis(500));
}

/// Alive means present and not a zombie (a killed child may linger as Z until reaped).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z') && !state.starts_with('X')
        })
        .unwrap_or(false)
}

#[tokio::test]
async fn dropping_a_command_poll_kills_the_shell_and_its_children() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pids = dir.path().join("pids");
    let command = format!(
        "echo $$ > {p}.tmp; sleep 30 & echo $! >> {p}.tmp; mv {p}.tmp {p}; wait",
        p = pids.display()
    );
    // The source's own timeout is long: here it is the caller's timeout that drops the poll.
    let s = spec(command_kind(&command, None, &[]), 30 * SECOND, &[], &[]);
    let probe = sources::build(&s).expect("probe builds");
    let outcome = tokio::time::timeout(Duration::from_millis(500), probe.poll()).await;
    assert!(outcome.is_err(), "the poll should still be running");

    let written = std::fs::read_to_string(&pids).expect("the command wrote its pids");
    let pids: Vec<u32> = written
        .lines()
        .map(|l| l.trim().parse().expect("a pid per line"))
        .collect();
    assert_eq!(pids.len(), 2, "{written}");
    let deadline = Instant::now() + 2 * SECOND;
    while pids.iter().any(|&p| alive(p)) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for pid in pids {
        assert!(!alive(pid), "process {pid} survived the dropped poll");
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile backends and secrets: nothing warroom writes carries a terminal escape or a token

/// Terminal escapes a hostile backend puts in every string: window title (OSC 0), clipboard
/// write (OSC 52), clear screen (CSI 2J), bell, an 8-bit CSI, and a right-to-left override.
const HOSTILE: &str =
    "\u{1b}]0;pwned\u{7}\u{1b}]52;c;aGVsbG8=\u{1b}\\\u{1b}[2J\u{7}\u{9b}31m\u{202e}evil";
const TOKEN: &str = "tok-5ecret-9f8e7d";

/// Answers every request: health endpoints DOWN with hostile words, a tickets list whose every
/// string is hostile, numbers that are hostile text, and an echo of the request (target,
/// headers, body) where a backend would echo a token back in an error.
async fn hostile_backend() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                let head_end = loop {
                    if let Some(i) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&request[..head_end]).to_string();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0);
                while request.len() < head_end + length {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let h = HOSTILE;
                let (status, body) =
                    if target.starts_with("/echo") {
                        let echo = String::from_utf8_lossy(&request).to_string();
                        (200, serde_json::json!({ "status": echo }).to_string())
                    } else if target.starts_with("/health") {
                        (
                            503,
                            serde_json::json!({ "status": format!("DOWN{h}"), "error": h })
                                .to_string(),
                        )
                    } else if target.starts_with("/api/tickets/summary") {
                        (
                            200,
                            serde_json::json!({ "breaching_2h": format!("{h}1") }).to_string(),
                        )
                    } else if target.starts_with("/api/tickets") {
                        (200, serde_json::json!([{
                        "id": format!("LG-{h}"), "priority": h, "title": format!("{h} no gas"),
                        "opened_at": "2026-12-01T06:30:00+08:00", "resolved_at": null
                    }]).to_string())
                    } else {
                        (
                            200,
                            serde_json::json!({
                                "error_rate": format!("{h}0.5"), "p95_ms": h, "avg_ms": 120,
                                "total": 10, "delivered": format!("9{h}"), "failed": 0, "avg": h
                            })
                            .to_string(),
                        )
                    };
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

/// The bundled layout on a fixed day, plus sources whose URL, header and body carry
/// `${TOKEN}` (one echoed back by the backend, one refused), and a command whose stderr is
/// hostile.
fn hostile_layout(base: &str) -> String {
    let seed = std::fs::read_to_string("layouts/luckygas-pilot.toml").expect("seed layout");
    let seed = seed.replacen("# date = \"2026-12-01\"", "date = \"2026-12-01\" #", 1);
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address");
    format!(
        r#"{seed}
[[source]]
id = "echo"
kind = "http"
title = "Echo"
title_zh = "回聲"
method = "POST"
url = "{base}/echo?token=${{TOKEN}}"
headers = {{ Authorization = "Bearer ${{TOKEN}}" }}
body = '{{"token": "${{TOKEN}}"}}'
critical = ["[BODY].status == UP"]
raise_after = 1

[[source]]
id = "refused"
kind = "http"
title = "Refused"
title_zh = "拒絕"
url = "http://{closed}/x?token=${{TOKEN}}"
raise_after = 1

[[source]]
id = "script"
kind = "command"
title = "Script"
title_zh = "腳本"
command = '''printf 'fine\n\033]0;pwned\007\033]52;c;aGk=\007\033[2J\342\200\256boom ${{TOKEN}}' >&2; exit 3'''
raise_after = 1
"#
    )
}

/// What no output may contain: escapes and their pieces, the override, the token.
fn assert_clean(what: &str, output: &[u8]) {
    let text = String::from_utf8_lossy(output);
    for (name, bad) in [
        ("ESC", "\u{1b}"),
        ("BEL", "\u{7}"),
        ("8-bit CSI", "\u{9b}"),
        ("U+202E", "\u{202e}"),
        ("escaped ESC", "\\u001b"),
        ("escaped BEL", "\\u0007"),
        ("escaped U+202E", "\\u202e"),
        ("the token", TOKEN),
    ] {
        if let Some(at) = text.find(bad) {
            let from = text.floor_char_boundary(at.saturating_sub(300));
            let to = text.ceil_char_boundary((at + 100).min(text.len()));
            panic!("{what} carries {name}: …{}…", &text[from..to]);
        }
    }
}

/// A backend answering ESC/OSC/CSI/BEL/U+202E in every string, a command printing them on
/// stderr, and `${TOKEN}` in a URL, a header and a body (echoed back, and in a connection
/// error): the screen, every stored event, `warroom report` in every format and `warroom
/// status` carry none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_and_secrets_never_reach_any_output() {
    use warroom::app::{App, Clock, Ledger};
    use warroom::layout::{self, Env};
    use warroom::store::Author;
    use warroom::update::{Msg, update};

    let base = hostile_backend().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let layout_path = dir.path().join("hostile.toml");
    std::fs::write(&layout_path, hostile_layout(&base)).expect("write layout");
    let env = Env::empty()
        .with("LUCKYGAS_API", &base)
        .with("TOKEN", TOKEN);
    let layout = layout::load(&layout_path, &env).expect("hostile layout is valid");
    let zone = layout.launch.zone;
    let now = warroom::app::clock::at_zone(
        zone,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(9, 31, 0))
            .expect("time"),
    );
    let db = dir.path().join("hostile.db");
    let probes: Vec<_> = layout
        .sources
        .iter()
        .map(|s| sources::build(&s.spec).expect("probe builds"))
        .collect();
    let author = Author {
        operator: "ann".into(),
        origin: "test".into(),
    };
    let app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::default(),
    ));
    // Through the real runtime, the alerts committed by the real store task.
    let mut rig = Rig::sqlite(app, 200, 60, &db).await;
    for round in 0..3 {
        for (index, probe) in probes.iter().enumerate() {
            rig.poll(warroom::poller::PollResult {
                source: index,
                at: now - chrono::Duration::seconds(3 - round),
                result: probe.poll().await,
            })
            .await;
        }
    }
    rig.settle().await;
    let mut app = rig.finish().await;
    let raised = app.ledger.alerts().len();
    assert!(raised >= 10, "the hostile answers raise alerts ({raised})");
    let echo = app
        .ledger
        .alerts()
        .iter()
        .find(|a| a.source == "echo")
        .map(|a| a.failure.text.clone())
        .expect("the echo source alerted");
    assert!(
        echo.contains("${TOKEN}") && echo.contains("Bearer"),
        "the echoed request is kept, its token named, not shown: {echo}"
    );
    let script = app
        .ledger
        .alerts()
        .iter()
        .find(|a| a.source == "script")
        .map(|a| a.failure.text.clone());
    assert!(
        script
            .as_deref()
            .is_some_and(|d| d.contains("pwned") || d.contains("boom")),
        "stderr's words stay: {script:?}"
    );

    // The screen, every view and every panel.
    for (w, h) in [(200, 60), (80, 24)] {
        for view in ['1', '7', '8'] {
            update(
                &mut app,
                Msg::Key(ratatui::crossterm::event::KeyEvent::new(
                    ratatui::crossterm::event::KeyCode::Char(view),
                    ratatui::crossterm::event::KeyModifiers::NONE,
                )),
            );
            let mut terminal =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
            terminal
                .draw(|f| warroom::ui::draw(f, &app, &warroom::ui::Theme::default()))
                .expect("draw");
            let screen: String = terminal
                .backend()
                .buffer()
                .content()
                .iter()
                .map(|c| c.symbol())
                .collect();
            assert_clean(
                &format!("the screen (view {view}, {w}x{h})"),
                screen.as_bytes(),
            );
        }
    }

    // What is written: the report in every format, and status.
    let warroom = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("--layout")
            .arg(&layout_path)
            .arg("--db")
            .arg(&db)
            .args(["--now", "2026-12-01T20:00"])
            .args(args)
            .env("LUCKYGAS_API", &base)
            .env("TOKEN", TOKEN)
            .env_remove("WARROOM_DATABASE_URL")
            .output()
            .expect("warroom runs")
    };
    for args in [
        &["report"][..],
        &["report", "--format", "html"],
        &["report", "--format", "json"],
        &["report", "--lang", "zh-TW"],
        &["status"],
        &["status", "--json"],
    ] {
        let out = warroom(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{args:?} wrote nothing");
        assert_clean(&format!("warroom {}", args.join(" ")), &out.stdout);
        if args == ["report"] {
            let md = String::from_utf8_lossy(&out.stdout);
            assert!(
                md.contains("${TOKEN}") && md.contains("evil"),
                "the report shows the hostile details, made safe:\n{md}"
            );
        }
        assert_clean(&format!("warroom {} (stderr)", args.join(" ")), &out.stderr);
    }
}

// ---------------------------------------------------------------------------------------------
// [CONNECTED] and the ssh kind (the kind added to show that a kind is one file and one line)

#[tokio::test]
async fn connected_judges_the_connection_itself() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address");
    let tcp = |address: String| Kind::Tcp(sources::tcp::Spec { address });
    let must_be_up = spec(
        tcp(closed.to_string()),
        2 * SECOND,
        &["[CONNECTED] == true"],
        &[],
    );
    let result = poll(&must_be_up).await;
    assert_eq!(result.as_ref().map(|o| o.connected), Ok(Some(false)));
    assert_eq!(
        judge(&must_be_up, &result),
        (
            Health::Critical,
            Some("[CONNECTED] == true: got false".into())
        )
    );
    // A port that must stay closed (an old server switched off for the launch).
    let must_be_down = spec(
        tcp(closed.to_string()),
        2 * SECOND,
        &["[CONNECTED] == false"],
        &[],
    );
    assert_eq!(
        judge(&must_be_down, &poll(&must_be_down).await),
        (Health::Ok, None)
    );
    // Without a [CONNECTED] condition a refused connection stays an error with its reason.
    let plain = spec(tcp(closed.to_string()), 2 * SECOND, &[], &[]);
    assert!(matches!(poll(&plain).await, Err(SourceError::Connect(_))));
    let redis = spec(
        Kind::Redis(sources::redis::Spec {
            url: format!("redis://{closed}"),
            command: None,
        }),
        2 * SECOND,
        &["[CONNECTED] == true"],
        &[],
    );
    assert_eq!(
        judge(&redis, &poll(&redis).await),
        (
            Health::Critical,
            Some("[CONNECTED] == true: got false".into())
        )
    );
}

/// A server that sends `lines`, then keeps the connection open (`hold`) or closes it.
async fn banner_server(lines: &'static str, hold: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = socket.write_all(lines.as_bytes()).await;
                if hold {
                    tokio::time::sleep(Duration::from_secs(10)).await;
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn ssh_reads_the_banner_and_nothing_else() {
    let addr = banner_server("hello\r\nSSH-2.0-OpenSSH_9.6 Ubuntu\r\n", true).await;
    let ssh = |addr: SocketAddr, critical: &[&str]| {
        spec(
            Kind::Ssh(sources::ssh::Spec {
                address: addr.to_string(),
            }),
            2 * SECOND,
            critical,
            &[],
        )
    };
    let s = ssh(
        addr,
        &[
            "[CONNECTED] == true",
            "[BODY] == \"SSH-2.0-OpenSSH_9.6 Ubuntu\"",
        ],
    );
    let result = poll(&s).await;
    assert!(
        result.as_ref().is_ok_and(|o| o.value.is_some()),
        "{result:?}"
    );
    assert_eq!(judge(&s, &result), (Health::Ok, None));
    let http = banner_server("HTTP/1.1 400 Bad Request\r\n\r\n", false).await;
    match poll(&ssh(http, &[])).await {
        Err(SourceError::Shape(why)) => assert!(why.contains("SSH banner"), "{why}"),
        other => panic!("a server that is not SSH is an error: {other:?}"),
    }
}
