//! Why the store cannot write: the cause an operator sees in the header ("disk full",
//! "PostgreSQL refused: too many clients"). Any of these puts warroom into outage mode, where
//! changes wait in the fsynced journal; any other error refuses the one change.

use std::fmt;

use super::StoreError;

/// A reason writing stopped that is worth waiting out (journal, retry), not a refusal of one
/// change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outage {
    /// No answer: network, server down or restarting, connection dropped or silent.
    Unreachable,
    /// The server turned the connection away and said why ("too many clients").
    Refused(String),
    /// SQLite's file or PostgreSQL's disk is full.
    DiskFull,
    /// The database file (or its folder) cannot be written.
    ReadOnly,
    /// The disk answered with an I/O error.
    Io,
    /// Another process held the database's write lock past the busy timeout.
    Locked,
}

impl fmt::Display for Outage {
    /// English, for logs and errors; the screen takes its words from the catalogue.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable => f.write_str("database unreachable"),
            Self::Refused(why) => write!(f, "PostgreSQL refused: {why}"),
            Self::DiskFull => f.write_str("disk full"),
            Self::ReadOnly => f.write_str("database read-only"),
            Self::Io => f.write_str("disk I/O error"),
            Self::Locked => f.write_str("database locked"),
        }
    }
}

// SQLite primary result codes (the low byte of an extended code).
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
const SQLITE_READONLY: i64 = 8;
const SQLITE_IOERR: i64 = 10;
const SQLITE_FULL: i64 = 13;
const SQLITE_CANTOPEN: i64 = 14;

impl StoreError {
    /// Is this a reason to keep the change in the journal and retry later, and which one?
    /// `None`: the database answered and refused this change; retrying would not help.
    pub fn outage(&self) -> Option<Outage> {
        match self {
            Self::TimedOut { .. } => Some(Outage::Unreachable),
            // Whatever the reason, the change is not at fault: it waits in the journal.
            Self::Refused {
                sqlstate, message, ..
            } => Some(
                postgres_outage(sqlstate, message)
                    .filter(|o| matches!(o, Outage::Refused(_)))
                    .unwrap_or_else(|| Outage::Refused(short(message))),
            ),
            Self::Sql { source, .. } => outage_of(source),
            Self::Migrate {
                source: sqlx::migrate::MigrateError::Execute(e),
                ..
            } => outage_of(e),
            _ => None,
        }
    }

    /// Out of reach, full, read-only, locked: anything [`Self::outage`] names.
    pub fn is_unreachable(&self) -> bool {
        self.outage().is_some()
    }

    /// Refused for a reason that waiting will not fix — a wrong password or role, no such
    /// database: at start, better said at once than waited out.
    pub fn is_misconfiguration(&self) -> bool {
        matches!(self, Self::Refused { sqlstate, .. }
            if sqlstate.starts_with("28") || sqlstate == "3D000")
    }
}

/// The outage a sqlx error means, if any.
pub fn outage_of(error: &sqlx::Error) -> Option<Outage> {
    match error {
        sqlx::Error::Io(e) => Some(io_outage(e)),
        sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Some(Outage::Unreachable),
        sqlx::Error::Database(e) => {
            let code = e.code()?;
            // SQLite codes are numbers, PostgreSQL's SQLSTATEs five characters with letters.
            if let Ok(number) = code.parse::<i64>()
                && code.len() < 5
            {
                return sqlite_outage(number);
            }
            postgres_outage(&code, e.message())
        }
        _ => None,
    }
}

fn io_outage(e: &std::io::Error) -> Outage {
    match e.raw_os_error() {
        Some(libc::ENOSPC) | Some(libc::EDQUOT) => Outage::DiskFull,
        Some(libc::EROFS) | Some(libc::EACCES) | Some(libc::EPERM) => Outage::ReadOnly,
        Some(libc::EIO) => Outage::Io,
        _ => Outage::Unreachable,
    }
}

fn sqlite_outage(extended: i64) -> Option<Outage> {
    match extended & 0xff {
        SQLITE_FULL => Some(Outage::DiskFull),
        SQLITE_READONLY => Some(Outage::ReadOnly),
        SQLITE_IOERR | SQLITE_CANTOPEN => Some(Outage::Io),
        SQLITE_BUSY | SQLITE_LOCKED => Some(Outage::Locked),
        _ => None,
    }
}

fn postgres_outage(sqlstate: &str, message: &str) -> Option<Outage> {
    match sqlstate {
        // too_many_connections: the server's limit, a role's or a database's CONNECTION LIMIT.
        "53300" if message.contains("for role") || message.contains("for database") => {
            Some(Outage::Refused(short(message)))
        }
        "53300" => Some(Outage::Refused("too many clients".into())),
        "53100" => Some(Outage::DiskFull),
        "58030" => Some(Outage::Io),
        "25006" => Some(Outage::ReadOnly),
        // lock_not_available, deadlock: another session holds the events table.
        "55P03" | "40P01" => Some(Outage::Locked),
        // Insufficient resources (out of memory, ...), operator intervention (shutdown,
        // terminated, cannot connect now), connection exceptions.
        s if s.starts_with("53") || s.starts_with("57P") || s.starts_with("08") => {
            Some(Outage::Unreachable)
        }
        _ => None,
    }
}

/// A server's message, cut to fit a header and stripped of anything that is not plain text.
fn short(message: &str) -> String {
    let clean: String = message
        .chars()
        .filter(|c| !c.is_control())
        .take(60)
        .collect();
    clean.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_codes_name_their_outage() {
        assert_eq!(sqlite_outage(13), Some(Outage::DiskFull));
        // SQLITE_READONLY_DBMOVED and SQLITE_IOERR_WRITE: extended codes keep their class.
        assert_eq!(sqlite_outage(1032), Some(Outage::ReadOnly));
        assert_eq!(sqlite_outage(778), Some(Outage::Io));
        assert_eq!(sqlite_outage(5), Some(Outage::Locked));
        // SQLITE_CONSTRAINT is this change's fault, not an outage.
        assert_eq!(sqlite_outage(19), None);
    }

    #[test]
    fn postgres_refusals_are_said_in_words() {
        assert_eq!(
            postgres_outage("53300", "sorry, too many clients already"),
            Some(Outage::Refused("too many clients".into()))
        );
        assert_eq!(
            postgres_outage("53300", "too many connections for role \"ann\""),
            Some(Outage::Refused(
                "too many connections for role \"ann\"".into()
            ))
        );
        assert_eq!(
            postgres_outage(
                "57P01",
                "terminating connection due to administrator command"
            ),
            Some(Outage::Unreachable)
        );
        assert_eq!(postgres_outage("23505", "duplicate key"), None);
        let refused = |sqlstate: &str, message: &str| StoreError::Refused {
            path: "postgres://ann:***@db/warroom".into(),
            sqlstate: sqlstate.into(),
            message: message.into(),
        };
        // Mid-day, any refusal keeps changes in the journal; at start, a wrong password or
        // database is said at once instead of waited out.
        let password = refused("28P01", "password authentication failed for user \"ann\"");
        assert!(password.is_misconfiguration());
        assert_eq!(
            password.outage(),
            Some(Outage::Refused(
                "password authentication failed for user \"ann\"".into()
            ))
        );
        let full = refused("53300", "sorry, too many clients already");
        assert!(!full.is_misconfiguration());
        assert_eq!(
            full.outage(),
            Some(Outage::Refused("too many clients".into()))
        );
        assert_eq!(
            Outage::Refused("too many clients".into()).to_string(),
            "PostgreSQL refused: too many clients"
        );
    }
}
