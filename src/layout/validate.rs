//! From [`LayoutFile`] to [`Layout`]: every rule a layout must follow, each broken rule
//! reported with the line and column of the value at fault. All problems are collected, not
//! just the first, so one `warroom check` run shows everything to fix.

use std::collections::HashMap;
use std::ops::Range;

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use toml::Spanned;

use serde::Deserialize;

use super::env::Env;
use super::error::{Locator, Problem};
use super::file::*;
use super::model::*;

pub fn parse(file: &str, text: &str, env: &Env) -> Result<Layout, Vec<Problem>> {
    let locator = Locator::new(text);
    let mut root = toml::de::DeTable::parse(text).map_err(|e| vec![toml_problem(&locator, &e)])?;
    // `[[source]]`s are read apart: each is dispatched on its `kind` to that kind's own form.
    let sources = root.get_mut().remove("source");
    let raw = LayoutFile::deserialize(toml::de::Deserializer::from(root))
        .map_err(|e| vec![toml_problem(&locator, &e)])?;
    let mut v = Validator {
        locator,
        problems: Vec::new(),
        ids: HashMap::new(),
        evidence: Vec::new(),
        missing_env: Vec::new(),
        env,
        secrets: Vec::new(),
    };
    let mut layout = v.layout(raw, sources, file);
    layout.unset_env = std::mem::take(&mut v.missing_env);
    if v.problems.is_empty() {
        Ok(layout)
    } else {
        Err(v.problems)
    }
}

pub(super) fn toml_problem(locator: &Locator<'_>, e: &toml::de::Error) -> Problem {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().to_string();
    // serde names the offending key in its message ("unknown field `x`"); pull it out as the
    // field so that every message has the same shape.
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("unknown field") || message.starts_with("missing field"))
        .unwrap_or("")
        .to_string();
    locator.problem(span, field, message)
}

/// Weeks of a pilot a layout may set targets for (a year is far beyond any pilot).
const MAX_WEEK: u32 = 52;

pub(super) struct Validator<'a> {
    pub(super) locator: Locator<'a>,
    pub(super) problems: Vec<Problem>,
    /// Every id seen so far, with its field path and line, to report duplicates.
    ids: HashMap<String, (String, usize)>,
    /// Evidence named by items, checked once all sources and panels are known.
    pub(super) evidence: Vec<(Range<usize>, String, Evidence)>,
    /// Environment variables named by `${NAME}` that are not set, with where they are used.
    pub(super) missing_env: Vec<Problem>,
    /// Where `${NAME}`s are read from.
    pub(super) env: &'a Env,
    /// `${NAME}`s substituted anywhere in the layout: (name, value), kept out of all output.
    pub(super) secrets: Vec<(String, String)>,
}

impl Validator<'_> {
    pub(super) fn locator_problem(
        &self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        self.locator.problem(span, field, message)
    }

    pub(super) fn problem(
        &mut self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        let p = self.locator.problem(span, field, message);
        self.problems.push(p);
    }

    /// Checks an id's shape and uniqueness across the whole file, and returns it.
    pub(super) fn id(&mut self, id: &Spanned<String>, field: &str) -> String {
        let value = id.get_ref().clone();
        let span = id.span();
        let valid = value.len() <= 64
            && value.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !valid {
            self.problem(
                span.clone(),
                field,
                format!("id {value:?} must be a short slug: lowercase letters, digits, '-' or '_', starting with a letter"),
            );
        }
        let (line, _) = self.locator.position(span.start);
        if let Some((first_field, first_line)) = self.ids.get(&value) {
            let message = format!(
                "duplicate id {value:?}: already used by {first_field} on line {first_line}"
            );
            self.problem(span, field, message);
        } else {
            self.ids.insert(value.clone(), (field.to_string(), line));
        }
        value
    }

    fn time(&mut self, value: &Spanned<TimeOfDay>, field: &str) -> Option<NaiveTime> {
        let text = value.get_ref().as_text();
        let parsed = NaiveTime::parse_from_str(&text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M:%S"));
        match parsed {
            Ok(t) => Some(t),
            Err(_) => {
                let message = format!("{text:?} is not a time of day as HH:MM (24-hour)");
                self.problem(value.span(), field, message);
                None
            }
        }
    }

    fn layout(
        &mut self,
        raw: LayoutFile,
        raw_sources: Option<toml::Spanned<toml::de::DeValue<'_>>>,
        source: &str,
    ) -> Layout {
        let launch = self.launch(raw.launch);
        let pilot = Pilot {
            start: raw
                .pilot
                .as_ref()
                .and_then(|p| p.start.as_ref())
                .and_then(|d| self.date(d, "pilot.start")),
        };
        let document = raw
            .document
            .map(|d| Document {
                title: d.title.map(|t| Text::new(t, d.title_zh)),
                version: d.version,
                last_updated: d.last_updated,
                next_review: d.next_review.map(|t| Text::new(t, d.next_review_zh)),
            })
            .unwrap_or_default();
        let blocks = self.blocks(raw.blocks);
        let prelaunch = raw
            .prelaunch
            .into_iter()
            .map(|p| self.prelaunch(p))
            .collect();
        let criteria = self.criteria(raw.criteria);
        let expansion = raw
            .expansion
            .into_iter()
            .map(|s| self.section(s, "expansion"))
            .collect();
        let contacts: Vec<ContactGroup> = raw
            .contacts
            .into_iter()
            .map(|g| self.contact_group(g))
            .collect();
        let timeline = self.timeline(raw.timeline);
        let signoffs = raw.signoffs.into_iter().map(|s| self.signoff(s)).collect();
        let contact_ids: Vec<String> = contacts
            .iter()
            .flat_map(|g: &ContactGroup| g.people.iter().map(|p| p.id.clone()))
            .collect();
        let sources = self.sources(raw_sources, &contact_ids);
        let ids = Layout::index_sources(&sources);
        let panels = self.panels(raw.panels, &sources, &ids);
        self.check_evidence(&ids, &panels);
        Layout {
            ids,
            source: source.to_string(),
            launch,
            pilot,
            document,
            blocks,
            prelaunch,
            criteria,
            expansion,
            contacts,
            timeline,
            signoffs,
            sources,
            panels,
            unset_env: Vec::new(),
        }
    }

    fn launch(&mut self, raw: LaunchFile) -> Launch {
        let id = self.id(&raw.id, "launch.id");
        let zone = match raw.timezone.get_ref().parse::<Tz>() {
            Ok(zone) => zone,
            Err(_) => {
                let message = format!(
                    "unknown time zone {:?}: use an IANA name such as \"Asia/Taipei\"",
                    raw.timezone.get_ref()
                );
                self.problem(raw.timezone.span(), "launch.timezone", message);
                Tz::UTC
            }
        };
        let date = raw.date.as_ref().and_then(|d| self.date(d, "launch.date"));
        Launch {
            id,
            name: Text::new(raw.name, raw.name_zh),
            zone,
            date,
            overview: raw.overview.map(|t| Text::new(t, raw.overview_zh)),
            expansion_intro: raw
                .expansion_intro
                .map(|t| Text::new(t, raw.expansion_intro_zh)),
        }
    }

    fn date(&mut self, value: &Spanned<String>, field: &str) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(value.get_ref().trim(), "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                let message = format!("{:?} is not a date as YYYY-MM-DD", value.get_ref());
                self.problem(value.span(), field, message);
                None
            }
        }
    }

    fn blocks(&mut self, raw: Vec<BlockFile>) -> Vec<Block> {
        // (block, span of its start) for the overlap check.
        let mut checked: Vec<(Block, Range<usize>)> = Vec::new();
        for b in raw {
            let id = self.id(&b.id, "block.id");
            let path = format!("block.{id}");
            let start = self.time(&b.start, &format!("{path}.start"));
            let end = self.time(&b.end, &format!("{path}.end"));
            if let (Some(start), Some(end)) = (start, end)
                && end <= start
            {
                let message = format!(
                    "end {} is not after start {} (a block cannot cross midnight)",
                    b.end.get_ref().as_text(),
                    b.start.get_ref().as_text()
                );
                self.problem(b.end.span(), format!("{path}.end"), message);
            }
            if b.sections.is_empty() {
                self.problem(
                    b.id.span(),
                    format!("{path}.section"),
                    "block has no sections: add at least one [[block.section]] with items",
                );
            }
            let sections = b
                .sections
                .into_iter()
                .map(|s| self.section(s, &path))
                .collect();
            let block = Block {
                id,
                title: Text::new(b.title, b.title_zh),
                start: start.unwrap_or(NaiveTime::MIN),
                end: end.unwrap_or(NaiveTime::MIN),
                quiet: b.quiet,
                sections,
            };
            if start.is_some() && end.is_some() {
                checked.push((block, b.start.span()));
            } else {
                checked.push((block, 0..0));
            }
        }
        // Overlaps are judged in time order, whatever order the file lists blocks in. Each block
        // is compared with the block that reaches latest among those starting before it (not
        // just its neighbour), so a long block that covers several later ones is reported
        // against each of them. Blocks with a bad or backwards time were reported above and
        // take no part.
        let mut order: Vec<usize> = (0..checked.len()).collect();
        order.sort_by_key(|&i| checked[i].0.start);
        let mut reach: Option<usize> = None;
        for &i in &order {
            let later = &checked[i].0;
            if later.end <= later.start {
                continue;
            }
            let Some(r) = reach else {
                reach = Some(i);
                continue;
            };
            let earlier = &checked[r].0;
            if later.end > earlier.end {
                reach = Some(i);
            }
            if later.start < earlier.end {
                let message = format!(
                    "block {:?} ({}–{}) overlaps block {:?} ({}–{})",
                    later.id,
                    later.start.format("%H:%M"),
                    later.end.format("%H:%M"),
                    earlier.id,
                    earlier.start.format("%H:%M"),
                    earlier.end.format("%H:%M")
                );
                let span = checked[i].1.clone();
                let field = format!("block.{}.start", later.id);
                self.problem(span, field, message);
            }
        }
        let mut blocks: Vec<Block> = checked.into_iter().map(|(b, _)| b).collect();
        blocks.sort_by_key(|b| b.start);
        blocks
    }

    fn section(&mut self, raw: SectionFile, parent: &str) -> Section {
        let id = self.id(&raw.id, &format!("{parent}.section.id"));
        let path = format!("{parent}.{id}");
        if raw.items.is_empty() {
            self.problem(
                raw.id.span(),
                format!("{path}.items"),
                "section is empty: it needs at least one item",
            );
        }
        let items = raw
            .items
            .into_iter()
            .map(|i| {
                let item_id = self.id(&i.id, &format!("{path}.items.id"));
                if i.text.get_ref().trim().is_empty() {
                    self.problem(
                        i.text.span(),
                        format!("{path}.{item_id}.text"),
                        "item text is empty",
                    );
                }
                let evidence = i
                    .evidence
                    .as_ref()
                    .and_then(|e| self.evidence_ref(e, &format!("{path}.{item_id}.evidence")));
                Item {
                    id: item_id,
                    text: Text::new(i.text.into_inner(), i.text_zh),
                    evidence,
                }
            })
            .collect();
        Section {
            id,
            title: Text::new(raw.title, raw.title_zh),
            note: raw.note.map(|n| Text::new(n, raw.note_zh)),
            items,
        }
    }

    fn prelaunch(&mut self, raw: PrelaunchFile) -> PrelaunchSection {
        let id = self.id(&raw.id, "prelaunch.id");
        let path = format!("prelaunch.{id}");
        if raw.groups.is_empty() {
            self.problem(
                raw.id.span(),
                format!("{path}.group"),
                "pre-launch section has no groups: add at least one [[prelaunch.group]]",
            );
        }
        let groups = raw
            .groups
            .into_iter()
            .map(|g| self.section(g, &path))
            .collect();
        PrelaunchSection {
            id,
            number: raw.number,
            title: Text::new(raw.title, raw.title_zh),
            note: raw.note.map(|n| Text::new(n, raw.note_zh)),
            groups,
        }
    }

    fn criteria(&mut self, raw: Vec<CriteriaWeekFile>) -> Vec<CriteriaWeek> {
        let mut weeks: Vec<CriteriaWeek> = Vec::new();
        for w in raw {
            let week = *w.week.get_ref();
            if !(1..=MAX_WEEK).contains(&week) {
                self.problem(
                    w.week.span(),
                    "criteria.week",
                    format!("week {week} is out of range: expected 1 to {MAX_WEEK}"),
                );
            }
            if weeks.iter().any(|seen| seen.week == week) {
                self.problem(
                    w.week.span(),
                    "criteria.week",
                    format!("week {week} is listed twice"),
                );
            }
            let targets = w
                .targets
                .into_iter()
                .map(|t| {
                    let id = self.id(&t.id, &format!("criteria.week{week}.targets.id"));
                    let comparison = Comparison::parse(t.op.get_ref()).unwrap_or_else(|| {
                        let message = format!(
                            "unknown comparison {:?}: use one of >, >=, <, <=, ==",
                            t.op.get_ref()
                        );
                        self.problem(t.op.span(), format!("criteria.{id}.op"), message);
                        Comparison::Equal
                    });
                    let value = match t.value.get_ref() {
                        TargetValueFile::Bool(b) => TargetValue::Bool(*b),
                        TargetValueFile::Number(n) if n.is_finite() => TargetValue::Number(*n),
                        TargetValueFile::Number(n) => {
                            self.problem(
                                t.value.span(),
                                format!("criteria.{id}.value"),
                                format!("{n} is not a usable target: expected a finite number"),
                            );
                            TargetValue::Number(0.0)
                        }
                    };
                    Target {
                        id,
                        metric: t.metric,
                        text: Text::new(t.text, t.text_zh),
                        comparison,
                        value,
                        unit: t.unit,
                    }
                })
                .collect();
            weeks.push(CriteriaWeek {
                week,
                title: Text::new(w.title, w.title_zh),
                targets,
            });
        }
        weeks.sort_by_key(|w| w.week);
        weeks
    }

    fn contact_group(&mut self, raw: ContactGroupFile) -> ContactGroup {
        let id = self.id(&raw.id, "contacts.id");
        let people = raw
            .people
            .into_iter()
            .map(|c| Contact {
                id: self.id(&c.id, &format!("contacts.{id}.people.id")),
                role: Text::new(c.role, c.role_zh),
                name: c.name,
                phone: c.phone,
                reference: c.reference,
            })
            .collect();
        ContactGroup {
            id,
            title: Text::new(raw.group, raw.group_zh),
            people,
        }
    }

    /// The pilot's phases, each covering its weeks, in the order of their weeks; two phases
    /// may not claim one week, nor two entries one day.
    fn timeline(&mut self, raw: Vec<PhaseFile>) -> Vec<Phase> {
        let mut phases: Vec<Phase> = Vec::new();
        // (first, last, id) of what is already claimed, to name the other one.
        let mut weeks: Vec<(u32, u32, String)> = Vec::new();
        let mut days: Vec<(u32, u32, String)> = Vec::new();
        for p in raw {
            let phase = self.phase(p, &mut weeks, &mut days);
            phases.push(phase);
        }
        phases
    }

    fn phase(
        &mut self,
        raw: PhaseFile,
        claimed_weeks: &mut Vec<(u32, u32, String)>,
        claimed_days: &mut Vec<(u32, u32, String)>,
    ) -> Phase {
        let id = self.id(&raw.id, "timeline.id");
        let weeks = raw.weeks.as_ref().and_then(|w| {
            let field = format!("timeline.{id}.weeks");
            let range = self.range(w, &field, "week", MAX_WEEK)?;
            self.unclaimed(w.span(), &field, "week", range, &id, claimed_weeks);
            Some(range)
        });
        let entries = raw
            .entries
            .into_iter()
            .map(|e| {
                let entry_id = self.id(&e.id, &format!("timeline.{id}.entries.id"));
                let field = format!("timeline.{id}.{entry_id}");
                let days = e.days.as_ref().and_then(|d| {
                    let days_field = format!("{field}.days");
                    let range = self.range(d, &days_field, "day", MAX_WEEK * 7)?;
                    if let Some((first, last)) = weeks
                        && (range.0 <= (first - 1) * 7 || range.1 > last * 7)
                    {
                        let message = format!(
                            "days {}–{} are not in the phase's weeks {first}–{last} (days {}–{})",
                            range.0,
                            range.1,
                            (first - 1) * 7 + 1,
                            last * 7
                        );
                        self.problem(d.span(), days_field.clone(), message);
                    }
                    self.unclaimed(d.span(), &days_field, "day", range, &entry_id, claimed_days);
                    Some(range)
                });
                let customers = e.customers.as_ref().and_then(|c| {
                    if *c.get_ref() == 0 {
                        let message =
                            "customers must be at least 1 (the pilot's group on those days)";
                        self.problem(c.span(), format!("{field}.customers"), message);
                        return None;
                    }
                    if days.is_none() {
                        let message = "customers needs `days` too: which pilot days serve them";
                        self.problem(c.span(), format!("{field}.customers"), message);
                    }
                    Some(*c.get_ref())
                });
                TimelineEntry {
                    id: entry_id,
                    when: e.when,
                    days,
                    customers,
                    text: Text::new(e.text, e.text_zh),
                }
            })
            .collect();
        Phase {
            id,
            period: raw.period,
            weeks,
            title: Text::new(raw.title, raw.title_zh),
            entries,
        }
    }

    /// `[n]` or `[first, last]`: a range of weeks or days counted from 1.
    fn range(
        &mut self,
        raw: &Spanned<Vec<u32>>,
        field: &str,
        unit: &str,
        max: u32,
    ) -> Option<(u32, u32)> {
        let (first, last) = match raw.get_ref().as_slice() {
            [one] => (*one, *one),
            [first, last] => (*first, *last),
            _ => {
                let message = format!("expected [{unit}] or [first, last] {unit}s, such as [2, 3]");
                self.problem(raw.span(), field, message);
                return None;
            }
        };
        if first == 0 || last > max || first > last {
            let message = format!(
                "{unit}s {first}–{last} are not a range from 1 to {max} in order (first ≤ last)"
            );
            self.problem(raw.span(), field, message);
            return None;
        }
        Some((first, last))
    }

    /// Reports a range overlapping one already claimed, naming who claimed it.
    fn unclaimed(
        &mut self,
        span: Range<usize>,
        field: &str,
        unit: &str,
        (first, last): (u32, u32),
        id: &str,
        claimed: &mut Vec<(u32, u32, String)>,
    ) {
        if let Some((a, b, other)) = claimed.iter().find(|(a, b, _)| first <= *b && *a <= last) {
            let message = format!("{unit}s {first}–{last} overlap {other:?} ({unit}s {a}–{b})");
            self.problem(span, field, message);
        }
        claimed.push((first, last, id.to_string()));
    }

    fn signoff(&mut self, raw: SignoffFile) -> Signoff {
        let id = self.id(&raw.id, "signoff.id");
        let mut holders: Vec<String> = Vec::new();
        for holder in &raw.holders {
            let name = holder.get_ref().trim().to_string();
            let field = format!("signoff.{id}.holders");
            if name.is_empty() || name.chars().any(char::is_control) {
                self.problem(
                    holder.span(),
                    field,
                    "a holder is an operator's name as warroom knows it (--operator): not empty, no control characters",
                );
            } else if holders.iter().any(|h| h.eq_ignore_ascii_case(&name)) {
                self.problem(
                    holder.span(),
                    field,
                    format!("holder {name:?} is listed twice"),
                );
            } else {
                holders.push(name);
            }
        }
        Signoff {
            id,
            role: Text::new(raw.role, raw.role_zh),
            holders,
        }
    }
}
