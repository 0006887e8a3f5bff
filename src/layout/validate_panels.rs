//! Validation of a layout's `[[panel]]`s and of the evidence items name. Each panel kind
//! declares the shape it reads from its source (a value, named fields, a list of rows), and a
//! source that cannot give that shape is a layout error here rather than an empty panel later.

use std::collections::HashMap;

use toml::Spanned;

use super::file::PanelFile;
use super::model::{Evidence, LiveSource, Panel, PanelKind, Rows, Text, ValueRef};
use super::validate::Validator;
use crate::sources::Kind;

const PANEL_KINDS: &str = "health, error_rate, latency, deliveries, tickets, criteria, alerts";

impl Validator<'_> {
    pub(super) fn panels(
        &mut self,
        raw: Vec<PanelFile>,
        sources: &[LiveSource],
        known: &HashMap<String, usize>,
    ) -> Vec<Panel> {
        raw.into_iter()
            .filter_map(|p| self.panel(p, sources, known))
            .collect()
    }

    fn source_ref(
        &mut self,
        name: &Spanned<String>,
        field: &str,
        known: &HashMap<String, usize>,
    ) -> Option<String> {
        if known.contains_key(name.get_ref()) {
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

    fn panel(
        &mut self,
        p: PanelFile,
        sources: &[LiveSource],
        known: &HashMap<String, usize>,
    ) -> Option<Panel> {
        let id = self.id(&p.id, "panel.id");
        let path = format!("panel.{id}");
        let mut ids: Vec<String> = p
            .sources
            .iter()
            .filter_map(|s| self.source_ref(s, &format!("{path}.sources"), known))
            .collect();
        if let Some(single) = &p.source
            && let Some(found) = self.source_ref(single, &format!("{path}.source"), known)
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
        let first = ids.first().and_then(|id| sources.get(*known.get(id)?));
        let kind = match kind_name {
            "health" => PanelKind::Health,
            "error_rate" => {
                if let Some(source) = first
                    && !source.spec.kind.reads().value
                {
                    let span = p.source.as_ref().map_or(p.id.span(), Spanned::span);
                    self.problem(
                        span,
                        format!("{path}.source"),
                        format!(
                            "an error_rate panel shows its source's value, and source {:?} reads none: give it `value`",
                            source.spec.id
                        ),
                    );
                }
                PanelKind::ErrorRate
            }
            "latency" => {
                let p95_field = self.panel_field(&p.p95_field, "p95_ms", first, &path, "p95_field");
                let avg_field = self.panel_field(&p.avg_field, "avg_ms", first, &path, "avg_field");
                PanelKind::Latency {
                    p95_field,
                    avg_field,
                    p95_target_ms: self.positive(
                        &p.p95_target_ms,
                        200.0,
                        1e6,
                        &path,
                        "p95_target_ms",
                    ),
                    avg_target_ms: self.positive(
                        &p.avg_target_ms,
                        300.0,
                        1e6,
                        &path,
                        "avg_target_ms",
                    ),
                }
            }
            "deliveries" => {
                for field in ["delivered", "failed", "total"] {
                    let wanted = Some(Spanned::new(p.id.span(), field.to_string()));
                    self.panel_field(&wanted, field, first, &path, "source");
                }
                let completion_target = match &p.completion_target {
                    Some(v) if (0.0..=100.0).contains(v.get_ref()) => *v.get_ref(),
                    Some(v) => {
                        self.problem(
                            v.span(),
                            format!("{path}.completion_target"),
                            format!(
                                "{} is out of range: expected a percentage from 0 to 100",
                                v.get_ref()
                            ),
                        );
                        95.0
                    }
                    None => 95.0,
                };
                PanelKind::Deliveries { completion_target }
            }
            "tickets" => {
                if let Some(source) = first
                    && !source.spec.kind.reads().body
                {
                    self.problem(
                        p.source.as_ref().map_or(p.id.span(), Spanned::span),
                        format!("{path}.source"),
                        format!("a tickets panel lists rows of its source's JSON body, and a {} source has none", source.spec.kind.name()),
                    );
                }
                let rows = match &p.rows {
                    Some(r) => self.rows(r, &path),
                    None => Rows::parse("$[*]").ok(),
                };
                PanelKind::Tickets {
                    rows: rows.unwrap_or_default(),
                    target_hours: self.positive(
                        &p.target_hours,
                        2.0,
                        24.0 * 30.0,
                        &path,
                        "target_hours",
                    ),
                }
            }
            "criteria" => {
                let mut bind = Vec::new();
                if let Some(raw) = &p.bind {
                    for (metric, reference) in raw.get_ref() {
                        match parse_value_ref(reference) {
                            Some(r) if known.contains_key(&r.source) => {
                                if !ids.contains(&r.source) {
                                    // The panel's freshness is its bound sources'.
                                    ids.push(r.source.clone());
                                }
                                bind.push((metric.clone(), r));
                            }
                            Some(r) => self.problem(raw.span(), format!("{path}.bind.{metric}"), format!("no [[source]] has id {:?}", r.source)),
                            None => self.problem(raw.span(), format!("{path}.bind.{metric}"), format!("{reference:?}: expected `source`, `source.field`, `uptime:source`, optionally `*100`")),
                        }
                    }
                }
                let week = match &p.week {
                    Some(w) if (1..=52).contains(w.get_ref()) => *w.get_ref(),
                    Some(w) => {
                        self.problem(
                            w.span(),
                            format!("{path}.week"),
                            format!("week {} is out of range: expected 1 to 52", w.get_ref()),
                        );
                        1
                    }
                    None => 1,
                };
                PanelKind::Criteria { week, bind }
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

    /// A field the panel reads from its source: the source must read it (an http or command
    /// source names its `fields`; a Prometheus vector's series cannot be known in advance).
    fn panel_field(
        &mut self,
        value: &Option<Spanned<String>>,
        default: &str,
        source: Option<&LiveSource>,
        path: &str,
        key: &str,
    ) -> String {
        let name = value
            .as_ref()
            .map_or(default, |v| v.get_ref().as_str())
            .to_string();
        let declared: Option<Vec<&str>> = match source.map(|s| &s.spec.kind) {
            Some(Kind::Http(h)) => Some(h.paths.field_names().collect()),
            Some(Kind::Command(c)) => Some(c.paths.field_names().collect()),
            _ => None,
        };
        if let (Some(source), Some(declared)) = (source, declared)
            && !declared.contains(&name.as_str())
        {
            let span = value.as_ref().map_or(0..0, Spanned::span);
            let fields = if declared.is_empty() {
                "none".to_string()
            } else {
                declared.join(", ")
            };
            self.problem(
                span,
                format!("{path}.{key}"),
                format!(
                    "source {:?} reads no field `{name}` (its fields: {fields}): add it to the source's `fields`",
                    source.spec.id
                ),
            );
        }
        name
    }

    /// A positive, finite setting no larger than `max`, else a problem and the default.
    fn positive(
        &mut self,
        value: &Option<Spanned<f64>>,
        default: f64,
        max: f64,
        path: &str,
        key: &str,
    ) -> f64 {
        match value {
            Some(v) if v.get_ref().is_finite() && *v.get_ref() > 0.0 && *v.get_ref() <= max => {
                *v.get_ref()
            }
            Some(v) => {
                self.problem(
                    v.span(),
                    format!("{path}.{key}"),
                    format!(
                        "{} is out of range: expected a number above 0 and at most {max}",
                        v.get_ref()
                    ),
                );
                default
            }
            None => default,
        }
    }

    fn rows(&mut self, raw: &Spanned<String>, path: &str) -> Option<Rows> {
        Rows::parse(raw.get_ref())
            .map_err(|e| {
                self.problem(
                    raw.span(),
                    format!("{path}.rows"),
                    format!("{:?} is not a JSONPath: {e}", raw.get_ref()),
                );
            })
            .ok()
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

    pub(super) fn check_evidence(&mut self, known: &HashMap<String, usize>, panels: &[Panel]) {
        for (span, field, evidence) in std::mem::take(&mut self.evidence) {
            let known = match &evidence {
                Evidence::Source(id) => known.contains_key(id),
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
        Some((head, factor)) => (
            head.trim(),
            factor
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())?,
        ),
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
