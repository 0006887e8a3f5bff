//! The `http` kind: one request, its status, and numbers read from a JSON body.
//!
//! Non-2xx answers: when the source reads no `value`/`fields`, a non-2xx answer is still an
//! [`Observation`] with `status` set (and the body, if any), so `[STATUS] == 200` and
//! `[BODY].error == ...` conditions can judge it; `evaluate` treats it as critical when no
//! condition looks at `[STATUS]`. When `value`/`fields` are configured the body is needed and a
//! non-2xx answer is [`SourceError::Status`]: an error page has no numbers to read.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Method, Response};
use serde_json::Value;

use super::extract::{self, Paths};
use super::{Kind, Observation, Probe, SourceError, SourceSpec, tls};

pub struct HttpProbe {
    client: Client,
    method: Method,
    url: reqwest::Url,
    headers: HeaderMap,
    body: Option<String>,
    paths: Paths,
    max_bytes: u64,
    timeout: Duration,
}

impl HttpProbe {
    pub fn new(spec: &SourceSpec) -> Result<HttpProbe, SourceError> {
        let Kind::Http {
            method,
            url,
            headers,
            body,
            value,
            fields,
            max_bytes,
            max_redirects,
            insecure_skip_verify,
        } = &spec.kind
        else {
            return Err(wrong_kind(spec));
        };
        let method = Method::from_bytes(method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|e| SourceError::Invalid(format!("invalid HTTP method `{method}`: {e}")))?;
        Ok(HttpProbe {
            client: client(spec.timeout, *max_redirects, *insecure_skip_verify)?,
            method,
            url: parse_url(url)?,
            headers: header_map(headers)?,
            body: body.clone(),
            paths: Paths::compile(value.as_ref(), fields)?,
            max_bytes: *max_bytes,
            timeout: spec.timeout,
        })
    }

    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        let mut request = self
            .client
            .request(self.method.clone(), self.url.clone())
            .timeout(self.timeout)
            .headers(self.headers.clone());
        if let Some(body) = &self.body {
            request = request.body(body.clone());
        }
        let response = request
            .send()
            .await
            .map_err(|e| request_error(&e, self.timeout))?;
        let status = response.status();
        let looks_json = is_json_content_type(&response);
        let bytes = read_capped(response, self.max_bytes, self.timeout).await?;
        let elapsed = started.elapsed();

        let mut obs = Observation {
            status: Some(status.as_u16()),
            elapsed,
            ..Observation::default()
        };
        if !self.paths.is_empty() {
            if !status.is_success() {
                return Err(SourceError::Status {
                    status: status.as_u16(),
                });
            }
            let json = extract::parse_json(&bytes)?;
            let (value, fields) = self.paths.read(&json)?;
            obs.value = value;
            obs.fields = fields;
            obs.body = Some(json);
        } else {
            obs.body = loose_body(&bytes, looks_json);
        }
        Ok(obs)
    }
}

impl Probe for HttpProbe {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(with_timeout(self.timeout, self.poll_once()))
    }
}

/// The body for `[BODY]` conditions when no number is read from it: JSON when it parses,
/// otherwise the text itself (so `[BODY] == pong` works), nothing when empty.
fn loose_body(bytes: &[u8], looks_json: bool) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if (looks_json || matches!(first, Some(b'{' | b'[')))
        && let Ok(json) = serde_json::from_slice(bytes)
    {
        return Some(json);
    }
    Some(Value::String(
        String::from_utf8_lossy(bytes).trim().to_string(),
    ))
}

fn is_json_content_type(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"))
}

/// Runs a poll under the source's own timeout: reqwest's timeout covers the request, this one
/// also covers anything else the probe awaits, and both give the same error.
pub(crate) async fn with_timeout<T>(
    timeout: Duration,
    fut: impl Future<Output = Result<T, SourceError>>,
) -> Result<T, SourceError> {
    tokio::time::timeout(timeout, fut)
        .await
        .unwrap_or(Err(SourceError::Timeout(timeout)))
}

/// The HTTP client for sources with these settings. Clients are shared: a thousand sources
/// against one backend reuse one connection pool and one TLS setup (reading the platform's
/// root store once) instead of a thousand. Timeouts are per request, since sources differ.
pub(crate) fn client(
    _timeout: Duration,
    max_redirects: usize,
    insecure_skip_verify: bool,
) -> Result<Client, SourceError> {
    static CLIENTS: std::sync::Mutex<Vec<((usize, bool), Client)>> =
        std::sync::Mutex::new(Vec::new());
    let key = (max_redirects, insecure_skip_verify);
    if let Ok(clients) = CLIENTS.lock()
        && let Some((_, client)) = clients.iter().find(|(k, _)| *k == key)
    {
        return Ok(client.clone());
    }
    let tls = tls::client_config(insecure_skip_verify)?;
    let client = Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::limited(max_redirects))
        .user_agent(concat!("warroom/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            SourceError::Invalid(format!("cannot set up the HTTP client: {}", chain(&e)))
        })?;
    if let Ok(mut clients) = CLIENTS.lock() {
        clients.push((key, client.clone()));
    }
    Ok(client)
}

pub(crate) fn parse_url(url: &str) -> Result<reqwest::Url, SourceError> {
    reqwest::Url::parse(url).map_err(|e| SourceError::Invalid(format!("invalid URL `{url}`: {e}")))
}

pub(crate) fn header_map(headers: &BTreeMap<String, String>) -> Result<HeaderMap, SourceError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| SourceError::Invalid(format!("invalid header name `{name}`: {e}")))?;
        // The value may be a secret from `${TOKEN}`: name the header, never echo the value.
        let mut value = HeaderValue::from_str(value)
            .map_err(|e| SourceError::Invalid(format!("invalid value for header `{name}`: {e}")))?;
        value.set_sensitive(true);
        map.insert(header, value);
    }
    Ok(map)
}

/// Reads the body chunk by chunk and gives up as soon as it passes `limit`, so a runaway
/// endpoint costs at most `limit` bytes of memory.
pub(crate) async fn read_capped(
    mut response: Response,
    limit: u64,
    timeout: Duration,
) -> Result<Vec<u8>, SourceError> {
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(SourceError::TooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| request_error(&e, timeout))?
    {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(SourceError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn request_error(e: &reqwest::Error, timeout: Duration) -> SourceError {
    if e.is_timeout() {
        SourceError::Timeout(timeout)
    } else if e.is_connect() {
        SourceError::Connect(chain(e))
    } else if e.is_redirect() {
        SourceError::Failed(format!("redirects: {}", chain(e)))
    } else {
        SourceError::Failed(chain(e))
    }
}

/// The error and its causes on one line: reqwest's own message ("error sending request") hides
/// the useful part ("Connection refused") in its sources.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

pub(crate) fn wrong_kind(spec: &SourceSpec) -> SourceError {
    SourceError::Invalid(format!(
        "source `{}` is of kind {}, built with the wrong probe",
        spec.id,
        spec.kind.name()
    ))
}
