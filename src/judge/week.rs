//! A pilot week's targets, each judged over its own window: the stored samples of every day
//! of the week up to now, through the same [`Measures`] judgement as a single day — uptime
//! over the week's polls, completion over the week's deliveries, the mean response time
//! over the week's minutes, resolution time over the week's tickets, satisfaction over the
//! week's ratings. A target no source measures takes an operator's recorded verdict instead;
//! a week not yet begun says so.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use super::samples::Day;
use super::{Bindings, How, Measures, Reading, Tickets, Verdict, metric, passes};
use crate::clock::at_zone;
use crate::layout::{CriteriaWeek, Layout, Target};
use crate::store::Sample;

/// Several days' samples as one window.
pub struct Days<'a> {
    /// The days that have samples, oldest first.
    days: Vec<(NaiveDate, Day<'a>)>,
    /// Every day's tickets; the same ticket seen on several days (same id, same opening) is
    /// one ticket, resolved when any day saw it resolved.
    tickets: Tickets,
}

impl<'a> Days<'a> {
    /// The days' samples up to `until` (a window in progress is the days as they stand).
    pub fn new(
        days: impl IntoIterator<Item = (NaiveDate, &'a [Sample])>,
        until: DateTime<Utc>,
    ) -> Self {
        let mut days: Vec<(NaiveDate, Day<'a>)> = days
            .into_iter()
            .map(|(date, samples)| (date, Day::new(samples, until)))
            .collect();
        days.sort_by_key(|(date, _)| *date);
        let mut tickets = Tickets::default();
        for (_, day) in &days {
            for (id, ticket) in &day.tickets().by_id {
                // A backend that numbers each day's tickets afresh (the demo does) has many
                // LG-1001s in a week; one opened at another instant is another ticket.
                let key = format!("{id}@{}", ticket.opened.timestamp());
                let entry = tickets.by_id.entry(key).or_insert(*ticket);
                entry.resolved = match (entry.resolved, ticket.resolved) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        Self { days, tickets }
    }

    /// The dates that have samples.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.days.iter().map(|(date, _)| *date)
    }

    /// One day of the window.
    pub fn day(&self, date: NaiveDate) -> Option<&Day<'a>> {
        self.days
            .iter()
            .find(|(d, _)| *d == date)
            .map(|(_, day)| day)
    }

    /// A series summed over every sample of every day (counters: polls, polls up).
    pub fn sum(&self, source: &str, series: &str) -> f64 {
        self.samples(source, series).sum()
    }

    /// How many samples (minutes) of a series the window has.
    pub fn count(&self, source: &str, series: &str) -> usize {
        self.samples(source, series).count()
    }

    /// How many days have a series.
    pub fn days_with(&self, source: &str, series: &str) -> usize {
        self.days
            .iter()
            .filter(|(_, day)| !day.get(source, series).is_empty())
            .count()
    }

    /// How many days have anything of a source.
    pub fn days_with_source(&self, source: &str) -> usize {
        self.days.iter().filter(|(_, day)| day.has(source)).count()
    }

    fn samples<'s>(&'s self, source: &'s str, series: &'s str) -> impl Iterator<Item = f64> + 's {
        self.days
            .iter()
            .flat_map(move |(_, day)| day.get(source, series).iter().map(|s| s.value))
    }
}

impl Measures for Days<'_> {
    fn last(&self, source: &str, series: &str) -> Option<f64> {
        self.days
            .iter()
            .rev()
            .find_map(|(_, day)| day.last(source, series))
    }

    /// Over every minute of every day: a slow afternoon weighs by its length, whichever day.
    fn mean(&self, source: &str, series: &str) -> Option<f64> {
        let (sum, n) = self
            .samples(source, series)
            .fold((0.0, 0usize), |(sum, n), v| (sum + v, n + 1));
        (n > 0).then(|| sum / n as f64)
    }

    fn uptime(&self, source: &str) -> Option<f64> {
        let polls = self.sum(source, "_polls");
        (polls > 0.0).then(|| self.sum(source, "_up") * 100.0 / polls)
    }

    fn read_at(&self, source: &str) -> Option<DateTime<Utc>> {
        self.days
            .iter()
            .rev()
            .find_map(|(_, day)| day.read_at(source))
    }

    fn tickets(&self) -> &Tickets {
        &self.tickets
    }

    fn per_day(&self, source: &str, series: &str) -> Vec<Option<f64>> {
        self.days
            .iter()
            .map(|(_, day)| day.last(source, series))
            .collect()
    }
}

/// Where a week stands at the instant it is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum WeekState {
    NotYetBegun,
    /// On its `day` (1–7): the values are the week so far.
    InProgress {
        day: u32,
    },
    /// All seven days are past: the values are final.
    Over,
}

/// An operator's verdict on a target no source measures, as the log recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatorVerdict {
    pub passed: bool,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The counts behind a value, for saying how it was computed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Basis {
    /// Days of the window with data for it.
    pub days: usize,
    /// What the value is taken over: polls, ended deliveries, minutes, tickets or ratings.
    pub of: Option<f64>,
    /// The part that counts: polls not critical, deliveries delivered, tickets still open.
    pub part: Option<f64>,
}

/// One target of a week, judged over the week.
#[derive(Debug, Clone)]
pub struct WeekTarget<'a> {
    pub target: &'a Target,
    pub reading: Reading,
    pub verdict: Verdict,
    pub basis: Basis,
    /// The operators' verdict, for a target no source measures.
    pub by_operator: Option<OperatorVerdict>,
    /// Its value on each day of the window that has samples, oldest first: the chart.
    pub daily: Vec<(NaiveDate, Option<f64>)>,
}

/// A week of the success criteria, judged.
#[derive(Debug, Clone)]
pub struct Week<'a> {
    pub criteria: &'a CriteriaWeek,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub state: WeekState,
    /// The instant the values are as of: now while the week runs, its end once over.
    pub as_of: DateTime<Utc>,
    pub targets: Vec<WeekTarget<'a>>,
}

/// What weeks are judged from. The weeks judged borrow the layout alone (`'a`); what they
/// are judged from may live shorter (`'b`).
pub struct Inputs<'a, 'b> {
    pub layout: &'a Layout,
    pub bindings: &'b Bindings,
    /// Stored samples by day; days outside a week's window are left out of it.
    pub samples: &'b BTreeMap<NaiveDate, Vec<Sample>>,
    /// The operators' latest verdict on a target, by target id.
    pub verdicts: &'b dyn Fn(&str) -> Option<OperatorVerdict>,
    pub now: DateTime<Utc>,
}

/// Midnight at the start of `date` on the launch's clock.
fn midnight(layout: &Layout, date: NaiveDate) -> DateTime<Utc> {
    at_zone(layout.launch.zone, date.and_time(NaiveTime::MIN))
}

/// Every criteria week of the layout, judged at `inputs.now`; empty without a calendar.
pub fn weeks<'a>(inputs: &Inputs<'a, '_>) -> Vec<Week<'a>> {
    inputs
        .layout
        .criteria
        .iter()
        .filter_map(|c| week(inputs, c))
        .collect()
}

/// One criteria week over its window (`None` without a pilot start date).
pub fn week<'a>(inputs: &Inputs<'a, '_>, criteria: &'a CriteriaWeek) -> Option<Week<'a>> {
    let layout = inputs.layout;
    let (first, last) = layout.week_dates(criteria.week)?;
    let start = midnight(layout, first);
    let end = midnight(layout, last.succ_opt()?);
    let now = inputs.now;
    let (state, as_of) = if now < start {
        (WeekState::NotYetBegun, start)
    } else if now >= end {
        (WeekState::Over, end)
    } else {
        let today = now.with_timezone(&layout.launch.zone).date_naive();
        let day = u32::try_from((today - first).num_days() + 1).unwrap_or(1);
        (WeekState::InProgress { day }, now)
    };
    let window: Vec<(NaiveDate, &[Sample])> = inputs
        .samples
        .range(first..=last)
        .map(|(date, samples)| (*date, samples.as_slice()))
        .collect();
    let days = Days::new(window.iter().copied(), as_of);
    let targets = criteria
        .targets
        .iter()
        .map(|target| {
            let by_operator = (inputs.verdicts)(&target.id);
            judge_target(inputs, &days, target, state, as_of, by_operator)
        })
        .collect();
    Some(Week {
        criteria,
        first,
        last,
        state,
        as_of,
        targets,
    })
}

fn judge_target<'a>(
    inputs: &Inputs<'a, '_>,
    days: &Days<'_>,
    target: &'a Target,
    state: WeekState,
    as_of: DateTime<Utc>,
    by_operator: Option<OperatorVerdict>,
) -> WeekTarget<'a> {
    let b = inputs.bindings;
    let begun = state != WeekState::NotYetBegun;
    let reading = metric(b, days, &target.metric, as_of);
    // An operator's verdict only stands for what no source measures.
    let by_operator = by_operator.filter(|_| reading.source.is_none());
    let verdict = match (&reading.source, reading.value, &by_operator) {
        (None, _, Some(v)) => {
            if v.passed {
                Verdict::Pass
            } else {
                Verdict::Fail
            }
        }
        _ if !begun => Verdict::NotYetBegun,
        (None, _, None) => Verdict::NotMeasured,
        (Some(_), None, _) => Verdict::NoData,
        (Some(_), Some(v), _) => match passes(target, v) {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail,
            None => Verdict::NotMeasured,
        },
    };
    let basis = basis(b, days, &reading, as_of);
    let daily = match &reading.source {
        Some(_) if begun => days
            .dates()
            .filter_map(|date| {
                let day = days.day(date)?;
                let next = date.succ_opt().map(|d| midnight(inputs.layout, d))?;
                let value = metric(b, day, &target.metric, as_of.min(next)).value;
                Some((date, value))
            })
            .collect(),
        _ => Vec::new(),
    };
    WeekTarget {
        target,
        reading,
        verdict,
        basis,
        by_operator,
        daily,
    }
}

/// The counts behind a reading, as the window holds them.
fn basis(b: &Bindings, days: &Days<'_>, reading: &Reading, as_of: DateTime<Utc>) -> Basis {
    let Some(source) = reading.source.as_deref() else {
        return Basis::default();
    };
    let summed = |series: &str| -> f64 { days.per_day(source, series).into_iter().flatten().sum() };
    match &reading.how {
        How::NotMeasured => Basis::default(),
        How::Uptime => Basis {
            days: days.days_with(source, "_polls"),
            of: Some(days.sum(source, "_polls")),
            part: Some(days.sum(source, "_up")),
        },
        How::Completion => {
            let counted = days
                .per_day(source, "delivered")
                .iter()
                .zip(days.per_day(source, "failed"))
                .filter(|(d, f)| d.is_some() && f.is_some())
                .count();
            let delivered = summed("delivered");
            Basis {
                days: counted,
                of: Some(delivered + summed("failed")),
                part: Some(delivered),
            }
        }
        How::CompletionRate => Basis {
            days: days.days_with(source, "completion_rate"),
            ..Basis::default()
        },
        How::MinuteMean { field } => Basis {
            days: days.days_with(source, field),
            of: Some(days.count(source, field) as f64),
            part: None,
        },
        How::TicketResolution | How::TicketsWithin => {
            let stats = days.tickets().stats(as_of, b.ticket_target());
            Basis {
                days: days.days_with_source(source),
                of: Some(stats.opened as f64),
                part: Some(stats.open as f64),
            }
        }
        How::DailyMean { field, weighted_by } => Basis {
            days: days.days_with(source, field),
            of: weighted_by.as_deref().map(summed),
            part: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Env, parse};
    use chrono::{Duration, TimeZone};

    /// The seed layout's criteria and panels with a calendar from 2026-12-01.
    fn layout() -> Layout {
        let text = crate::BUILTIN_LAYOUT.replace("[pilot]\n", "[pilot]\nstart = \"2026-12-01\"\n");
        parse("pilot.toml", &text, &Env::empty()).expect("the seed layout with a start")
    }

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
    }

    /// 10:00 on the launch's clock of a December day.
    fn ten(d: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Taipei
            .with_ymd_and_hms(2026, 12, d, 10, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn sample(source: &str, series: &str, at: DateTime<Utc>, value: f64) -> Sample {
        Sample {
            source: source.into(),
            series: series.into(),
            minute: at,
            value,
        }
    }

    /// A day: `polls` api polls of which `up` not critical, deliveries, two minutes of
    /// average response time, a satisfaction score over some ratings.
    fn day(
        d: u32,
        up: f64,
        polls: f64,
        delivered: f64,
        failed: f64,
        avg: [f64; 2],
        sat: (f64, f64),
    ) -> Vec<Sample> {
        let t = ten(d);
        vec![
            sample("api", "_polls", t, polls),
            sample("api", "_up", t, up),
            sample("deliveries", "delivered", t, delivered),
            sample("deliveries", "failed", t, failed),
            sample("latency", "avg_ms", t, avg[0]),
            sample("latency", "avg_ms", t + Duration::minutes(1), avg[1]),
            sample("satisfaction", "value", t, sat.0),
            sample("satisfaction", "ratings", t, sat.1),
        ]
    }

    #[test]
    fn a_week_adds_its_days_up_and_a_later_week_has_not_begun() {
        let layout = layout();
        let bindings = Bindings::of(&layout);
        let mut samples = BTreeMap::new();
        samples.insert(
            date(1),
            day(1, 99.0, 100.0, 9.0, 1.0, [100.0, 200.0], (4.0, 10.0)),
        );
        samples.insert(
            date(2),
            day(2, 300.0, 300.0, 30.0, 0.0, [300.0, 400.0], (5.0, 30.0)),
        );
        // Day 8 belongs to week 2: never in week 1's numbers.
        samples.insert(
            date(8),
            day(8, 0.0, 100.0, 0.0, 10.0, [900.0, 900.0], (1.0, 5.0)),
        );
        let verdicts = |id: &str| {
            (id == "w1-no-critical-data-loss").then(|| OperatorVerdict {
                passed: true,
                reason: "backups verified daily".into(),
                by: "ann".into(),
                at: ten(3),
            })
        };
        let inputs = Inputs {
            layout: &layout,
            bindings: &bindings,
            samples: &samples,
            verdicts: &verdicts,
            now: ten(3),
        };
        let weeks = weeks(&inputs);
        let w1 = &weeks[0];
        assert_eq!(w1.state, WeekState::InProgress { day: 3 });
        assert_eq!((w1.first, w1.last), (date(1), date(7)));
        let target = |id: &str| w1.targets.iter().find(|t| t.target.id == id).expect(id);
        // 399 of 400 polls; 39 of 40 deliveries; 4 minutes averaging 250 ms.
        assert_eq!(target("w1-uptime").reading.value, Some(99.75));
        assert_eq!(target("w1-uptime").verdict, Verdict::Pass);
        assert_eq!(
            target("w1-uptime").basis,
            Basis {
                days: 2,
                of: Some(400.0),
                part: Some(399.0)
            }
        );
        assert_eq!(target("w1-order-completion").reading.value, Some(97.5));
        assert_eq!(target("w1-avg-response-time").reading.value, Some(250.0));
        assert_eq!(target("w1-avg-response-time").basis.of, Some(4.0));
        // (4 × 10 + 5 × 30) / 40 ratings.
        assert_eq!(target("w1-satisfaction").reading.value, Some(4.75));
        assert_eq!(
            target("w1-satisfaction").reading.how,
            How::DailyMean {
                field: "value".into(),
                weighted_by: Some("ratings".into())
            }
        );
        assert_eq!(
            target("w1-uptime").daily,
            vec![(date(1), Some(99.0)), (date(2), Some(100.0))],
            "the chart: one value a day"
        );
        let loss = target("w1-no-critical-data-loss");
        assert_eq!(loss.verdict, Verdict::Pass, "judged by an operator");
        assert_eq!(
            loss.by_operator.as_ref().map(|v| v.by.as_str()),
            Some("ann")
        );
        // Week 2 runs 12-08 to 12-14: on 12-03 it has not begun, whatever is stored.
        let w2 = &weeks[1];
        assert_eq!(w2.state, WeekState::NotYetBegun);
        assert!(w2.targets.iter().all(|t| t.verdict == Verdict::NotYetBegun));
        // Week 4 has an operator-judged "ready for full rollout" with no verdict yet.
        let later = Inputs {
            now: ten(24),
            ..inputs
        };
        let w4 = &super::weeks(&later)[2];
        assert_eq!(w4.state, WeekState::InProgress { day: 3 });
        let ready = w4
            .targets
            .iter()
            .find(|t| t.target.id == "w4-ready-for-rollout");
        assert_eq!(ready.map(|t| t.verdict), Some(Verdict::NotMeasured));
        let uptime = w4.targets.iter().find(|t| t.target.id == "w4-uptime");
        assert_eq!(
            uptime.map(|t| t.verdict),
            Some(Verdict::NoData),
            "no samples in week 4"
        );
    }

    #[test]
    fn an_operator_cannot_overrule_a_measure() {
        let layout = layout();
        let bindings = Bindings::of(&layout);
        let mut samples = BTreeMap::new();
        samples.insert(
            date(1),
            day(1, 90.0, 100.0, 9.0, 1.0, [100.0, 100.0], (4.5, 2.0)),
        );
        let verdicts = |_: &str| {
            Some(OperatorVerdict {
                passed: true,
                reason: "looks fine".into(),
                by: "bob".into(),
                at: ten(1),
            })
        };
        let inputs = Inputs {
            layout: &layout,
            bindings: &bindings,
            samples: &samples,
            verdicts: &verdicts,
            now: ten(9),
        };
        let w1 = week(&inputs, &layout.criteria[0]).expect("a calendar");
        assert_eq!(w1.state, WeekState::Over);
        let uptime = &w1.targets[0];
        assert_eq!(
            (uptime.verdict, uptime.by_operator.is_none()),
            (Verdict::Fail, true)
        );
    }

    #[test]
    fn a_ticket_seen_on_two_days_is_one_ticket() {
        let opened = ten(1);
        let resolved = ten(2);
        let s = |series: &str, at: DateTime<Utc>, v: DateTime<Utc>| {
            sample("tickets", series, at, v.timestamp() as f64)
        };
        let one = vec![s("ticket.opened:LG-1", opened, opened)];
        let two = vec![
            s("ticket.opened:LG-1", resolved, opened),
            s("ticket.resolved:LG-1", resolved, resolved),
        ];
        // Another day's LG-1 (the backend numbers each day afresh): another ticket.
        let three = vec![s("ticket.opened:LG-1", ten(3), ten(3) - Duration::hours(1))];
        let days = Days::new(
            [
                (date(1), one.as_slice()),
                (date(2), two.as_slice()),
                (date(3), three.as_slice()),
            ],
            ten(3),
        );
        let stats = days.tickets().stats(ten(3), Duration::hours(2));
        assert_eq!((stats.opened, stats.resolved, stats.open), (2, 1, 1));
    }
}
