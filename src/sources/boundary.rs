//! Where a poll's answer enters warroom. Every probe [`build`](super::build) makes is wrapped
//! here, so whatever the kind: numbers are converted to the unit they are shown in and checked
//! against it (a negative latency or a ratio of 1e308 marks that one number invalid, the rest of
//! the answer stands), and every string — body, error, stderr — is cleaned of terminal escapes
//! and of the layout's secrets before anything can store or show it.

use futures::future::BoxFuture;

use super::clean::{self, Secrets};
use super::spec::Units;
use super::{Observation, Probe, SourceError, SourceSpec};

pub struct Boundary {
    inner: Box<dyn Probe>,
    units: Units,
    secrets: Secrets,
}

impl Boundary {
    pub fn new(spec: &SourceSpec, inner: Box<dyn Probe>) -> Boundary {
        Boundary {
            inner,
            units: spec.units.clone(),
            secrets: spec.secrets.clone(),
        }
    }
}

impl Probe for Boundary {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(async move {
            match self.inner.poll().await {
                Ok(obs) => Ok(admit(obs, &self.units, &self.secrets)),
                Err(e) => Err(e.scrubbed(&self.secrets)),
            }
        })
    }
}

/// The observation with its numbers in their shown units and its text made safe.
pub fn admit(mut obs: Observation, units: &Units, secrets: &Secrets) -> Observation {
    if let Some(raw) = obs.value.take() {
        match units.of(None).convert(raw) {
            Ok(v) => obs.value = Some(v),
            Err(why) => {
                obs.invalid.insert("value".into(), why);
            }
        }
    }
    let fields = std::mem::take(&mut obs.fields);
    for (name, raw) in fields {
        match units.of(Some(&name)).convert(raw) {
            Ok(v) => {
                obs.fields.insert(name, v);
            }
            Err(why) => {
                obs.invalid.insert(name, why);
            }
        }
    }
    let invalid = std::mem::take(&mut obs.invalid);
    obs.invalid = invalid
        .into_iter()
        .map(|(name, why)| (secrets.scrub(&name), secrets.scrub(&why)))
        .collect();
    if obs.fields.keys().any(|k| clean::clean(k) != *k) {
        let fields = std::mem::take(&mut obs.fields);
        obs.fields = fields
            .into_iter()
            .map(|(k, v)| (secrets.scrub(&k), v))
            .collect();
    }
    if let Some(body) = &mut obs.body {
        clean::clean_json(body);
        secrets.redact_json(body);
    }
    obs
}
