//! How the store's tasks call what may hang: database operations under a time limit, journal
//! file I/O on the blocking pool, retries within bounds.

use std::time::Duration;

use super::journal::JournalError;
use super::{Store, StoreError};

pub(super) const FIRST_RETRY: Duration = Duration::from_millis(250);
pub(super) const MAX_RETRY: Duration = Duration::from_secs(4);
/// A safety net around every use of the database: the store's own timeouts come first.
pub(super) const OP_TIMEOUT: Duration = Duration::from_secs(15);

pub(super) async fn timed<T>(
    store: &Store,
    op: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    tokio::time::timeout(OP_TIMEOUT, op)
        .await
        .unwrap_or_else(|_| {
            Err(StoreError::TimedOut {
                path: store.location().to_string(),
                after: OP_TIMEOUT,
            })
        })
}

/// Runs journal file I/O (fsync included) on the blocking pool, off the async workers.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, JournalError> + Send + 'static,
) -> Result<T, JournalError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(e) => Err(JournalError::Io {
            path: String::new(),
            source: std::io::Error::other(format!("journal task failed: {e}")),
        }),
    }
}
