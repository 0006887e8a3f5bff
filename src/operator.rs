//! Who is at the keyboard, and from where: `--operator`, else `$WARROOM_OPERATOR`, else
//! user@host; over SSH the client's address is recorded with every change.

use crate::store::Author;

/// Reads the environment once at start-up.
pub fn identify(flag: Option<&str>) -> Author {
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let host = hostname();
    let operator = flag
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .or_else(|| env("WARROOM_OPERATOR"))
        .unwrap_or_else(|| {
            format!(
                "{}@{host}",
                env("USER")
                    .or_else(|| env("LOGNAME"))
                    .unwrap_or_else(|| "operator".to_string())
            )
        });
    Author {
        operator,
        origin: origin(
            env("SSH_CONNECTION").as_deref(),
            env("SSH_CLIENT").as_deref(),
            &host,
        ),
    }
}

/// "ssh from 10.1.2.3 to jump-host" over SSH, else "local on host".
pub fn origin(ssh_connection: Option<&str>, ssh_client: Option<&str>, host: &str) -> String {
    let client = ssh_connection
        .or(ssh_client)
        .and_then(|v| v.split_whitespace().next());
    match client {
        Some(address) => format!("ssh from {address} to {host}"),
        None => format!("local on {host}"),
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_names_the_ssh_client() {
        assert_eq!(
            origin(Some("10.1.2.3 50522 10.0.0.1 22"), None, "jump"),
            "ssh from 10.1.2.3 to jump"
        );
        assert_eq!(
            origin(None, Some("10.9.9.9 1 22"), "jump"),
            "ssh from 10.9.9.9 to jump"
        );
        assert_eq!(origin(None, None, "warroom-pc"), "local on warroom-pc");
    }

    #[test]
    fn flag_wins_over_environment() {
        assert_eq!(identify(Some("ann")).operator, "ann");
    }
}
