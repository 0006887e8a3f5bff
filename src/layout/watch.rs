//! Watches the layout file while warroom runs: once a second its modification time and a
//! hash of its bytes are compared with the last seen, and a change is read and validated
//! here, off the UI, which only applies what it is sent. An edit that does not validate is
//! sent as its `file:line:col` problems; the running layout stays.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{Env, Layout, parse_bytes};

/// How often the file is looked at.
pub const INTERVAL: Duration = Duration::from_secs(1);

/// A change of the file: the layout it now holds, or why it cannot be used (first problem
/// first, each as `file:line:col: field: message`).
pub type Reloaded = Result<Arc<Layout>, String>;

/// What the file looked like when last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    modified: Option<SystemTime>,
    hash: u64,
}

fn look(path: &PathBuf) -> Option<(Seen, Vec<u8>)> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let bytes = std::fs::read(path).ok()?;
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    Some((
        Seen {
            modified,
            hash: hasher.finish(),
        },
        bytes,
    ))
}

/// Watches `path` until `changes` is closed. The file as it is now is the baseline: only
/// later edits are sent. An editor's save that replaces the file (rename over it) is seen
/// like any other; a file briefly missing mid-save is skipped, not reported.
pub fn spawn(path: PathBuf, env: Env, changes: mpsc::Sender<Reloaded>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last = look(&path).map(|(seen, _)| seen);
        let mut ticks = tokio::time::interval(INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if changes.is_closed() {
                return;
            }
            // The time first, which costs no read; the bytes only when it moved.
            let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
            if modified.is_some() && last.is_some_and(|l| l.modified == modified) {
                continue;
            }
            let Some((seen, bytes)) = look(&path) else {
                continue;
            };
            // The hash decides: a touch without an edit is no change.
            if last.is_some_and(|l| l.hash == seen.hash) {
                last = Some(seen);
                continue;
            }
            last = Some(seen);
            let file = path.display().to_string();
            let env = env.clone();
            let parsed = tokio::task::spawn_blocking(move || parse_bytes(&file, &bytes, &env))
                .await
                .map_err(|e| format!("{}: the check stopped: {e}", path.display()))
                .and_then(|r| r.map(Arc::new).map_err(|e| e.to_string()));
            if changes.send(parsed).await.is_err() {
                return;
            }
        }
    })
}
