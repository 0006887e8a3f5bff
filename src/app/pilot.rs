//! The pilot beyond the day, as the log tells it: named sign-offs and their withdrawals,
//! operators' verdicts on the targets no source measures, and the room's announcements. Like
//! the rest of the [`Ledger`](super::Ledger), it is a replay of events and nothing else, so
//! every warroom on one log shows the same; a key only has to record the event
//! ([`super::rules`] checks it first) and a screen only reads this.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::store::{Change, Event};

/// A sign-off as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The event that gave it.
    pub id: Uuid,
    /// The signer's name, as confirmed or as the layout lists them.
    pub name: String,
    /// The role signed, as its text read then.
    pub role: String,
    /// The operator whose warroom recorded it.
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A sign-off taken back and not given again since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    /// Whose signature it was.
    pub name: String,
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// An operator's verdict on a target: what `judge::week` takes for a target no source
/// measures.
pub use crate::judge::week::OperatorVerdict as Judgement;

/// An announcement to the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub id: Uuid,
    pub text: String,
    pub by: String,
    pub at: DateTime<Utc>,
    /// When it stops showing by itself; `None`: until cleared.
    pub until: Option<DateTime<Utc>>,
    /// Who took it down, and when.
    pub cleared: Option<(String, DateTime<Utc>)>,
}

impl Announcement {
    /// Showing at `now`: made by then, neither cleared by then nor expired.
    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        self.at <= now
            && self.cleared.as_ref().is_none_or(|(_, at)| *at > now)
            && self.until.is_none_or(|until| until > now)
    }
}

/// The pilot's state replayed from the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pilot {
    signatures: BTreeMap<String, Signature>,
    withdrawals: BTreeMap<String, Withdrawal>,
    judgements: BTreeMap<String, Judgement>,
    /// In the order made.
    announcements: Vec<Announcement>,
}

impl Pilot {
    /// Replays `events` in log order, leaving out those `undone` says were undone.
    pub fn replay<'a>(
        events: impl IntoIterator<Item = &'a Event>,
        undone: impl Fn(&Uuid) -> bool,
    ) -> Self {
        let mut pilot = Self::default();
        for event in events {
            if !undone(&event.id) {
                pilot.apply(event);
            }
        }
        pilot
    }

    /// Adds one event (in log order); events that are not the pilot's change nothing.
    pub fn apply(&mut self, event: &Event) {
        let by = || event.operator.clone();
        match (&event.change, event.item.as_deref()) {
            (Change::SignedOff { name, role }, Some(item)) => {
                self.withdrawals.remove(item);
                self.signatures.insert(
                    item.to_string(),
                    Signature {
                        id: event.id,
                        name: name.clone(),
                        role: role.clone(),
                        by: by(),
                        at: event.at,
                    },
                );
            }
            (Change::SignoffWithdrawn { reason }, Some(item)) => {
                // Withdrawing what is not signed changes nothing: two warrooms may both
                // record the same withdrawal.
                if let Some(signature) = self.signatures.remove(item) {
                    self.withdrawals.insert(
                        item.to_string(),
                        Withdrawal {
                            name: signature.name,
                            by: by(),
                            at: event.at,
                            reason: reason.clone(),
                        },
                    );
                }
            }
            (Change::TargetJudged { passed, reason }, Some(item)) => {
                self.judgements.insert(
                    item.to_string(),
                    Judgement {
                        passed: *passed,
                        reason: reason.clone(),
                        by: by(),
                        at: event.at,
                    },
                );
            }
            (Change::Announced { text, until }, _) => self.announcements.push(Announcement {
                id: event.id,
                text: text.clone(),
                by: by(),
                at: event.at,
                until: *until,
                cleared: None,
            }),
            (Change::AnnouncementCleared { target }, _) => {
                if let Some(a) = self
                    .announcements
                    .iter_mut()
                    .find(|a| a.id == *target && a.cleared.is_none())
                {
                    a.cleared = Some((by(), event.at));
                }
            }
            _ => {}
        }
    }

    /// The sign-off's current signature.
    pub fn signature(&self, signoff: &str) -> Option<&Signature> {
        self.signatures.get(signoff)
    }

    /// The sign-off's last withdrawal, when it has not been signed again since.
    pub fn withdrawal(&self, signoff: &str) -> Option<&Withdrawal> {
        self.withdrawals.get(signoff)
    }

    /// The operators' latest verdict on a target.
    pub fn judgement(&self, target: &str) -> Option<&Judgement> {
        self.judgements.get(target)
    }

    /// Every announcement ever made, in the order made.
    pub fn announcements(&self) -> &[Announcement] {
        &self.announcements
    }

    /// What the banner shows at `now`: the announcements neither cleared nor expired, newest
    /// first.
    pub fn current_announcements(&self, now: DateTime<Utc>) -> Vec<&Announcement> {
        let mut current: Vec<&Announcement> = self
            .announcements
            .iter()
            .filter(|a| a.is_current(now))
            .collect();
        current.reverse();
        current
    }

    /// When the banner next changes by itself (the earliest expiry still to come), so a
    /// screen can redraw then without polling.
    pub fn next_expiry(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.announcements
            .iter()
            .filter(|a| a.is_current(now))
            .filter_map(|a| a.until)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Author;
    use chrono::{Duration, NaiveDate, TimeZone};

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    fn event(who: &str, at: DateTime<Utc>, item: Option<&str>, change: Change) -> Event {
        let author = Author {
            operator: who.into(),
            origin: "test".into(),
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        Event::new(&author, "l", day, at, item.map(str::to_string), change)
    }

    #[test]
    fn a_sign_off_is_given_withdrawn_and_given_again() {
        let signed = event(
            "mei",
            at(1, 0),
            Some("signoff-ceo"),
            Change::SignedOff {
                name: "Lin Mei-hua".into(),
                role: "CEO/General Manager".into(),
            },
        );
        let withdrawn = event(
            "mei",
            at(2, 0),
            Some("signoff-ceo"),
            Change::SignoffWithdrawn {
                reason: "uptime failed".into(),
            },
        );
        let pilot = Pilot::replay([&signed], |_| false);
        let s = pilot.signature("signoff-ceo");
        assert_eq!(s.map(|s| s.name.as_str()), Some("Lin Mei-hua"));
        let pilot = Pilot::replay([&signed, &withdrawn], |_| false);
        assert!(pilot.signature("signoff-ceo").is_none());
        let w = pilot.withdrawal("signoff-ceo");
        assert_eq!(w.map(|w| w.reason.as_str()), Some("uptime failed"));
        assert_eq!(w.map(|w| w.name.as_str()), Some("Lin Mei-hua"));
        // The withdrawal undone: signed again.
        let pilot = Pilot::replay([&signed, &withdrawn], |id| *id == withdrawn.id);
        assert!(pilot.signature("signoff-ceo").is_some());
        assert!(pilot.withdrawal("signoff-ceo").is_none());
    }

    #[test]
    fn announcements_show_until_cleared_or_expired() {
        let freeze = event(
            "ann",
            at(5, 0),
            None,
            Change::Announced {
                text: "Deploy freeze until 15:00".into(),
                until: Some(at(7, 0)),
            },
        );
        let rollback = event(
            "bob",
            at(5, 30),
            None,
            Change::Announced {
                text: "Rolling back v2.3".into(),
                until: None,
            },
        );
        let cleared = event(
            "ann",
            at(6, 0),
            None,
            Change::AnnouncementCleared {
                target: rollback.id,
            },
        );
        let pilot = Pilot::replay([&freeze, &rollback, &cleared], |_| false);
        let texts = |now| {
            pilot
                .current_announcements(now)
                .iter()
                .map(|a| a.text.clone())
                .collect::<Vec<_>>()
        };
        assert!(texts(at(4, 59)).is_empty(), "not before it was made");
        assert_eq!(
            texts(at(5, 45)),
            ["Rolling back v2.3", "Deploy freeze until 15:00"],
            "newest first"
        );
        assert_eq!(texts(at(6, 0)), ["Deploy freeze until 15:00"]);
        assert!(texts(at(7, 0)).is_empty(), "expired at its time");
        assert_eq!(pilot.next_expiry(at(6, 30)), Some(at(7, 0)));
        assert_eq!(pilot.announcements().len(), 2, "the log keeps both");
        let by = pilot.announcements()[1].cleared.clone();
        assert_eq!(by, Some(("ann".to_string(), at(6, 0))));
        let unchanged = Pilot::replay([&freeze], |_| false);
        assert_eq!(unchanged.next_expiry(at(7, 0) + Duration::seconds(1)), None);
    }

    #[test]
    fn the_latest_verdict_on_a_target_stands() {
        let fail = event(
            "ann",
            at(1, 0),
            Some("w2-feature-adoption"),
            Change::TargetJudged {
                passed: false,
                reason: "survey: 54 %".into(),
            },
        );
        let pass = event(
            "bob",
            at(2, 0),
            Some("w2-feature-adoption"),
            Change::TargetJudged {
                passed: true,
                reason: "survey redone: 63 %".into(),
            },
        );
        let pilot = Pilot::replay([&fail, &pass], |_| false);
        let j = pilot.judgement("w2-feature-adoption");
        assert_eq!(j.map(|j| (j.passed, j.by.as_str())), Some((true, "bob")));
        assert!(pilot.judgement("w4-ready-for-rollout").is_none());
    }
}
