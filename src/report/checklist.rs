//! The checklist in the report: every block's items with who settled them and when (and what
//! their evidence said when they were ticked), the notes, the sign-offs and pre-launch progress.

use chrono::{DateTime, Utc};

use super::model::{
    BlockReport, EvidenceReport, ItemReport, NoteReport, ProgressReport, SectionReport,
    SignoffReport, Totals,
};
use super::{Context, local};
use crate::app::Mark;
use crate::sources::Status;
use crate::store::Change;
use crate::words;

fn item(
    cx: &Context<'_>,
    id: &str,
    text: &crate::layout::Text,
    block: Option<usize>,
) -> ItemReport {
    let state = cx.ledger.item(id);
    let (status, reason) = match &state.mark {
        Mark::Done => ("done", None),
        Mark::Skipped { reason } => ("skipped", Some(reason.clone())),
        Mark::Open => ("open", None),
    };
    let (by, at) = match (&state.mark, &state.by) {
        (Mark::Open, _) | (_, None) => (None, None),
        (_, Some((who, at))) => (Some(who.clone()), Some(*at)),
    };
    let evidence = match (&state.mark, &by, at) {
        (Mark::Done, Some(who), Some(at)) => evidence(cx, &state.history, who, at),
        _ => None,
    };
    // Ticked after its block ended: the record says so, as the list and the detail do.
    let late_minutes = match (&state.mark, block, at) {
        (Mark::Done, Some(block), Some(at)) => cx
            .schedule
            .late_by(block, at)
            .map(|by| by.num_minutes().max(1)),
        _ => None,
    };
    ItemReport {
        id: id.to_string(),
        text: text.get(cx.lang).to_string(),
        status,
        by,
        at: at.map(|at| local(cx.zone, at)),
        reason,
        evidence,
        late_minutes,
    }
}

/// The evidence recorded with the tick that set the mark: same operator, same instant.
fn evidence(
    cx: &Context<'_>,
    history: &[usize],
    who: &str,
    at: DateTime<Utc>,
) -> Option<EvidenceReport> {
    let recorded = history.iter().rev().find_map(|&i| {
        let e = cx.ledger.event(i)?;
        match &e.change {
            Change::Evidence(evidence)
                if e.operator == who && e.at == at && !cx.ledger.is_undone(&e.id) =>
            {
                Some(evidence)
            }
            _ => None,
        }
    })?;
    let status = recorded.status();
    let level = match status {
        None | Some(Status::NoData) => "no_data",
        Some(Status::Ok) => "ok",
        Some(Status::Warn) => "warn",
        Some(Status::Critical) => "critical",
    };
    Some(EvidenceReport {
        level,
        said: words::evidence_record(cx.lang, recorded, |id| cx.source_title(id)),
        // Ticked although the evidence did not prove the item: failing, or without data
        // (warroom asks "tick anyway?" for both).
        against: status.is_some_and(|s| s != Status::Ok),
    })
}

pub fn blocks(cx: &Context<'_>, totals: &mut Totals) -> Vec<BlockReport> {
    cx.layout
        .blocks
        .iter()
        .enumerate()
        .map(|(index, block)| {
            let sections: Vec<SectionReport> = block
                .sections
                .iter()
                .map(|s| SectionReport {
                    id: s.id.clone(),
                    title: s.title.get(cx.lang).to_string(),
                    items: s
                        .items
                        .iter()
                        .map(|i| item(cx, &i.id, &i.text, Some(index)))
                        .collect(),
                })
                .collect();
            let items = || sections.iter().flat_map(|s| &s.items);
            let count = |status: &str| items().filter(|i| i.status == status).count();
            let (done, skipped, open) = (count("done"), count("skipped"), count("open"));
            totals.done += done;
            totals.skipped += skipped;
            totals.open += open;
            totals.total += done + skipped + open;
            totals.against_evidence += items()
                .filter(|i| i.evidence.as_ref().is_some_and(|e| e.against))
                .count();
            let (start, end) = cx.schedule.spans[index];
            BlockReport {
                id: block.id.clone(),
                title: block.title.get(cx.lang).to_string(),
                start: block.start.format("%H:%M").to_string(),
                end: block.end.format("%H:%M").to_string(),
                to_come: cx.as_of < start,
                current: start <= cx.as_of && cx.as_of < end,
                done,
                skipped,
                open,
                sections,
            }
        })
        .collect()
}

pub fn notes(cx: &Context<'_>) -> Vec<NoteReport> {
    let item_text = |id: &str| {
        cx.layout
            .tickables()
            .find(|(_, i, _)| *i == id)
            .map(|(_, _, text)| text.get(cx.lang).to_string())
    };
    let mut notes: Vec<NoteReport> = cx
        .ledger
        .events()
        .iter()
        .map(|s| &s.event)
        .filter(|e| !cx.ledger.is_undone(&e.id))
        .filter_map(|e| match &e.change {
            Change::Note { text } => Some(NoteReport {
                at: local(cx.zone, e.at),
                by: e.operator.clone(),
                item: e.item.clone(),
                item_text: e.item.as_deref().and_then(item_text),
                text: text.clone(),
            }),
            _ => None,
        })
        .collect();
    // RFC 3339 in one zone sorts as time; stable, so same-instant notes keep log order.
    notes.sort_by(|a, b| a.at.cmp(&b.at));
    notes
}

pub fn signoffs(cx: &Context<'_>) -> Vec<SignoffReport> {
    cx.layout
        .signoffs
        .iter()
        .map(|s| {
            let state = cx.ledger.item(&s.id);
            let signed = state.mark == Mark::Done;
            // A named sign-off is credited to the name signed, with the operator whose
            // warroom recorded it when that differs.
            let named = cx.ledger.pilot().signature(&s.id).map(|sig| {
                let name = crate::sources::clean::clean(&sig.name);
                if sig.by == sig.name {
                    name
                } else {
                    format!("{name} ({})", crate::sources::clean::clean(&sig.by))
                }
            });
            let (by, at) = match (&state.by, signed) {
                (Some((who, at)), true) => (
                    Some(named.unwrap_or_else(|| who.clone())),
                    Some(local(cx.zone, *at)),
                ),
                _ => (None, None),
            };
            SignoffReport {
                id: s.id.clone(),
                role: s.role.get(cx.lang).to_string(),
                signed,
                by,
                at,
            }
        })
        .collect()
}

pub fn prelaunch(cx: &Context<'_>) -> Vec<ProgressReport> {
    cx.layout
        .prelaunch
        .iter()
        .map(|section| {
            let mut p = ProgressReport {
                id: section.id.clone(),
                title: section.title.get(cx.lang).to_string(),
                done: 0,
                skipped: 0,
                open: 0,
                total: 0,
            };
            for item in section.items() {
                p.total += 1;
                match cx.ledger.mark(&item.id) {
                    Mark::Done => p.done += 1,
                    Mark::Skipped { .. } => p.skipped += 1,
                    Mark::Open => p.open += 1,
                }
            }
            p
        })
        .collect()
}
