//! `warroom check FILE`: validates a layout and says what it holds. A `${NAME}` that is not
//! set is a warning, listed (the sources that need it stay unconfigured, and their panels say
//! so), so a layout can be checked in CI without its secrets; `--strict` makes it an error,
//! for the check before the launch.

use std::path::Path;

use crate::layout::{self, Env, Layout, Problem};

/// What a check prints, and how it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// For standard output: "FILE: ok" and the counts, when the layout passes.
    pub out: Vec<String>,
    /// For standard error: problems and warnings, `file:line:col: field: …` first.
    pub err: Vec<String>,
    pub ok: bool,
}

/// Checks the layout at `file` with the variables of `env`.
pub fn check(file: &Path, env: &Env, strict: bool) -> Outcome {
    let layout = match layout::load(file, env) {
        Ok(layout) => layout,
        Err(e) => {
            return Outcome {
                out: Vec::new(),
                err: vec![e.to_string()],
                ok: false,
            };
        }
    };
    let shown = file.display().to_string();
    let unset = unset_lines(
        &shown,
        &layout.unset_env,
        if strict { "" } else { "warning: " },
    );
    let variables = distinct(&layout.unset_env);
    if strict && !unset.is_empty() {
        let mut err = unset;
        err.push(format!(
            "{shown}: {} unset environment variable{} ({}): with --strict every ${{NAME}} the layout uses must be set",
            variables.len(),
            if variables.len() == 1 { "" } else { "s" },
            variables.join(", ")
        ));
        return Outcome {
            out: Vec::new(),
            err,
            ok: false,
        };
    }
    let mut out = vec![if unset.is_empty() {
        format!("{shown}: ok")
    } else {
        format!(
            "{shown}: ok, with {} unset environment variable{} ({}): the sources that use them stay unconfigured; --strict makes this an error",
            variables.len(),
            if variables.len() == 1 { "" } else { "s" },
            variables.join(", ")
        )
    }];
    out.extend(summary(&layout));
    Outcome {
        out,
        err: unset,
        ok: true,
    }
}

/// Each unset variable once, where it is first used, with how many more uses it has.
fn unset_lines(file: &str, problems: &[Problem], prefix: &str) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    let mut lines = Vec::new();
    for problem in problems {
        if seen.contains(&problem.message.as_str()) {
            continue;
        }
        seen.push(&problem.message);
        let uses = problems
            .iter()
            .filter(|p| p.message == problem.message)
            .count();
        let more = if uses > 1 {
            format!(" (and {} more uses)", uses - 1)
        } else {
            String::new()
        };
        let field = if problem.field.is_empty() {
            String::new()
        } else {
            format!("{}: ", problem.field)
        };
        lines.push(format!(
            "{file}:{}:{}: {field}{prefix}{}{more}",
            problem.line, problem.column, problem.message
        ));
    }
    lines
}

/// The names of the unset variables, each once, in the order first used.
fn distinct(problems: &[Problem]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for p in problems {
        // "environment variable NAME is not set: …"
        let name = p
            .message
            .strip_prefix("environment variable ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or(&p.message)
            .to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// What the layout holds, a line each.
fn summary(layout: &Layout) -> Vec<String> {
    let c = layout.counts();
    let date = layout
        .launch
        .date
        .map_or_else(|| "today in its zone".to_string(), |d| d.to_string());
    let pilot = match layout.pilot_start() {
        Some(start) => format!(
            "Day 1 {start}, {} weeks, {} phases",
            layout.pilot_weeks(),
            layout.timeline.iter().filter(|p| p.weeks.is_some()).count()
        ),
        None => "no start date ([pilot] start): weeks cannot be placed".to_string(),
    };
    let holders = layout
        .signoffs
        .iter()
        .filter(|s| !s.holders.is_empty())
        .count();
    vec![
        format!(
            "  launch       {} ({}), {}, date: {date}",
            layout.launch.name.en,
            layout.launch.id,
            layout.launch.zone.name()
        ),
        format!("  pilot        {pilot}"),
        format!(
            "  launch day   {} blocks, {} sections, {} items",
            c.blocks, c.launch_sections, c.launch_items
        ),
        format!(
            "  pre-launch   {} sections, {} groups, {} items",
            c.prelaunch_sections, c.prelaunch_groups, c.prelaunch_items
        ),
        format!(
            "  criteria     {} weeks, {} targets",
            c.criteria_weeks, c.targets
        ),
        format!(
            "  expansion    {} sections, {} items",
            c.expansion_sections, c.expansion_items
        ),
        format!(
            "  contacts     {} groups, {} contacts",
            c.contact_groups, c.contacts
        ),
        format!(
            "  timeline     {} phases, {} entries",
            c.timeline_phases, c.timeline_entries
        ),
        format!(
            "  sign-offs    {} ({holders} with named holders)",
            c.signoffs
        ),
        format!(
            "  live         {} sources, {} panels",
            layout.sources.len(),
            layout.panels.len()
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: &str = "layouts/luckygas-pilot.toml";

    #[test]
    fn an_unset_variable_is_a_warning_and_with_strict_an_error() {
        let path = Path::new(LAYOUT);
        let loose = check(path, &Env::empty(), false);
        assert!(loose.ok);
        assert!(
            loose.out[0].starts_with(&format!(
                "{LAYOUT}: ok, with 1 unset environment variable (LUCKYGAS_API)"
            )),
            "{:?}",
            loose.out
        );
        assert_eq!(loose.err.len(), 1, "one line per variable: {:?}", loose.err);
        assert!(
            loose.err[0].contains(": warning: environment variable LUCKYGAS_API is not set")
                && loose.err[0].contains("more uses)"),
            "{:?}",
            loose.err
        );
        assert!(
            loose.err[0].starts_with(&format!("{LAYOUT}:")),
            "file:line:col first"
        );
        let strict = check(path, &Env::empty(), true);
        assert!(!strict.ok);
        assert!(
            strict.out.is_empty(),
            "never 'ok' before an error: {:?}",
            strict.out
        );
        assert!(!strict.err[0].contains("warning"), "{:?}", strict.err);
        assert!(strict.err[1].contains("with --strict"), "{:?}", strict.err);
        let set = Env::empty().with("LUCKYGAS_API", "http://127.0.0.1:8787");
        let both = check(path, &set, true);
        assert!(both.ok && both.err.is_empty(), "{both:?}");
        assert_eq!(both.out[0], format!("{LAYOUT}: ok"));
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let outcome = check(Path::new("no/such/layout.toml"), &Env::empty(), false);
        assert!(!outcome.ok);
        assert!(outcome.err[0].contains("cannot read"), "{:?}", outcome.err);
    }
}
