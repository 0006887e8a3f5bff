//! Who is in the war room: each running warroom upserts one row every few seconds, keyed by a
//! per-process session id; a row not refreshed within [`EXPIRY`] no longer counts. The table
//! is not the event log, so it may be updated and deleted.

use std::time::Duration;

use chrono::Utc;
use uuid::Uuid;

use super::{Store, StoreError};

/// How often a running warroom refreshes its row.
pub const REFRESH: Duration = Duration::from_secs(3);
/// A warroom not seen for this long has gone (crashed, lost its network, was killed): three
/// refreshes missed, so a dead session leaves the header within seconds, while one slow
/// refresh does not make a live one flicker.
pub const EXPIRY: Duration = Duration::from_secs(10);

/// How often a running warroom clears out the rows of warrooms gone for an hour: a dead row
/// costs nothing but space, and a sweep on every refresh was a statement every 3 s for rows
/// that appear a few times a day.
pub const SWEEP: Duration = Duration::from_secs(300);
const LONG_GONE_MS: i64 = 3_600_000;

/// This process, as announced to the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    pub session: Uuid,
    pub launch: String,
    pub operator: String,
    pub origin: String,
    /// The view the operator is looking at (its title).
    pub view: String,
}

/// Someone in the war room, as last announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub session: Uuid,
    pub operator: String,
    pub origin: String,
    pub view: String,
    pub seen_ms: i64,
}

/// session, operator, origin, view, seen_ms as read back.
type PeerRow = (String, String, String, String, i64);

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

impl Store {
    /// Inserts or refreshes this process's row; with `sweep`, first clears out rows long dead
    /// (warrooms that crashed never say goodbye) so the table stays small.
    pub async fn announce(&self, me: &Presence, sweep: bool) -> Result<(), StoreError> {
        let session = me.session.to_string();
        let seen = now_ms();
        let long_gone = seen - LONG_GONE_MS;
        with_conn!(self, (conn, _begin) => async {
            if sweep {
                sqlx::query("DELETE FROM presence WHERE seen_ms < $1")
                    .bind(long_gone)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO presence (session, launch, operator, origin, view, seen_ms)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (session) DO UPDATE SET launch = excluded.launch,
                     operator = excluded.operator, origin = excluded.origin,
                     view = excluded.view, seen_ms = excluded.seen_ms",
            )
            .bind(&session)
            .bind(&me.launch)
            .bind(&me.operator)
            .bind(&me.origin)
            .bind(&me.view)
            .bind(seen)
            .execute(&mut *conn)
            .await
            .map(|_| ())
        })
    }

    /// Everyone on this launch seen within `expiry`, this process included, oldest session
    /// first so that the list on screen does not reshuffle on every refresh.
    pub async fn present(&self, launch: &str, expiry: Duration) -> Result<Vec<Peer>, StoreError> {
        let since = now_ms() - i64::try_from(expiry.as_millis()).unwrap_or(i64::MAX);
        let rows: Vec<PeerRow> = with_conn!(self, (conn, _begin) => async {
            sqlx::query_as(
                "SELECT session, operator, origin, view, seen_ms FROM presence
                 WHERE launch = $1 AND seen_ms > $2 ORDER BY session",
            )
            .bind(launch)
            .bind(since)
            .fetch_all(&mut *conn)
            .await
        })?;
        Ok(rows
            .into_iter()
            // A row with a mangled session id is someone else's bug; it is left out, not fatal.
            .filter_map(|(session, operator, origin, view, seen_ms)| {
                Some(Peer {
                    session: Uuid::parse_str(&session).ok()?,
                    operator,
                    origin,
                    view,
                    seen_ms,
                })
            })
            .collect())
    }

    /// Removes this process's row on a clean exit, so it drops out at once rather than after
    /// the expiry.
    pub async fn leave(&self, session: Uuid) -> Result<(), StoreError> {
        let session = session.to_string();
        with_conn!(self, (conn, _begin) => async {
            sqlx::query("DELETE FROM presence WHERE session = $1")
                .bind(&session)
                .execute(&mut *conn)
                .await
                .map(|_| ())
        })
    }
}

/// "ssh 10.1.2.3" for an SSH origin ("ssh from 10.1.2.3 to jump"); nothing for a local one.
pub fn short_origin(origin: &str) -> Option<String> {
    origin
        .strip_prefix("ssh from ")
        .and_then(|rest| rest.split_whitespace().next())
        .map(|address| format!("ssh {address}"))
}

#[cfg(test)]
mod tests {
    use super::short_origin;

    #[test]
    fn ssh_origins_shorten_to_the_address() {
        assert_eq!(
            short_origin("ssh from 10.1.2.3 to jump").as_deref(),
            Some("ssh 10.1.2.3")
        );
        assert_eq!(short_origin("local on warroom-pc"), None);
    }
}
