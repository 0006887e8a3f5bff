//! Validation of the live part of a layout: `[[source]]`s, `[[panel]]`s and the evidence that
//! items name. Each problem points at the value at fault, like the rest of the layout.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Duration;

use toml::Spanned;

use super::file::{DurationValue, PanelFile, SourceFile};
use super::model::{Evidence, LiveSource, Panel, PanelKind, Text, ValueRef};
use super::validate::Validator;
use crate::sources::condition::Condition;
use crate::sources::spec::{self, Kind, SourceSpec};

/// Fields each kind takes besides the common ones (id, kind, title, interval, timeout, warn,
/// critical, raise_after, clear_after, notify).
fn allowed(kind: &str) -> &'static [&'static str] {
    match kind {
        "http" => &[
            "url",
            "method",
            "headers",
            "body",
            "value",
            "fields",
            "max_bytes",
            "max_redirects",
            "insecure_skip_verify",
        ],
        "prometheus" => &[
            "url",
            "query",
            "headers",
            "max_bytes",
            "insecure_skip_verify",
        ],
        "tcp" => &["address"],
        "tls" => &["address", "server_name", "insecure_skip_verify"],
        "postgres" => &["url", "query"],
        "redis" => &["url", "command"],
        "command" => &["command", "value", "fields"],
        _ => &[],
    }
}

const KINDS: &str = "http, prometheus, tcp, tls, postgres, redis, command";
const PANEL_KINDS: &str = "health, error_rate, latency, deliveries, tickets, criteria, alerts";

/// "5s", "500ms", "2m", "1h" or a number of seconds.
pub fn parse_duration(value: &DurationValue) -> Option<Duration> {
    match value {
        DurationValue::Seconds(s) if s.is_finite() && *s > 0.0 => Some(Duration::from_secs_f64(*s)),
        DurationValue::Seconds(_) => None,
        DurationValue::Text(text) => {
            let text = text.trim();
            let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
            let (number, unit) = text.split_at(split);
            let number: f64 = number.parse().ok()?;
            let seconds = match unit.trim() {
                "ms" => number / 1000.0,
                "s" => number,
                "m" | "min" => number * 60.0,
                "h" => number * 3600.0,
                _ => return None,
            };
            (seconds > 0.0).then(|| Duration::from_secs_f64(seconds))
        }
    }
}

/// Values that stand in for environment variables in this process (`warroom demo` points
/// `LUCKYGAS_API` at its own simulator this way, without touching the real environment).
static ENV_OVERRIDES: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Makes `${name}` read `value` in layouts parsed from now on.
pub fn set_env_override(name: &str, value: &str) {
    if let Ok(mut overrides) = ENV_OVERRIDES.lock() {
        overrides.retain(|(n, _)| n != name);
        overrides.push((name.to_string(), value.to_string()));
    }
}

fn env_value(name: &str) -> Option<String> {
    let overridden = ENV_OVERRIDES
        .lock()
        .ok()
        .and_then(|o| o.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()));
    overridden
        .or_else(|| std::env::var(name).ok())
        .filter(|v| !v.is_empty())
}

/// Replaces `${NAME}` with the environment's value; returns the names that are not set.
pub fn substitute_env(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut missing = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match env_value(name) {
                    Some(value) => out.push_str(&value),
                    None => missing.push(name.to_string()),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    (out, missing)
}

impl Validator<'_> {
    pub(super) fn sources(&mut self, raw: Vec<SourceFile>, contacts: &[String]) -> Vec<LiveSource> {
        raw.into_iter()
            .filter_map(|s| self.source(s, contacts))
            .collect()
    }

    fn duration(
        &mut self,
        value: &Option<Spanned<DurationValue>>,
        field: &str,
        default: Duration,
    ) -> Duration {
        let Some(value) = value else { return default };
        parse_duration(value.get_ref()).unwrap_or_else(|| {
            self.problem(
                value.span(),
                field,
                "expected a duration such as \"5s\", \"500ms\" or \"2m\"",
            );
            default
        })
    }

    fn conditions(&mut self, raw: &[Spanned<String>], field: &str) -> Vec<Condition> {
        raw.iter()
            .filter_map(|c| match Condition::parse(c.get_ref()) {
                Ok(condition) => Some(condition),
                Err(message) => {
                    self.problem(c.span(), field, message);
                    None
                }
            })
            .collect()
    }

    /// A required text field of a kind, with `${NAME}` substituted.
    fn required(
        &mut self,
        value: &Option<Spanned<String>>,
        span: Range<usize>,
        path: &str,
        name: &str,
        kind: &str,
        missing: &mut Vec<(String, Range<usize>, String)>,
    ) -> String {
        match value {
            Some(v) => self.env(v, &format!("{path}.{name}"), missing),
            None => {
                self.problem(
                    span,
                    format!("{path}.{name}"),
                    format!("a {kind} source needs `{name}`"),
                );
                String::new()
            }
        }
    }

    fn env(
        &mut self,
        value: &Spanned<String>,
        field: &str,
        missing: &mut Vec<(String, Range<usize>, String)>,
    ) -> String {
        let (text, unset) = substitute_env(value.get_ref());
        for name in unset {
            missing.push((name, value.span(), field.to_string()));
        }
        text
    }

    fn source(&mut self, s: SourceFile, contacts: &[String]) -> Option<LiveSource> {
        let id = self.id(&s.id, "source.id");
        let path = format!("source.{id}");
        let kind = s.kind.get_ref().clone();
        if allowed(&kind).is_empty() {
            self.problem(
                s.kind.span(),
                format!("{path}.kind"),
                format!("unknown source kind {kind:?}: use one of {KINDS}"),
            );
            return None;
        }
        // A field the kind does not use is a mistake worth pointing at, not something to ignore.
        let present: [(&str, Option<Range<usize>>); 13] = [
            ("url", s.url.as_ref().map(Spanned::span)),
            ("method", s.method.as_ref().map(Spanned::span)),
            ("headers", s.headers.as_ref().map(Spanned::span)),
            ("body", s.body.as_ref().map(Spanned::span)),
            ("value", s.value.as_ref().map(Spanned::span)),
            ("fields", s.fields.as_ref().map(Spanned::span)),
            ("max_bytes", s.max_bytes.as_ref().map(Spanned::span)),
            ("max_redirects", s.max_redirects.as_ref().map(Spanned::span)),
            (
                "insecure_skip_verify",
                s.insecure_skip_verify.as_ref().map(Spanned::span),
            ),
            ("query", s.query.as_ref().map(Spanned::span)),
            ("address", s.address.as_ref().map(Spanned::span)),
            ("server_name", s.server_name.as_ref().map(Spanned::span)),
            ("command", s.command.as_ref().map(Spanned::span)),
        ];
        for (name, span) in present {
            if let Some(span) = span
                && !allowed(&kind).contains(&name)
            {
                self.problem(
                    span,
                    format!("{path}.{name}"),
                    format!("a {kind} source does not take `{name}`"),
                );
            }
        }
        let mut missing = Vec::new();
        let span = s.id.span();
        let headers: BTreeMap<String, String> = s
            .headers
            .as_ref()
            .map(|h| {
                h.get_ref()
                    .iter()
                    .map(|(k, v)| {
                        let (value, unset) = substitute_env(v);
                        for name in unset {
                            missing.push((name, h.span(), format!("{path}.headers.{k}")));
                        }
                        (k.clone(), value)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let fields: BTreeMap<String, String> = s
            .fields
            .as_ref()
            .map(|f| f.get_ref().clone())
            .unwrap_or_default();
        let insecure = s
            .insecure_skip_verify
            .as_ref()
            .is_some_and(|v| *v.get_ref());
        let max_bytes = s
            .max_bytes
            .as_ref()
            .map_or(spec::DEFAULT_MAX_BYTES, |v| *v.get_ref());
        let kind_spec = match kind.as_str() {
            "http" => Kind::Http {
                method: s
                    .method
                    .as_ref()
                    .map_or_else(|| "GET".to_string(), |m| m.get_ref().to_uppercase()),
                url: self.required(&s.url, span.clone(), &path, "url", &kind, &mut missing),
                headers,
                body: s.body.as_ref().map(|b| b.get_ref().clone()),
                value: s.value.as_ref().map(|v| v.get_ref().clone()),
                fields,
                max_bytes,
                max_redirects: s
                    .max_redirects
                    .as_ref()
                    .map_or(spec::DEFAULT_MAX_REDIRECTS, |v| *v.get_ref() as usize),
                insecure_skip_verify: insecure,
            },
            "prometheus" => Kind::Prometheus {
                url: self.required(&s.url, span.clone(), &path, "url", &kind, &mut missing),
                query: self.required(&s.query, span.clone(), &path, "query", &kind, &mut missing),
                headers,
                max_bytes,
                insecure_skip_verify: insecure,
            },
            "tcp" => Kind::Tcp {
                address: self.required(
                    &s.address,
                    span.clone(),
                    &path,
                    "address",
                    &kind,
                    &mut missing,
                ),
            },
            "tls" => Kind::Tls {
                address: self.required(
                    &s.address,
                    span.clone(),
                    &path,
                    "address",
                    &kind,
                    &mut missing,
                ),
                server_name: s.server_name.as_ref().map(|v| v.get_ref().clone()),
                insecure_skip_verify: insecure,
            },
            "postgres" => Kind::Postgres {
                url: self.required(&s.url, span.clone(), &path, "url", &kind, &mut missing),
                query: s.query.as_ref().map(|q| q.get_ref().clone()),
            },
            "redis" => Kind::Redis {
                url: self.required(&s.url, span.clone(), &path, "url", &kind, &mut missing),
                command: s.command.as_ref().map(|c| c.get_ref().clone()),
            },
            _ => Kind::Command {
                command: self.required(
                    &s.command,
                    span.clone(),
                    &path,
                    "command",
                    &kind,
                    &mut missing,
                ),
                value: s.value.as_ref().map(|v| v.get_ref().clone()),
                fields,
            },
        };
        let interval = self.duration(
            &s.interval,
            &format!("{path}.interval"),
            spec::DEFAULT_INTERVAL,
        );
        let timeout = self.duration(
            &s.timeout,
            &format!("{path}.timeout"),
            spec::DEFAULT_TIMEOUT,
        );
        let critical = self.conditions(&s.critical, &format!("{path}.critical"));
        let warn = self.conditions(&s.warn, &format!("{path}.warn"));
        for contact in &s.notify {
            if !contacts.contains(contact.get_ref()) {
                self.problem(
                    contact.span(),
                    format!("{path}.notify"),
                    format!("no emergency contact has id {:?}", contact.get_ref()),
                );
            }
        }
        let mut unset_names = Vec::new();
        for (name, span, field) in missing {
            let problem = self.locator_problem(span, field, format!("environment variable {name} is not set: export it before starting (the layout never holds secrets)"));
            self.missing_env.push(problem);
            if !unset_names.contains(&name) {
                unset_names.push(name);
            }
        }
        let spec = SourceSpec {
            id: id.clone(),
            title: s.title.clone().unwrap_or_else(|| id.clone()),
            interval,
            timeout,
            critical,
            warn,
            raise_after: s
                .raise_after
                .as_ref()
                .map_or(spec::DEFAULT_RAISE_AFTER, |v| (*v.get_ref()).max(1)),
            clear_after: s
                .clear_after
                .as_ref()
                .map_or(spec::DEFAULT_CLEAR_AFTER, |v| (*v.get_ref()).max(1)),
            notify: s.notify.iter().map(|c| c.get_ref().clone()).collect(),
            kind: kind_spec,
        };
        Some(LiveSource {
            spec,
            title: Text::new(s.title.unwrap_or(id), s.title_zh),
            missing_env: unset_names,
        })
    }

    pub(super) fn panels(&mut self, raw: Vec<PanelFile>, sources: &[LiveSource]) -> Vec<Panel> {
        raw.into_iter()
            .filter_map(|p| self.panel(p, sources))
            .collect()
    }

    fn source_ref(
        &mut self,
        name: &Spanned<String>,
        field: &str,
        sources: &[LiveSource],
    ) -> Option<String> {
        if sources.iter().any(|s| &s.spec.id == name.get_ref()) {
            Some(name.get_ref().clone())
        } else {
            self.problem(
                name.span(),
                field,
                format!("no [[source]] has id {:?}", name.get_ref()),
            );
            None
        }
    }

    fn panel(&mut self, p: PanelFile, sources: &[LiveSource]) -> Option<Panel> {
        let id = self.id(&p.id, "panel.id");
        let path = format!("panel.{id}");
        let mut ids: Vec<String> = p
            .sources
            .iter()
            .filter_map(|s| self.source_ref(s, &format!("{path}.sources"), sources))
            .collect();
        if let Some(single) = &p.source
            && let Some(found) = self.source_ref(single, &format!("{path}.source"), sources)
        {
            ids.push(found);
        }
        let needs_source = |kind: &str| !matches!(kind, "alerts" | "criteria");
        let kind_name = p.kind.get_ref().as_str();
        if needs_source(kind_name) && ids.is_empty() && p.sources.is_empty() && p.source.is_none() {
            self.problem(
                p.id.span(),
                format!("{path}.source"),
                format!("a {kind_name} panel needs `source` (or `sources`)"),
            );
        }
        let kind = match kind_name {
            "health" => PanelKind::Health,
            "error_rate" => PanelKind::ErrorRate,
            "latency" => PanelKind::Latency {
                p95_field: p.p95_field.clone().unwrap_or_else(|| "p95_ms".into()),
                avg_field: p.avg_field.clone().unwrap_or_else(|| "avg_ms".into()),
                p95_target_ms: p.p95_target_ms.unwrap_or(200.0),
                avg_target_ms: p.avg_target_ms.unwrap_or(300.0),
            },
            "deliveries" => PanelKind::Deliveries {
                completion_target: p.completion_target.unwrap_or(95.0),
            },
            "tickets" => PanelKind::Tickets {
                rows: p
                    .rows
                    .as_ref()
                    .map_or_else(|| "$[*]".to_string(), |r| r.get_ref().clone()),
                target_hours: p.target_hours.unwrap_or(2.0),
            },
            "criteria" => {
                let mut bind = Vec::new();
                if let Some(raw) = &p.bind {
                    for (metric, reference) in raw.get_ref() {
                        match parse_value_ref(reference) {
                            Some(r) if sources.iter().any(|s| s.spec.id == r.source) => bind.push((metric.clone(), r)),
                            Some(r) => self.problem(raw.span(), format!("{path}.bind.{metric}"), format!("no [[source]] has id {:?}", r.source)),
                            None => self.problem(raw.span(), format!("{path}.bind.{metric}"), format!("{reference:?}: expected `source`, `source.field`, `uptime:source`, optionally `*100`")),
                        }
                    }
                }
                PanelKind::Criteria {
                    week: p.week.as_ref().map_or(1, |w| *w.get_ref()),
                    bind,
                }
            }
            "alerts" => PanelKind::Alerts,
            other => {
                self.problem(
                    p.kind.span(),
                    format!("{path}.kind"),
                    format!("unknown panel kind {other:?}: use one of {PANEL_KINDS}"),
                );
                return None;
            }
        };
        Some(Panel {
            id: id.clone(),
            title: Text::new(p.title.unwrap_or(id), p.title_zh),
            sources: ids,
            kind,
        })
    }

    pub(super) fn evidence_ref(&mut self, raw: &Spanned<String>, field: &str) -> Option<Evidence> {
        let text = raw.get_ref().trim();
        let evidence = if text == "no-critical-alerts" {
            Evidence::NoCriticalAlerts
        } else if let Some(id) = text.strip_prefix("source:") {
            Evidence::Source(id.trim().to_string())
        } else if let Some(id) = text.strip_prefix("panel:") {
            Evidence::Panel(id.trim().to_string())
        } else {
            self.problem(
                raw.span(),
                field,
                format!("{text:?}: evidence is `source:ID`, `panel:ID` or `no-critical-alerts`"),
            );
            return None;
        };
        self.evidence
            .push((raw.span(), field.to_string(), evidence.clone()));
        Some(evidence)
    }

    pub(super) fn check_evidence(&mut self, sources: &[LiveSource], panels: &[Panel]) {
        for (span, field, evidence) in std::mem::take(&mut self.evidence) {
            let known = match &evidence {
                Evidence::Source(id) => sources.iter().any(|s| &s.spec.id == id),
                Evidence::Panel(id) => panels.iter().any(|p| &p.id == id),
                Evidence::NoCriticalAlerts => true,
            };
            if !known {
                self.problem(
                    span,
                    field,
                    format!("{evidence:?} names nothing declared in this layout"),
                );
            }
        }
    }
}

/// `deliveries.completion_rate*100`, `latency.avg_ms`, `uptime:api`, `satisfaction`.
pub fn parse_value_ref(text: &str) -> Option<ValueRef> {
    let (text, scale) = match text.split_once('*') {
        Some((head, factor)) => (head.trim(), factor.trim().parse::<f64>().ok()?),
        None => (text.trim(), 1.0),
    };
    let (uptime, text) = match text.strip_prefix("uptime:") {
        Some(rest) => (true, rest.trim()),
        None => (false, text),
    };
    let (source, field) = match text.split_once('.') {
        Some((s, f)) => (s.to_string(), Some(f.to_string())),
        None => (text.to_string(), None),
    };
    (!source.is_empty()).then_some(ValueRef {
        source,
        field,
        uptime,
        scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration(&DurationValue::Text("5s".into())),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_duration(&DurationValue::Text("500ms".into())),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            parse_duration(&DurationValue::Text("2m".into())),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_duration(&DurationValue::Seconds(1.5)),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_duration(&DurationValue::Text("soon".into())), None);
        assert_eq!(parse_duration(&DurationValue::Text("0s".into())), None);
    }

    #[test]
    fn env_substitution_reports_missing_names() {
        let (text, missing) =
            substitute_env("${WARROOM_SURELY_UNSET_X}/health?t=${WARROOM_SURELY_UNSET_Y}");
        assert_eq!(text, "/health?t=");
        assert_eq!(
            missing,
            vec!["WARROOM_SURELY_UNSET_X", "WARROOM_SURELY_UNSET_Y"]
        );
        let (text, missing) = substitute_env("http://x/${unterminated");
        assert_eq!(
            (text.as_str(), missing.len()),
            ("http://x/${unterminated", 0)
        );
    }

    #[test]
    fn value_refs() {
        let r = parse_value_ref("deliveries.completion_rate*100").unwrap_or_else(|| ValueRef {
            source: String::new(),
            field: None,
            uptime: false,
            scale: 0.0,
        });
        assert_eq!(
            (r.source.as_str(), r.field.as_deref(), r.uptime, r.scale),
            ("deliveries", Some("completion_rate"), false, 100.0)
        );
        let r = parse_value_ref("uptime:api");
        assert!(r.is_some_and(|r| r.uptime && r.source == "api"));
        assert!(parse_value_ref("x*abc").is_none());
    }
}
