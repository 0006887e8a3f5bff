//! The `command` kind: `sh -c <command>`; stdout is a number, or JSON read with the source's
//! `value` / `fields` paths. A non-zero exit is a failure with its code and last stderr line.
//!
//! The shell runs in its own process group, and if the poll is dropped before the command
//! finished (the poller's timeout, shutdown) the whole group is killed: `kill_on_drop` alone
//! would only kill `sh`, leaving `sleep`, `curl` and friends running with our pipes.

use std::process::Stdio;
use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use futures::future::BoxFuture;
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;
use toml::Spanned;

use super::extract::{self, Paths, parse_number};
use super::spec::{Check, Reads, SourceKind};
use super::{BodyKind, Observation, Probe, SourceError, SourceSpec, with_timeout};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    command: Spanned<String>,
    value: Option<Spanned<String>>,
    fields: Option<Spanned<BTreeMap<String, String>>>,
}

#[derive(Debug, Clone)]
pub struct Spec {
    /// Run with `sh -c`; stdout is a number, or JSON read with the paths.
    pub command: String,
    pub paths: Paths,
}

impl Spec {
    pub fn new(command: impl Into<String>) -> Spec {
        Spec {
            command: command.into(),
            paths: Paths::default(),
        }
    }

    /// Reads `value` and `fields` (name, JSONPath) from JSON on stdout.
    pub fn reading(
        mut self,
        value: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Result<Spec, SourceError> {
        let fields: BTreeMap<String, String> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.paths = Paths::compile(value.map(str::to_string).as_ref(), &fields)?;
        Ok(self)
    }
}

impl SourceKind for Spec {
    type File = File;

    fn check(f: File, check: &mut Check<'_>) -> Spec {
        let command = check.env(&f.command, "command");
        if command.trim().is_empty() {
            check.problem(f.command.span(), "command", "the command is empty");
        }
        let paths = super::http::compile_paths(check, f.value.as_ref(), f.fields.as_ref());
        Spec { command, paths }
    }

    fn reads(&self) -> Reads {
        Reads {
            body: true,
            value: true,
            fields: true,
            ..Reads::default()
        }
    }

    fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
        Ok(Box::new(CommandProbe {
            command: self.command.clone(),
            paths: self.paths.clone(),
            timeout: spec.timeout,
        }))
    }
}

/// Most a command may print on stdout; more is a runaway, not a measurement.
pub const MAX_STDOUT: u64 = 1024 * 1024;
/// How much of stderr is kept to find its last line.
const STDERR_TAIL: usize = 4096;

pub struct CommandProbe {
    command: String,
    paths: Paths,
    timeout: Duration,
}

impl CommandProbe {
    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| SourceError::Failed(format!("cannot start sh: {e}")))?;
        // Declared after `child`, so dropped before it: the group is killed while its leader is
        // not yet reaped, hence its id cannot have been reused.
        let mut group = GroupKiller(child.id());
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(SourceError::Failed("no pipes to the command".into()));
        };
        // try_join: a too-large stdout ends the poll at once instead of waiting for stderr.
        let (out, err_tail) = tokio::try_join!(read_capped(stdout), read_tail(stderr))?;
        let status = child
            .wait()
            .await
            .map_err(|e| SourceError::Failed(format!("cannot wait for the command: {e}")))?;
        group.disarm();
        let elapsed = started.elapsed();
        if !status.success() {
            let how = match status.code() {
                Some(code) => format!("exit code {code}"),
                None => "killed by a signal".to_string(),
            };
            let last = err_tail.lines().rev().find(|l| !l.trim().is_empty());
            return Err(SourceError::Failed(match last {
                Some(line) => format!("{how}: {}", line.trim()),
                None => how,
            }));
        }
        let mut obs = Observation {
            elapsed,
            ..Observation::default()
        };
        let text = String::from_utf8_lossy(&out);
        let text = text.trim();
        if !self.paths.is_empty() {
            let json = extract::parse_json(text.as_bytes())?;
            self.paths.read(&json)?.into_observation(&mut obs);
            obs.body = Some(json);
            obs.body_kind = BodyKind::Json;
        } else if let Some(n) = parse_number(text) {
            obs.value = Some(n);
        } else if let Ok(json) = serde_json::from_str(text) {
            // JSON without paths: only `[BODY]` conditions read it.
            obs.body = Some(json);
            obs.body_kind = BodyKind::Json;
        } else {
            return Err(SourceError::Invalid(format!(
                "stdout is `{}`, not a number (set `value` to a JSONPath to read JSON)",
                extract::snippet(text.as_bytes())
            )));
        }
        Ok(obs)
    }
}

impl Probe for CommandProbe {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(with_timeout(self.timeout, self.poll_once()))
    }
}

async fn read_capped(stdout: impl AsyncRead + Unpin) -> Result<Vec<u8>, SourceError> {
    let mut out = Vec::new();
    stdout
        .take(MAX_STDOUT + 1)
        .read_to_end(&mut out)
        .await
        .map_err(|e| SourceError::Failed(format!("cannot read stdout: {e}")))?;
    if out.len() as u64 > MAX_STDOUT {
        return Err(SourceError::TooLarge { limit: MAX_STDOUT });
    }
    Ok(out)
}

/// Reads stderr to the end (so the command never blocks on a full pipe) keeping only its tail.
async fn read_tail(mut stderr: impl AsyncRead + Unpin) -> Result<String, SourceError> {
    let mut tail = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stderr
            .read(&mut buf)
            .await
            .map_err(|e| SourceError::Failed(format!("cannot read stderr: {e}")))?;
        if n == 0 {
            break;
        }
        tail.extend_from_slice(&buf[..n]);
        if tail.len() > STDERR_TAIL {
            tail.drain(..tail.len() - STDERR_TAIL);
        }
    }
    Ok(String::from_utf8_lossy(&tail).into_owned())
}

/// Kills the command's process group when a poll ends early.
struct GroupKiller(Option<u32>);

impl GroupKiller {
    fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for GroupKiller {
    fn drop(&mut self) {
        let Some(pgid) = self.0.and_then(|id| libc::pid_t::try_from(id).ok()) else {
            return;
        };
        // SAFETY: kill(2) takes plain integers and touches no memory of ours; a negative pid
        // addresses the process group the shell leads (process_group(0) made pgid == pid).
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}
