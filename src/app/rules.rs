//! What an operator may record about the pilot, checked before the event is made: who may
//! sign a role and who may take a signature back, which targets are an operator's to judge,
//! what an announcement may say and until when. A key only calls these and records the
//! [`Change`] they return; a refusal says why, in the reader's language.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::pilot::Pilot;
use crate::clock::at_zone;
use crate::i18n::{Lang, Msg, t, tf};
use crate::judge::{Bindings, source_of};
use crate::layout::{Layout, Signoff};
use crate::sources::clean::clean;
use crate::store::Change;

/// The longest name a signature records.
pub const MAX_NAME: usize = 80;
/// The longest reason (a withdrawal, a verdict).
pub const MAX_REASON: usize = 500;
/// An announcement is a line on a banner.
pub const MAX_ANNOUNCEMENT: usize = 120;

/// How a sign-off may be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignCheck {
    /// The operator holds the role: they sign as themselves.
    Holder,
    /// The layout names nobody for the role: the signer types their name to confirm it.
    ConfirmName,
}

/// Why something may not be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no sign-off {0:?} in the layout")]
    UnknownSignoff(String),
    #[error("{role} may be signed by {} only, not by {operator}", holders.join(", "))]
    NotHolder {
        role: String,
        operator: String,
        holders: Vec<String>,
    },
    #[error("{role} is already signed by {name}: withdraw it first")]
    AlreadySigned { role: String, name: String },
    #[error("{role} is not signed")]
    NotSigned { role: String },
    #[error("{role} was signed by {name}: only they or a holder of the role may withdraw it")]
    NotYours { role: String, name: String },
    #[error("a name is needed to sign")]
    NameNeeded,
    #[error("a reason is needed")]
    ReasonNeeded,
    #[error("too long: at most {max} characters")]
    TooLong { max: usize },
    #[error("no target {0:?} in the layout")]
    UnknownTarget(String),
    #[error("{target} is measured from {from}: it is judged by its numbers, not by an operator")]
    Measured { target: String, from: String },
    #[error("an announcement needs some text")]
    EmptyAnnouncement,
    #[error("the expiry {0} has already passed")]
    ExpiryPassed(String),
    #[error("{0:?} is not an expiry: use a time such as 15:00 or a duration such as 30m or 2h")]
    BadExpiry(String),
    #[error("no such announcement")]
    UnknownAnnouncement,
    #[error("that announcement is no longer showing")]
    NotShowing,
}

impl Refusal {
    /// The refusal in the reader's language.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Self::UnknownSignoff(id) => tf(lang, Msg::RuleUnknownSignoff, &[id]),
            Self::NotHolder {
                role,
                operator,
                holders,
            } => tf(
                lang,
                Msg::RuleNotHolder,
                &[role, &holders.join(t(lang, Msg::RptListSep)), operator],
            ),
            Self::AlreadySigned { role, name } => tf(lang, Msg::RuleAlreadySigned, &[role, name]),
            Self::NotSigned { role } => tf(lang, Msg::RuleNotSigned, &[role]),
            Self::NotYours { role, name } => tf(lang, Msg::RuleNotYours, &[role, name]),
            Self::NameNeeded => t(lang, Msg::RuleNameNeeded).to_string(),
            Self::ReasonNeeded => t(lang, Msg::RuleReasonNeeded).to_string(),
            Self::TooLong { max } => tf(lang, Msg::RuleTooLong, &[max]),
            Self::UnknownTarget(id) => tf(lang, Msg::RuleUnknownTarget, &[id]),
            Self::Measured { target, from } => tf(lang, Msg::RuleMeasured, &[target, from]),
            Self::EmptyAnnouncement => t(lang, Msg::RuleEmptyAnnouncement).to_string(),
            Self::ExpiryPassed(at) => tf(lang, Msg::RuleExpiryPassed, &[at]),
            Self::BadExpiry(text) => tf(lang, Msg::RuleBadExpiry, &[text]),
            Self::UnknownAnnouncement => t(lang, Msg::RuleUnknownAnnouncement).to_string(),
            Self::NotShowing => t(lang, Msg::RuleNotShowing).to_string(),
        }
    }
}

/// An operator's own words, made safe and checked: no terminal escapes, not blank, not
/// longer than `max` characters.
fn words(text: &str, max: usize, blank: Refusal) -> Result<String, Refusal> {
    let text = clean(text).trim().to_string();
    if text.is_empty() {
        return Err(blank);
    }
    if text.chars().count() > max {
        return Err(Refusal::TooLong { max });
    }
    Ok(text)
}

/// Whether `operator` holds the role: their name as the layout lists it (any case), or the
/// user part of a `user@host` identity.
pub fn holds(signoff: &Signoff, operator: &str) -> bool {
    let operator = operator.trim();
    let user = operator.split('@').next().unwrap_or(operator);
    signoff
        .holders
        .iter()
        .any(|h| h.eq_ignore_ascii_case(operator) || h.eq_ignore_ascii_case(user))
}

fn signoff<'a>(layout: &'a Layout, id: &str) -> Result<&'a Signoff, Refusal> {
    layout
        .signoffs
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Refusal::UnknownSignoff(id.to_string()))
}

/// Whether `operator` may sign the sign-off `id` now, and how.
pub fn may_sign(
    layout: &Layout,
    pilot: &Pilot,
    id: &str,
    operator: &str,
) -> Result<SignCheck, Refusal> {
    let s = signoff(layout, id)?;
    if let Some(signed) = pilot.signature(id) {
        return Err(Refusal::AlreadySigned {
            role: s.role.en.clone(),
            name: signed.name.clone(),
        });
    }
    if s.holders.is_empty() {
        return Ok(SignCheck::ConfirmName);
    }
    if holds(s, operator) {
        Ok(SignCheck::Holder)
    } else {
        Err(Refusal::NotHolder {
            role: s.role.en.clone(),
            operator: operator.to_string(),
            holders: s.holders.clone(),
        })
    }
}

/// The sign-off event: a holder signs as themselves; without holders, `confirmed` is the name
/// the signer typed. Item: the sign-off's id.
pub fn sign(
    layout: &Layout,
    pilot: &Pilot,
    id: &str,
    operator: &str,
    confirmed: Option<&str>,
) -> Result<Change, Refusal> {
    let name = match may_sign(layout, pilot, id, operator)? {
        SignCheck::Holder => operator.to_string(),
        SignCheck::ConfirmName => words(confirmed.unwrap_or(""), MAX_NAME, Refusal::NameNeeded)?,
    };
    Ok(Change::SignedOff {
        name,
        role: signoff(layout, id)?.role.en.clone(),
    })
}

/// The withdrawal event: by the operator who recorded the signature, or a holder of the role
/// (anyone, with a reason, when the role has no holders). Item: the sign-off's id.
pub fn withdraw(
    layout: &Layout,
    pilot: &Pilot,
    id: &str,
    operator: &str,
    reason: &str,
) -> Result<Change, Refusal> {
    let s = signoff(layout, id)?;
    let role = s.role.en.clone();
    let Some(signed) = pilot.signature(id) else {
        return Err(Refusal::NotSigned { role });
    };
    let theirs = signed.by.eq_ignore_ascii_case(operator.trim());
    if !(theirs || s.holders.is_empty() || holds(s, operator)) {
        return Err(Refusal::NotYours {
            role,
            name: signed.name.clone(),
        });
    }
    Ok(Change::SignoffWithdrawn {
        reason: words(reason, MAX_REASON, Refusal::ReasonNeeded)?,
    })
}

/// An operator's verdict on a target: only one no source measures. Item: the target's id.
pub fn judge(
    layout: &Layout,
    bindings: &Bindings,
    target: &str,
    passed: bool,
    reason: &str,
) -> Result<Change, Refusal> {
    let found = layout
        .criteria
        .iter()
        .flat_map(|w| w.targets.iter())
        .find(|t| t.id == target)
        .ok_or_else(|| Refusal::UnknownTarget(target.to_string()))?;
    if let Some(source) = source_of(bindings, &found.metric) {
        return Err(Refusal::Measured {
            target: found.text.en.clone(),
            from: source,
        });
    }
    Ok(Change::TargetJudged {
        passed,
        reason: words(reason, MAX_REASON, Refusal::ReasonNeeded)?,
    })
}

/// An announcement event, shown until `until` (or until cleared).
pub fn announce(
    text: &str,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<Change, Refusal> {
    let text = words(text, MAX_ANNOUNCEMENT, Refusal::EmptyAnnouncement)?;
    if let Some(until) = until
        && until <= now
    {
        let shown = until
            .with_timezone(&zone)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        return Err(Refusal::ExpiryPassed(shown));
    }
    Ok(Change::Announced { text, until })
}

/// Taking down an announcement that is showing.
pub fn clear(pilot: &Pilot, id: Uuid, now: DateTime<Utc>) -> Result<Change, Refusal> {
    let found = pilot
        .announcements()
        .iter()
        .find(|a| a.id == id)
        .ok_or(Refusal::UnknownAnnouncement)?;
    if !found.is_current(now) {
        return Err(Refusal::NotShowing);
    }
    Ok(Change::AnnouncementCleared { target: id })
}

/// An expiry as typed: a time on the launch's clock ("15:00": today, or tomorrow once that
/// has passed) or a duration from now ("30m", "2h", "1h 30m").
pub fn parse_until(text: &str, now: DateTime<Utc>, zone: Tz) -> Result<DateTime<Utc>, Refusal> {
    let trimmed = text.trim();
    let bad = || Refusal::BadExpiry(clean(trimmed));
    for format in ["%H:%M", "%H:%M:%S"] {
        if let Ok(time) = NaiveTime::parse_from_str(trimmed, format) {
            let today = now.with_timezone(&zone).date_naive();
            let at = at_zone(zone, today.and_time(time));
            if at > now {
                return Ok(at);
            }
            let tomorrow = today.succ_opt().ok_or_else(bad)?;
            return Ok(at_zone(zone, tomorrow.and_time(time)));
        }
    }
    let span = humantime::parse_duration(trimmed).map_err(|_| bad())?;
    let span = Duration::from_std(span).map_err(|_| bad())?;
    if span <= Duration::zero() {
        return Err(bad());
    }
    now.checked_add_signed(span).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Env, parse};
    use crate::store::{Author, Event};
    use chrono::{NaiveDate, TimeZone};

    fn layout(holders: &str) -> Layout {
        let text = crate::BUILTIN_LAYOUT.replace(
            "id = \"signoff-ceo\"\n",
            &format!("id = \"signoff-ceo\"\nholders = [{holders}]\n"),
        );
        parse("pilot.toml", &text, &Env::empty()).expect("the seed layout with holders")
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Taipei
            .with_ymd_and_hms(2026, 12, 1, h, m, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn signed(pilot: &mut Pilot, who: &str, id: &str, change: Change) {
        let author = Author {
            operator: who.into(),
            origin: "test".into(),
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        pilot.apply(&Event::new(
            &author,
            "l",
            day,
            at(9, 0),
            Some(id.into()),
            change,
        ));
    }

    #[test]
    fn only_a_holder_signs_a_role_that_has_holders() {
        let layout = layout("\"mei.lin\", \"chen\"");
        let pilot = Pilot::default();
        assert_eq!(
            may_sign(&layout, &pilot, "signoff-ceo", "Mei.Lin@jump-host"),
            Ok(SignCheck::Holder),
            "any case, user part of user@host"
        );
        let refused = may_sign(&layout, &pilot, "signoff-ceo", "bob");
        assert!(
            matches!(refused, Err(Refusal::NotHolder { .. })),
            "{refused:?}"
        );
        let text = refused.err().map(|r| r.text(Lang::En)).unwrap_or_default();
        assert_eq!(
            text,
            "CEO/General Manager may be signed by mei.lin, chen only, not by bob"
        );
        let zh = may_sign(&layout, &pilot, "signoff-ceo", "bob")
            .err()
            .map(|r| r.text(Lang::ZhTw));
        assert_eq!(
            zh.as_deref(),
            Some("CEO/General Manager 只能由 mei.lin、chen 簽核，bob 不在名單內")
        );
        // A role without holders: the signer confirms their name, and must give one.
        assert_eq!(
            may_sign(&layout, &pilot, "signoff-it-director", "bob"),
            Ok(SignCheck::ConfirmName)
        );
        assert_eq!(
            sign(
                &layout,
                &pilot,
                "signoff-it-director",
                "bob",
                Some("  \u{1b}[2J ")
            ),
            Err(Refusal::NameNeeded),
            "escapes are not a name"
        );
        assert_eq!(
            sign(
                &layout,
                &pilot,
                "signoff-it-director",
                "bob",
                Some("王大明 Wang Ta-ming")
            ),
            Ok(Change::SignedOff {
                name: "王大明 Wang Ta-ming".into(),
                role: "IT Director".into()
            })
        );
        assert_eq!(
            sign(&layout, &pilot, "signoff-ceo", "chen", Some("someone else")),
            Ok(Change::SignedOff {
                name: "chen".into(),
                role: "CEO/General Manager".into()
            }),
            "a holder signs as themselves"
        );
        assert!(matches!(
            may_sign(&layout, &pilot, "signoff-nobody", "chen"),
            Err(Refusal::UnknownSignoff(_))
        ));
    }

    #[test]
    fn a_signature_is_withdrawn_by_its_signer_or_a_holder_with_a_reason() {
        let layout = layout("\"mei.lin\", \"chen\"");
        let mut pilot = Pilot::default();
        let change = sign(&layout, &pilot, "signoff-ceo", "mei.lin", None).expect("a holder");
        signed(&mut pilot, "mei.lin", "signoff-ceo", change);
        assert!(matches!(
            may_sign(&layout, &pilot, "signoff-ceo", "chen"),
            Err(Refusal::AlreadySigned { .. })
        ));
        assert!(matches!(
            withdraw(&layout, &pilot, "signoff-ceo", "bob", "no"),
            Err(Refusal::NotYours { .. })
        ));
        assert_eq!(
            withdraw(&layout, &pilot, "signoff-ceo", "chen", " "),
            Err(Refusal::ReasonNeeded)
        );
        assert_eq!(
            withdraw(
                &layout,
                &pilot,
                "signoff-ceo",
                "chen",
                "week 4 uptime failed"
            ),
            Ok(Change::SignoffWithdrawn {
                reason: "week 4 uptime failed".into()
            })
        );
        assert!(matches!(
            withdraw(&layout, &pilot, "signoff-it-director", "chen", "x"),
            Err(Refusal::NotSigned { .. })
        ));
    }

    #[test]
    fn only_targets_no_source_measures_are_judged_by_an_operator() {
        let layout = layout("");
        let bindings = Bindings::of(&layout);
        assert!(matches!(
            judge(&layout, &bindings, "w1-uptime", true, "fine"),
            Err(Refusal::Measured { .. })
        ));
        assert_eq!(
            judge(
                &layout,
                &bindings,
                "w2-feature-adoption",
                false,
                "survey: 54 %"
            ),
            Ok(Change::TargetJudged {
                passed: false,
                reason: "survey: 54 %".into()
            })
        );
        assert_eq!(
            judge(&layout, &bindings, "w4-ready-for-rollout", true, ""),
            Err(Refusal::ReasonNeeded)
        );
        assert!(matches!(
            judge(&layout, &bindings, "w9-nothing", true, "x"),
            Err(Refusal::UnknownTarget(_))
        ));
    }

    #[test]
    fn announcements_are_short_and_expire_in_the_future() {
        let zone = chrono_tz::Asia::Taipei;
        let now = at(14, 0);
        assert_eq!(parse_until("15:00", now, zone), Ok(at(15, 0)));
        assert_eq!(parse_until("30m", now, zone), Ok(at(14, 30)));
        assert_eq!(parse_until("1h 30m", now, zone), Ok(at(15, 30)));
        // 13:00 has passed today: tomorrow's.
        assert_eq!(
            parse_until("13:00", now, zone),
            Ok(at(13, 0) + Duration::days(1))
        );
        assert!(matches!(
            parse_until("soon", now, zone),
            Err(Refusal::BadExpiry(_))
        ));
        assert_eq!(
            announce(" Deploy freeze until 15:00 ", Some(at(15, 0)), now, zone),
            Ok(Change::Announced {
                text: "Deploy freeze until 15:00".into(),
                until: Some(at(15, 0))
            })
        );
        assert!(matches!(
            announce("x", Some(at(13, 0)), now, zone),
            Err(Refusal::ExpiryPassed(_))
        ));
        assert_eq!(
            announce("\u{1b}]0;x\u{7}", None, now, zone),
            Err(Refusal::EmptyAnnouncement)
        );
        assert_eq!(
            announce(&"x".repeat(121), None, now, zone),
            Err(Refusal::TooLong { max: 120 })
        );
        assert_eq!(
            clear(&Pilot::default(), Uuid::now_v7(), now),
            Err(Refusal::UnknownAnnouncement)
        );
    }
}
