//! The `prometheus` kind: one instant query against `/api/v1/query`.
//!
//! A scalar is the `value`. A vector gives one field per series, keyed by its labels as
//! PromQL writes them (`{route="/orders",status="500"}`, or the metric name when the series
//! has no other label), and `value` is the single sample when there is exactly one series,
//! the sum of the samples when there are several (aggregate in PromQL, e.g. `max(...)`, when
//! a sum is not what the panel means), and absent for an empty vector ("no data" is not 0).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use reqwest::header::HeaderMap;
use reqwest::{Client, Url};
use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::extract::{self, parse_number};
use super::http;
use super::spec::{Check, Reads, SourceKind};
use super::{Observation, Probe, SourceError, SourceSpec, with_timeout};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    url: Spanned<String>,
    query: Spanned<String>,
    headers: Option<Spanned<BTreeMap<String, String>>>,
    max_bytes: Option<Spanned<u64>>,
    insecure_skip_verify: Option<Spanned<bool>>,
}

#[derive(Debug, Clone)]
pub struct Spec {
    /// Base URL of the Prometheus server (the probe calls `/api/v1/query`).
    pub url: String,
    pub query: String,
    pub headers: BTreeMap<String, String>,
    pub max_bytes: u64,
    pub insecure_skip_verify: bool,
}

impl Spec {
    pub fn new(url: impl Into<String>, query: impl Into<String>) -> Spec {
        Spec {
            url: url.into(),
            query: query.into(),
            headers: BTreeMap::new(),
            max_bytes: super::spec::DEFAULT_MAX_BYTES,
            insecure_skip_verify: false,
        }
    }
}

impl SourceKind for Spec {
    type File = File;

    fn check(f: File, check: &mut Check<'_>) -> Spec {
        let url = check.env(&f.url, "url");
        http::check_url(check, &f.url, &url);
        let query = check.env(&f.query, "query");
        if query.trim().is_empty() {
            check.problem(f.query.span(), "query", "the PromQL query is empty");
        }
        Spec {
            url,
            query,
            headers: f
                .headers
                .as_ref()
                .map(|h| check.env_map(h, "headers"))
                .unwrap_or_default(),
            max_bytes: http::max_bytes(check, f.max_bytes.as_ref()),
            insecure_skip_verify: f.insecure_skip_verify.is_some_and(|v| *v.get_ref()),
        }
    }

    fn reads(&self) -> Reads {
        Reads {
            status: true,
            body: true,
            value: true,
            // A vector's series arrive as fields keyed by their labels.
            fields: false,
            ..Reads::default()
        }
    }

    fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
        Ok(Box::new(PrometheusProbe::new(self, spec.timeout)?))
    }
}

pub struct PrometheusProbe {
    client: Client,
    url: Url,
    headers: HeaderMap,
    max_bytes: u64,
    timeout: Duration,
}

impl PrometheusProbe {
    pub fn new(spec: &Spec, timeout: Duration) -> Result<PrometheusProbe, SourceError> {
        let Spec {
            url,
            query,
            headers,
            max_bytes,
            insecure_skip_verify,
        } = spec;
        let endpoint = format!("{}/api/v1/query", url.trim_end_matches('/'));
        // parse_with_params percent-encodes the PromQL (`{`, `"`, `=`, spaces...).
        let url = Url::parse_with_params(&endpoint, [("query", query.as_str())])
            .map_err(|e| SourceError::Invalid(format!("invalid Prometheus URL `{url}`: {e}")))?;
        http::warm_roots_for(&url, *insecure_skip_verify);
        Ok(PrometheusProbe {
            // Prometheus does not redirect; following a few is harmless behind a proxy.
            client: http::client(timeout, 3, *insecure_skip_verify)?,
            url,
            headers: http::header_map(headers)?,
            max_bytes: *max_bytes,
            timeout,
        })
    }

    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        let response = self
            .client
            .get(self.url.clone())
            .timeout(self.timeout)
            .headers(self.headers.clone())
            .send()
            .await
            .map_err(|e| http::request_error(&e, self.timeout))?;
        let status = response.status();
        let bytes = http::read_capped(response, self.max_bytes, self.timeout).await?;
        let elapsed = started.elapsed();
        // Prometheus answers query errors with 400/422/503 *and* a JSON error body: prefer its
        // message; only a non-JSON non-2xx answer (a proxy's error page) is a bare status.
        let (kind, body) = extract::classify(&bytes);
        let body = match body {
            Some(body) => body,
            None if !status.is_success() => {
                return Err(SourceError::Status {
                    status: status.as_u16(),
                });
            }
            None => {
                return Err(SourceError::Shape(format!(
                    "expected a Prometheus answer (JSON), got {}",
                    http::describe_bytes(kind, &bytes)
                )));
            }
        };
        let (value, fields) = read_result(&body)?;
        Ok(Observation {
            status: Some(status.as_u16()),
            value,
            fields,
            body: Some(body),
            body_kind: super::BodyKind::Json,
            elapsed,
            ..Observation::default()
        })
    }
}

impl Probe for PrometheusProbe {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(with_timeout(self.timeout, self.poll_once()))
    }
}

type Numbers = (Option<f64>, BTreeMap<String, f64>);

/// Reads `{"status":"success","data":{"resultType":...,"result":...}}`.
fn read_result(body: &Value) -> Result<Numbers, SourceError> {
    let shape = |what: &str| SourceError::Shape(format!("not a Prometheus answer: {what}"));
    match body.get("status").and_then(Value::as_str) {
        Some("success") => {}
        Some("error") => {
            let kind = body
                .get("errorType")
                .and_then(Value::as_str)
                .unwrap_or("error");
            let message = body
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("no message");
            return Err(SourceError::Failed(format!("Prometheus {kind}: {message}")));
        }
        _ => return Err(shape("no \"status\" of success or error")),
    }
    let data = body.get("data").ok_or_else(|| shape("no \"data\""))?;
    let result = data
        .get("result")
        .ok_or_else(|| shape("no \"data.result\""))?;
    match data.get("resultType").and_then(Value::as_str) {
        Some("scalar") => Ok((sample(result)?, BTreeMap::new())),
        Some("vector") => {
            let series = result
                .as_array()
                .ok_or_else(|| shape("vector result is not a list"))?;
            let mut fields = BTreeMap::new();
            let mut sum: Option<f64> = None;
            for s in series {
                let v = sample(
                    s.get("value")
                        .ok_or_else(|| shape("series without \"value\""))?,
                )?;
                if let Some(v) = v {
                    fields.insert(series_key(s.get("metric")), v);
                    sum = Some(sum.unwrap_or(0.0) + v);
                }
            }
            Ok((sum, fields))
        }
        Some(other) => Err(SourceError::Invalid(format!(
            "Prometheus returned a {other}; expected a scalar or an instant vector \
             (range vectors need an aggregation such as rate())"
        ))),
        None => Err(shape("no \"data.resultType\"")),
    }
}

/// `[<unix time>, "<number>"]`; Prometheus sends numbers as strings. `NaN` (a quantile of no
/// traffic) is no data; `+Inf` passes through, to be refused as out of range where it enters.
fn sample(pair: &Value) -> Result<Option<f64>, SourceError> {
    let text = pair.get(1).and_then(Value::as_str).ok_or_else(|| {
        SourceError::Shape(format!("unexpected sample {}", extract::json_text(pair)))
    })?;
    if text.trim().eq_ignore_ascii_case("nan") {
        return Ok(None);
    }
    parse_number(text)
        .or_else(|| text.trim().parse::<f64>().ok().filter(|n| n.is_infinite()))
        .map(Some)
        .ok_or_else(|| SourceError::Shape(format!("Prometheus sample is {text}, not a number")))
}

/// `{route="/orders",status="500"}` (sorted by label, as Prometheus prints them); the metric
/// name alone when there are no other labels; `{}` for an anonymous series.
fn series_key(metric: Option<&Value>) -> String {
    let Some(labels) = metric.and_then(Value::as_object) else {
        return "{}".to_string();
    };
    let mut sorted: Vec<(&String, &str)> = labels
        .iter()
        .filter(|(k, _)| k.as_str() != "__name__")
        .map(|(k, v)| (k, v.as_str().unwrap_or_default()))
        .collect();
    sorted.sort();
    if sorted.is_empty()
        && let Some(name) = labels.get("__name__").and_then(Value::as_str)
    {
        return name.to_string();
    }
    let mut key = String::from("{");
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            key.push(',');
        }
        let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
        let _ = write!(key, "{k}=\"{escaped}\"");
    }
    key.push('}');
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn vector_keys_and_sum() {
        let body = json!({"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"__name__":"x","status":"500","route":"/orders"},"value":[1.0,"2"]},
            {"metric":{"__name__":"up"},"value":[1.0,"1.5"]}
        ]}});
        let (value, fields) = read_result(&body).expect("valid vector");
        assert_eq!(value, Some(3.5));
        assert_eq!(fields.get("{route=\"/orders\",status=\"500\"}"), Some(&2.0));
        assert_eq!(fields.get("up"), Some(&1.5));
    }

    #[test]
    fn empty_vector_has_no_value() {
        let body = json!({"status":"success","data":{"resultType":"vector","result":[]}});
        assert_eq!(read_result(&body).expect("valid"), (None, BTreeMap::new()));
    }
}
