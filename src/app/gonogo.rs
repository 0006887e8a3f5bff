//! The go/no-go for expanding beyond the pilot: week 4's targets (the layout's last criteria
//! week, the evaluation), the expansion criteria and the sign-offs. A pure function of the
//! week's judgement and the pilot's log: "NO-GO: 2 targets failing, 3 expansion items open,
//! 2 of 5 sign-offs", each blocker listed; GO only when nothing blocks.

use serde::Serialize;

use super::ledger::{Ledger, Mark};
use super::rules::holds;
use crate::i18n::{Lang, Msg, t, tf};
use crate::judge::Verdict;
use crate::judge::week::{Week, WeekState};
use crate::layout::Layout;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Go,
    NoGo,
}

/// One thing standing in the way of GO.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Blocker {
    /// A target of the evaluation week that does not pass: failing, without data, awaiting
    /// an operator's verdict, or its week not begun.
    Target {
        id: String,
        text: String,
        verdict: Verdict,
        value: Option<f64>,
        unit: Option<String>,
        threshold: String,
        /// Who judged it failing and why, for a target an operator judges.
        judged: Option<(String, String)>,
    },
    /// An expansion criterion not done (`skipped`: marked not applicable, with the reason:
    /// the checklist asks for every one before expanding).
    Expansion {
        id: String,
        text: String,
        skipped: Option<String>,
    },
    /// A sign-off not given; `withdrawn` when it was and was taken back (whose signature,
    /// who took it back, why); `unnamed` when the item was only ticked, without a name.
    Signoff {
        id: String,
        role: String,
        withdrawn: Option<(String, String, String)>,
        unnamed: bool,
    },
    /// Signed by someone the layout does not list for the role (a signature recorded by a
    /// warroom that did not check, or before the holders were named).
    NotHolder {
        id: String,
        role: String,
        name: String,
    },
}

/// The verdict and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoNoGo {
    pub decision: Decision,
    /// The evaluation week's number and where it stands (`None`: the layout has no criteria
    /// weeks or no calendar).
    pub week: Option<u32>,
    pub week_state: Option<WeekState>,
    pub targets: usize,
    pub targets_passing: usize,
    pub targets_failing: usize,
    /// Targets without a verdict yet: no data, not judged, not begun.
    pub targets_unsettled: usize,
    pub expansion: usize,
    pub expansion_done: usize,
    pub signoffs: usize,
    pub signed: usize,
    pub blockers: Vec<Blocker>,
}

/// The go/no-go from the evaluation week as judged (`None` without a calendar), and the
/// pilot's log: expansion items as last marked, sign-offs as last given or withdrawn.
pub fn decide(layout: &Layout, week: Option<&Week<'_>>, ledger: &Ledger) -> GoNoGo {
    let mut blockers = Vec::new();
    let (mut passing, mut failing, mut unsettled) = (0, 0, 0);
    // Without a judged week its targets still count, as not yet begun.
    let evaluation = layout.criteria.iter().max_by_key(|c| c.week);
    type Judged<'t> = (
        &'t crate::layout::Target,
        Verdict,
        Option<f64>,
        Option<(String, String)>,
    );
    let targets: Vec<Judged<'_>> = match (week, evaluation) {
        (Some(w), _) => w
            .targets
            .iter()
            .map(|t| {
                let judged = t
                    .by_operator
                    .as_ref()
                    .map(|v| (v.by.clone(), v.reason.clone()));
                (t.target, t.verdict, t.reading.value, judged)
            })
            .collect(),
        (None, Some(c)) => c
            .targets
            .iter()
            .map(|t| (t, Verdict::NotYetBegun, None, None))
            .collect(),
        (None, None) => Vec::new(),
    };
    for (target, verdict, value, judged) in &targets {
        match verdict {
            Verdict::Pass => {
                passing += 1;
                continue;
            }
            Verdict::Fail => failing += 1,
            Verdict::NoData | Verdict::NotMeasured | Verdict::NotYetBegun => unsettled += 1,
        }
        blockers.push(Blocker::Target {
            id: target.id.clone(),
            text: target.text.en.clone(),
            verdict: *verdict,
            value: *value,
            unit: target.unit.clone(),
            threshold: target.threshold(),
            judged: judged.clone(),
        });
    }
    let items: Vec<&crate::layout::Item> = layout.expansion.iter().flat_map(|s| &s.items).collect();
    let mut done = 0;
    for item in &items {
        match ledger.mark(&item.id) {
            Mark::Done => done += 1,
            Mark::Open => blockers.push(Blocker::Expansion {
                id: item.id.clone(),
                text: item.text.en.clone(),
                skipped: None,
            }),
            Mark::Skipped { reason } => blockers.push(Blocker::Expansion {
                id: item.id.clone(),
                text: item.text.en.clone(),
                skipped: Some(reason.clone()),
            }),
        }
    }
    let pilot = ledger.pilot();
    let mut signed = 0;
    for s in &layout.signoffs {
        match pilot.signature(&s.id) {
            Some(sig) if s.holders.is_empty() || holds(s, &sig.name) || holds(s, &sig.by) => {
                signed += 1
            }
            Some(sig) => blockers.push(Blocker::NotHolder {
                id: s.id.clone(),
                role: s.role.en.clone(),
                name: sig.name.clone(),
            }),
            None => blockers.push(Blocker::Signoff {
                id: s.id.clone(),
                role: s.role.en.clone(),
                withdrawn: pilot
                    .withdrawal(&s.id)
                    .map(|w| (w.name.clone(), w.by.clone(), w.reason.clone())),
                unnamed: ledger.mark(&s.id) == &Mark::Done,
            }),
        }
    }
    GoNoGo {
        decision: if blockers.is_empty() {
            Decision::Go
        } else {
            Decision::NoGo
        },
        week: week.map(|w| w.criteria.week).or(evaluation.map(|c| c.week)),
        week_state: week.map(|w| w.state),
        targets: targets.len(),
        targets_passing: passing,
        targets_failing: failing,
        targets_unsettled: unsettled,
        expansion: items.len(),
        expansion_done: done,
        signoffs: layout.signoffs.len(),
        signed,
        blockers,
    }
}

impl GoNoGo {
    /// "NO-GO: 2 targets failing, 3 expansion items open, 2 of 5 sign-offs"; a GO while the
    /// evaluation week still runs says its values are the week so far.
    pub fn headline(&self, lang: Lang) -> String {
        let sep = t(lang, Msg::RptComma);
        let mut parts: Vec<String> = Vec::new();
        let count = |n: usize, one: Msg, many: Msg| {
            if n == 1 {
                t(lang, one).to_string()
            } else {
                tf(lang, many, &[&n])
            }
        };
        match self.decision {
            Decision::NoGo => {
                if self.targets_failing > 0 {
                    parts.push(count(
                        self.targets_failing,
                        Msg::GoTargetFailing,
                        Msg::GoTargetsFailing,
                    ));
                }
                if self.targets_unsettled > 0 {
                    parts.push(count(
                        self.targets_unsettled,
                        Msg::GoTargetUnsettled,
                        Msg::GoTargetsUnsettled,
                    ));
                }
                let open = self.expansion - self.expansion_done;
                if open > 0 {
                    parts.push(count(open, Msg::GoExpansionOpen, Msg::GoExpansionsOpen));
                }
            }
            Decision::Go => {
                parts.push(tf(
                    lang,
                    Msg::GoTargetsPass,
                    &[&self.targets_passing, &self.targets],
                ));
                parts.push(tf(
                    lang,
                    Msg::GoExpansionDone,
                    &[&self.expansion_done, &self.expansion],
                ));
            }
        }
        parts.push(tf(lang, Msg::GoSignoffs, &[&self.signed, &self.signoffs]));
        let word = t(
            lang,
            match self.decision {
                Decision::Go => Msg::GoGo,
                Decision::NoGo => Msg::GoNoGo,
            },
        );
        let mut line = format!("{word}{}{}", t(lang, Msg::RptColon), parts.join(sep));
        if let (Decision::Go, Some(WeekState::InProgress { day }), Some(week)) =
            (self.decision, self.week_state, self.week)
        {
            line.push_str(&tf(lang, Msg::GoSoFar, &[&week, &day]));
        }
        line
    }

    /// Each blocker as a line, in the reader's language; layout texts in the layout's
    /// language where it has one.
    pub fn blocker_lines(&self, layout: &Layout, lang: Lang) -> Vec<String> {
        self.blockers
            .iter()
            .map(|b| blocker_line(layout, lang, b))
            .collect()
    }
}

fn blocker_line(layout: &Layout, lang: Lang, blocker: &Blocker) -> String {
    let c = t(lang, Msg::RptColon);
    match blocker {
        Blocker::Target {
            id,
            text,
            verdict,
            value,
            unit,
            threshold,
            judged,
        } => {
            let text = layout
                .criteria
                .iter()
                .flat_map(|w| &w.targets)
                .find(|t| t.id == *id)
                .map_or(text.as_str(), |t| t.text.get(lang));
            let state = match (verdict, value) {
                (Verdict::Fail, _) if judged.is_some() => {
                    let (by, reason) = judged.clone().unwrap_or_default();
                    tf(lang, Msg::GoJudgedFailing, &[&by, &reason])
                }
                (Verdict::Fail, Some(v)) => tf(
                    lang,
                    Msg::GoFailingAt,
                    &[&crate::words::target_value(*v, unit.as_deref())],
                ),
                (Verdict::Fail, None) => t(lang, Msg::RptFail).to_string(),
                (Verdict::NoData, _) => t(lang, Msg::NoData).to_string(),
                (Verdict::NotMeasured, _) => t(lang, Msg::GoAwaitingVerdict).to_string(),
                (Verdict::NotYetBegun, _) => t(lang, Msg::RptNotYetBegun).to_string(),
                (Verdict::Pass, _) => t(lang, Msg::RptPass).to_string(),
            };
            tf(lang, Msg::GoBlockTarget, &[&text, threshold, &state])
        }
        Blocker::Expansion { id, text, skipped } => {
            let text = layout
                .expansion
                .iter()
                .flat_map(|s| &s.items)
                .find(|i| i.id == *id)
                .map_or(text.as_str(), |i| i.text.get(lang));
            match skipped {
                Some(reason) => tf(lang, Msg::GoBlockSkipped, &[&text, reason]),
                None => tf(lang, Msg::GoBlockOpen, &[&text]),
            }
        }
        Blocker::Signoff {
            id,
            role,
            withdrawn,
            unnamed,
        } => {
            let role = role_text(layout, lang, id, role);
            match (withdrawn, unnamed) {
                (Some((name, by, reason)), _) => {
                    tf(lang, Msg::GoBlockWithdrawn, &[&role, name, by, reason])
                }
                (None, true) => tf(lang, Msg::GoBlockUnnamed, &[&role]),
                (None, false) => tf(lang, Msg::GoBlockUnsigned, &[&role]),
            }
        }
        Blocker::NotHolder { id, role, name } => {
            let role = role_text(layout, lang, id, role);
            format!("{}{c}{}", role, tf(lang, Msg::GoBlockNotHolder, &[name]))
        }
    }
}

fn role_text(layout: &Layout, lang: Lang, id: &str, role: &str) -> String {
    layout
        .signoffs
        .iter()
        .find(|s| s.id == id)
        .map_or(role, |s| s.role.get(lang))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::Bindings;
    use crate::judge::week::{Inputs, OperatorVerdict, weeks};
    use crate::layout::{Env, parse};
    use crate::store::{Author, Change, Event, Sample, Stored};
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};
    use std::collections::BTreeMap;

    fn layout() -> Layout {
        let text = crate::BUILTIN_LAYOUT
            .replace("[pilot]\n", "[pilot]\nstart = \"2026-12-01\"\n")
            .replace(
                "id = \"signoff-ceo\"\n",
                "id = \"signoff-ceo\"\nholders = [\"mei\"]\n",
            );
        parse("pilot.toml", &text, &Env::empty()).expect("the seed layout with a start")
    }

    fn at(d: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Taipei
            .with_ymd_and_hms(2026, 12, d, 12, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn event(seq: i64, who: &str, item: &str, change: Change) -> Stored {
        let author = Author {
            operator: who.into(),
            origin: "test".into(),
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 27).unwrap_or_default();
        Stored {
            seq,
            event: Event::new(
                &author,
                "luckygas-pilot",
                day,
                at(27),
                Some(item.into()),
                change,
            ),
        }
    }

    /// Week 4's days with the given uptime, completion and response time.
    fn week4(up: f64, delivered: f64, avg: f64) -> BTreeMap<NaiveDate, Vec<Sample>> {
        let mut days = BTreeMap::new();
        for d in 22..=28 {
            let s = |source: &str, series: &str, value: f64| Sample {
                source: source.into(),
                series: series.into(),
                minute: at(d),
                value,
            };
            days.insert(
                NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default(),
                vec![
                    s("api", "_polls", 1000.0),
                    s("api", "_up", up * 10.0),
                    s("deliveries", "delivered", delivered),
                    s("deliveries", "failed", 100.0 - delivered),
                    s("latency", "avg_ms", avg),
                ],
            );
        }
        days
    }

    fn verdict(passed: bool) -> impl Fn(&str) -> Option<OperatorVerdict> {
        move |_| {
            Some(OperatorVerdict {
                passed,
                reason: "survey".into(),
                by: "ann".into(),
                at: at(27),
            })
        }
    }

    #[test]
    fn no_go_lists_every_blocker_and_go_needs_nothing_to_block() {
        let layout = layout();
        let bindings = Bindings::of(&layout);
        // Uptime 99.5 (needs > 99.9) and response 250 ms (needs < 200) fail; completion
        // passes; adoption and rollout are judged by an operator (failed here).
        let samples = week4(99.5, 99.0, 250.0);
        let judged = verdict(false);
        let inputs = Inputs {
            layout: &layout,
            bindings: &bindings,
            samples: &samples,
            verdicts: &judged,
            now: at(29),
        };
        let all = weeks(&inputs);
        let w4 = all.iter().find(|w| w.criteria.week == 4);
        let mut events = Vec::new();
        let mut seq = 0;
        let mut add = |who: &str, item: &str, change: Change| {
            seq += 1;
            events.push(event(seq, who, item, change));
        };
        for section in &layout.expansion {
            for item in section.items.iter().skip(1) {
                add("ann", &item.id, Change::Tick);
            }
        }
        add(
            "ann",
            "cost-targets-achieved",
            Change::Skip {
                reason: "costs reviewed in Q1".into(),
            },
        );
        add(
            "bob",
            "signoff-it-director",
            Change::SignedOff {
                name: "Bob Wang".into(),
                role: "IT Director".into(),
            },
        );
        add(
            "cs",
            "signoff-customer-service-manager",
            Change::SignedOff {
                name: "Amy Chen".into(),
                role: "Customer Service Manager".into(),
            },
        );
        add(
            "ops",
            "signoff-operations-director",
            Change::SignedOff {
                name: "Tom Lin".into(),
                role: "Operations Director".into(),
            },
        );
        add(
            "ops",
            "signoff-operations-director",
            Change::SignoffWithdrawn {
                reason: "uptime failed".into(),
            },
        );
        add("fleet", "signoff-fleet-manager", Change::Tick);
        add(
            "bob",
            "signoff-ceo",
            Change::SignedOff {
                name: "Bob Wang".into(),
                role: "CEO/General Manager".into(),
            },
        );
        let ledger = Ledger::from_events(events);
        let verdict = decide(&layout, w4, &ledger);
        assert_eq!(verdict.decision, Decision::NoGo);
        assert_eq!(
            verdict.headline(Lang::En),
            "NO-GO: 4 targets failing, 4 expansion items open, 2 of 5 sign-offs"
        );
        assert_eq!(
            verdict.headline(Lang::ZhTw),
            "不建議擴大（NO-GO）：4 項目標未達標，4 項擴大條件未完成，簽核 2/5"
        );
        let lines = verdict.blocker_lines(&layout, Lang::En);
        for expected in [
            "System uptime (> 99.9%): failing at 99.5 %",
            "Average response time (< 200 ms): failing at 250 ms",
            "Feature adoption (> 80%): judged failing by ann (survey)",
            "Ready for full rollout (yes): judged failing by ann (survey)",
            "All critical bugs resolved: open",
            "Cost targets achieved: skipped (costs reviewed in Q1)",
            "Operations Director: Tom Lin's sign-off withdrawn by ops (uptime failed)",
            "Fleet Manager: ticked without a name; sign it by name",
            "CEO/General Manager: signed by Bob Wang, who is not a holder of the role",
        ] {
            assert!(
                lines.iter().any(|l| l == expected),
                "{expected:?} in {lines:#?}"
            );
        }
        assert_eq!(verdict.blockers.len(), 4 + 4 + 3);

        // Everything met: GO.
        let samples = week4(99.95, 99.0, 150.0);
        let judged = verdict_pass();
        let inputs = Inputs {
            samples: &samples,
            verdicts: &judged,
            ..inputs
        };
        let all = weeks(&inputs);
        let w4 = all.iter().find(|w| w.criteria.week == 4);
        let mut events = Vec::new();
        for (n, item) in layout.expansion.iter().flat_map(|s| &s.items).enumerate() {
            events.push(event(n as i64 + 1, "ann", &item.id, Change::Tick));
        }
        for (n, s) in layout.signoffs.iter().enumerate() {
            let who = if s.id == "signoff-ceo" { "mei" } else { "x" };
            events.push(event(
                100 + n as i64,
                who,
                &s.id,
                Change::SignedOff {
                    name: who.into(),
                    role: s.role.en.clone(),
                },
            ));
        }
        let go = decide(&layout, w4, &Ledger::from_events(events));
        assert_eq!(go.decision, Decision::Go, "{:#?}", go.blockers);
        assert_eq!(
            go.headline(Lang::En),
            "GO: 5 of 5 targets pass, 15 of 15 expansion items done, 5 of 5 sign-offs"
        );
    }

    fn verdict_pass() -> impl Fn(&str) -> Option<OperatorVerdict> {
        verdict(true)
    }

    #[test]
    fn before_week_4_its_targets_are_not_yet_begun() {
        let layout = layout();
        let verdict = decide(&layout, None, &Ledger::default());
        assert_eq!(verdict.targets_unsettled, 5);
        assert_eq!(
            verdict.headline(Lang::En),
            "NO-GO: 5 targets without a verdict, 15 expansion items open, 0 of 5 sign-offs"
        );
    }
}
