//! The environment a layout's `${NAME}`s are read from: an argument of [`load`](super::load),
//! so that `warroom demo` can point `${LUCKYGAS_API}` at its own backend and a test can give
//! exactly the variables it means, without touching the process's environment.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    process: bool,
}

impl Env {
    /// The process's environment (what `warroom` started with).
    pub fn process() -> Env {
        Env {
            vars: BTreeMap::new(),
            process: true,
        }
    }

    /// No variables at all: every `${NAME}` is unset.
    pub fn empty() -> Env {
        Env::default()
    }

    /// This environment with `name` set to `value` (over the process's, if any).
    pub fn with(mut self, name: &str, value: &str) -> Env {
        self.vars.insert(name.to_string(), value.to_string());
        self
    }

    /// The value of `name`; an empty value counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .cloned()
            .or_else(|| self.process.then(|| std::env::var(name).ok()).flatten())
            .filter(|v| !v.is_empty())
    }
}
