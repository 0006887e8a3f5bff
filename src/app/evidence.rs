//! What an item's live evidence says, as a fact: its status and, per source, what it said and
//! why. The checklist's mark, the item detail, the "tick anyway?" question and the event stored
//! with a tick are all made from this one reading. "No data" is never ok: nothing configured,
//! no answer yet, or an answer too old to stand for now.

use super::App;
use crate::layout::Evidence;
use crate::sources::{Failure, Status};
use crate::store::{EvidenceFact, NoData, SourceSaid, Watched};

pub fn fact(app: &App, evidence: &Evidence) -> EvidenceFact {
    match evidence {
        Evidence::Source(id) => {
            let said = source(app, id);
            EvidenceFact {
                of: Watched::Source { id: id.clone() },
                status: said.status,
                sources: vec![said],
            }
        }
        Evidence::Panel(id) => {
            let of = Watched::Panel { id: id.clone() };
            let Some(panel) = app.layout.panels.iter().find(|p| &p.id == id) else {
                return EvidenceFact {
                    of,
                    status: Status::NoData,
                    sources: vec![no_data(id, NoData::NotDeclared)],
                };
            };
            let sources: Vec<SourceSaid> = panel.sources.iter().map(|s| source(app, s)).collect();
            let status = sources
                .iter()
                .map(|s| s.status)
                .max()
                .unwrap_or(Status::NoData);
            EvidenceFact {
                of,
                status,
                sources,
            }
        }
        Evidence::NoCriticalAlerts => {
            let of = Watched::NoCriticalAlerts;
            let open: Vec<SourceSaid> = app
                .ledger
                .alerts()
                .iter()
                .filter(|a| a.is_open() && a.is_critical())
                .map(|a| SourceSaid {
                    source: a.source.clone(),
                    status: Status::Critical,
                    failure: Some(a.failure.clone()),
                    no_data: None,
                })
                .collect();
            if !open.is_empty() {
                return EvidenceFact {
                    of,
                    status: Status::Critical,
                    sources: open,
                };
            }
            // "No critical alert" means something only while the sources that raise alerts
            // are answering: with no backend, or before the first answers, it is no data.
            let silent: Vec<SourceSaid> = app
                .layout
                .sources
                .iter()
                .map(|s| source(app, &s.spec.id))
                .filter(|s| s.status == Status::NoData)
                .collect();
            if app.layout.sources.is_empty() {
                return EvidenceFact {
                    of,
                    status: Status::NoData,
                    sources: vec![no_data("", NoData::NoSources)],
                };
            }
            EvidenceFact {
                of,
                status: if silent.is_empty() {
                    Status::Ok
                } else {
                    Status::NoData
                },
                sources: silent,
            }
        }
    }
}

fn no_data(id: &str, why: NoData) -> SourceSaid {
    SourceSaid {
        source: id.to_string(),
        status: Status::NoData,
        failure: None,
        no_data: Some(why),
    }
}

fn source(app: &App, id: &str) -> SourceSaid {
    let Some(index) = app.layout.source_index(id) else {
        return no_data(id, NoData::NotDeclared);
    };
    let declared = &app.layout.sources[index];
    if !declared.missing_env.is_empty() {
        return no_data(
            id,
            NoData::NotConfigured {
                missing: declared.missing_env.clone(),
            },
        );
    }
    let Some(state) = app.live.sources.get(index) else {
        return no_data(id, NoData::NoAnswer);
    };
    // Intervals are on the launch's clock: a rehearsal runs them faster in real time.
    let interval = app.interval(declared);
    match (state.status(app.now, interval), state.answered_at()) {
        (Status::NoData, Some(at)) => no_data(
            id,
            NoData::Stale {
                seconds: (app.now - at).num_seconds().max(0),
            },
        ),
        (Status::NoData, None) => no_data(id, NoData::NoAnswer),
        (status, _) => SourceSaid {
            source: id.to_string(),
            status,
            failure: state.reason.as_ref().map(Failure::from),
            no_data: None,
        },
    }
}
