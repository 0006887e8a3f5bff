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
use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::extract::{self, Paths};
use super::spec::{self as common, Check, Reads, SourceKind};
use super::{BodyKind, Observation, Probe, SourceError, SourceSpec, chain, tls, with_timeout};

/// The most a source may read of one answer, whatever the layout says.
pub const MAX_BYTES_LIMIT: u64 = 64 * 1024 * 1024;
pub const MAX_REDIRECTS_LIMIT: u32 = 20;

/// The http keys of a `[[source]]`, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    url: Spanned<String>,
    method: Option<Spanned<String>>,
    headers: Option<Spanned<BTreeMap<String, String>>>,
    body: Option<Spanned<String>>,
    value: Option<Spanned<String>>,
    fields: Option<Spanned<BTreeMap<String, String>>>,
    max_bytes: Option<Spanned<u64>>,
    max_redirects: Option<Spanned<u32>>,
    insecure_skip_verify: Option<Spanned<bool>>,
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub method: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    /// The JSONPaths (RFC 9535) of the main value (`$.error_rate`) and of named fields
    /// (`completed = "$.completed"`), compiled when the layout is loaded.
    pub paths: Paths,
    pub max_bytes: u64,
    pub max_redirects: usize,
    /// Only when the layout says `insecure_skip_verify = true` in so many words.
    pub insecure_skip_verify: bool,
}

impl Spec {
    /// A GET of `url` reading nothing from the body, every limit at its default.
    pub fn get(url: impl Into<String>) -> Spec {
        Spec {
            method: "GET".into(),
            url: url.into(),
            headers: BTreeMap::new(),
            body: None,
            paths: Paths::default(),
            max_bytes: common::DEFAULT_MAX_BYTES,
            max_redirects: common::DEFAULT_MAX_REDIRECTS,
            insecure_skip_verify: false,
        }
    }

    /// Reads `value` and `fields` (name, JSONPath) from the JSON body.
    pub fn reading(
        mut self,
        value: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Result<Spec, SourceError> {
        let fields: BTreeMap<String, String> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.paths = Paths::compile(value.map(str::to_string).as_ref(), &fields)?;
        Ok(self)
    }
}

impl SourceKind for Spec {
    type File = File;

    fn check(f: File, check: &mut Check<'_>) -> Spec {
        let method = match &f.method {
            Some(m) => {
                let upper = m.get_ref().trim().to_ascii_uppercase();
                if Method::from_bytes(upper.as_bytes()).is_err() || upper.is_empty() {
                    check.problem(
                        m.span(),
                        "method",
                        format!(
                            "{:?} is not an HTTP method such as GET or POST",
                            m.get_ref()
                        ),
                    );
                }
                upper
            }
            None => "GET".to_string(),
        };
        let url = check.env(&f.url, "url");
        check_url(check, &f.url, &url);
        let headers = f
            .headers
            .as_ref()
            .map(|h| check.env_map(h, "headers"))
            .unwrap_or_default();
        for (name, value) in &headers {
            if HeaderName::from_bytes(name.as_bytes()).is_err()
                || HeaderValue::from_str(value).is_err()
            {
                let span = f.headers.as_ref().map_or(check.at.clone(), Spanned::span);
                // Never the value: it may be a secret from ${TOKEN}.
                check.problem(span, &format!("headers.{name}"), "not a valid HTTP header");
            }
        }
        let body = f.body.as_ref().map(|b| check.env(b, "body"));
        let paths = compile_paths(check, f.value.as_ref(), f.fields.as_ref());
        Spec {
            method,
            url,
            headers,
            body,
            paths,
            max_bytes: max_bytes(check, f.max_bytes.as_ref()),
            max_redirects: f
                .max_redirects
                .as_ref()
                .and_then(|v| check.within(v, "max_redirects", 0..=MAX_REDIRECTS_LIMIT))
                .map_or(common::DEFAULT_MAX_REDIRECTS, |v| v as usize),
            insecure_skip_verify: f.insecure_skip_verify.is_some_and(|v| *v.get_ref()),
        }
    }

    fn reads(&self) -> Reads {
        Reads {
            status: true,
            body: true,
            value: self.paths.value.is_some(),
            fields: true,
            ..Reads::default()
        }
    }

    fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
        Ok(Box::new(HttpProbe::new(self, spec.timeout)?))
    }
}

/// A URL the layout gives, checked once its `${NAME}`s are known (unset ones are reported
/// apart). The message quotes the URL as written: substituted values may be secrets.
pub(crate) fn check_url(check: &mut Check<'_>, written: &Spanned<String>, url: &str) {
    if written.get_ref().contains("${") && url.contains("${") {
        return;
    }
    if check
        .unset
        .iter()
        .any(|(_, span, _)| *span == written.span())
    {
        return;
    }
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        Ok(u) => check.problem(
            written.span(),
            "url",
            format!(
                "{:?}: expected an http:// or https:// URL, not {}:",
                written.get_ref(),
                u.scheme()
            ),
        ),
        Err(e) => check.problem(
            written.span(),
            "url",
            format!("{:?} is not a valid URL: {e}", written.get_ref()),
        ),
    }
}

pub(crate) fn max_bytes(check: &mut Check<'_>, value: Option<&Spanned<u64>>) -> u64 {
    value
        .and_then(|v| check.within(v, "max_bytes", 1..=MAX_BYTES_LIMIT))
        .unwrap_or(common::DEFAULT_MAX_BYTES)
}

/// `value` and `fields` compiled; a path that does not compile is a problem at its span.
pub(crate) fn compile_paths(
    check: &mut Check<'_>,
    value: Option<&Spanned<String>>,
    fields: Option<&Spanned<BTreeMap<String, String>>>,
) -> Paths {
    let mut paths = Paths::default();
    if let Some(v) = value {
        match serde_json_path::JsonPath::parse(v.get_ref()) {
            Ok(p) => paths.value = Some((v.get_ref().clone(), p)),
            Err(e) => check.problem(
                v.span(),
                "value",
                format!("{:?} is not a JSONPath: {e}", v.get_ref()),
            ),
        }
    }
    if let Some(f) = fields {
        for (name, text) in f.get_ref() {
            match serde_json_path::JsonPath::parse(text) {
                Ok(p) => paths.fields.push((name.clone(), text.clone(), p)),
                Err(e) => check.problem(
                    f.span(),
                    &format!("fields.{name}"),
                    format!("{text:?} is not a JSONPath: {e}"),
                ),
            }
        }
    }
    paths
}

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
    pub fn new(spec: &Spec, timeout: Duration) -> Result<HttpProbe, SourceError> {
        let method = Method::from_bytes(spec.method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|e| {
                SourceError::Invalid(format!("invalid HTTP method `{}`: {e}", spec.method))
            })?;
        let url = parse_url(&spec.url)?;
        warm_roots_for(&url, spec.insecure_skip_verify);
        Ok(HttpProbe {
            client: client(timeout, spec.max_redirects, spec.insecure_skip_verify)?,
            method,
            url,
            headers: header_map(&spec.headers)?,
            body: spec.body.clone(),
            paths: spec.paths.clone(),
            max_bytes: spec.max_bytes,
            timeout,
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
            let (kind, json) = extract::classify(&bytes);
            let Some(json) = json else {
                return Err(SourceError::Shape(format!(
                    "expected JSON with a number at {}, got {}",
                    self.paths.first(),
                    describe_bytes(kind, &bytes)
                )));
            };
            self.paths.read(&json)?.into_observation(&mut obs);
            obs.body = Some(json);
            obs.body_kind = BodyKind::Json;
        } else {
            (obs.body_kind, obs.body) = loose_body(&bytes, looks_json);
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
/// otherwise the text itself (so `[BODY] == pong` works), nothing when empty; and what it was.
fn loose_body(bytes: &[u8], looks_json: bool) -> (BodyKind, Option<Value>) {
    let (kind, json) = extract::classify(bytes);
    match (kind, json) {
        (_, Some(json)) => (BodyKind::Json, Some(json)),
        (BodyKind::Empty, None) => (BodyKind::Empty, None),
        // Declared JSON that does not parse is garbage, whatever it looks like.
        (BodyKind::Html | BodyKind::Text, None) if looks_json => (
            BodyKind::Text,
            Some(Value::String(
                String::from_utf8_lossy(bytes).trim().to_string(),
            )),
        ),
        (kind, None) => (
            kind,
            Some(Value::String(
                String::from_utf8_lossy(bytes).trim().to_string(),
            )),
        ),
    }
}

/// "an HTML page", "text that is not JSON (`{"tick`)": what came, for an error.
pub(crate) fn describe_bytes(kind: BodyKind, bytes: &[u8]) -> String {
    match kind {
        BodyKind::Text => format!("text that is not JSON (`{}`)", extract::snippet(bytes)),
        kind => kind.describe().to_string(),
    }
}

fn is_json_content_type(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"))
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

/// An https source verifies certificates against the host's roots: they are read now, off
/// the runtime's thread, rather than during its first handshake.
pub(crate) fn warm_roots_for(url: &reqwest::Url, insecure_skip_verify: bool) {
    if url.scheme() == "https" && !insecure_skip_verify {
        tls::warm_roots();
    }
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
        // Where, without the path or query (which may carry a token): host and port.
        let target = e.url().map_or_else(String::new, |u| {
            match (u.host_str(), u.port_or_known_default()) {
                (Some(host), Some(port)) => format!("{host}:{port}"),
                (Some(host), None) => host.to_string(),
                _ => String::new(),
            }
        });
        SourceError::Connect(super::connect_cause(e, &target))
    } else if e.is_redirect() {
        SourceError::Failed(format!("redirects: {}", chain(e)))
    } else {
        SourceError::Failed(chain(e))
    }
}
