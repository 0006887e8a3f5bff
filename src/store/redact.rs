//! Database URLs carry passwords; they are shown, logged and written only through [`redact`].

/// The URL with its password (in the user-info part or a `password=` query parameter)
/// replaced by `***`. Anything that is not a URL comes back unchanged.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = url[..rest_start].to_string();
    // The last '@' ends the user info: a password may itself contain '@'.
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..colon]);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let tail = &rest[authority_end..];
    match tail.find('?') {
        Some(q) => {
            out.push_str(&tail[..q + 1]);
            let query = &tail[q + 1..];
            let (query, fragment) = query
                .split_once('#')
                .map_or((query, None), |(a, b)| (a, Some(b)));
            let params: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            out.push_str(&params.join("&"));
            if let Some(fragment) = fragment {
                out.push('#');
                out.push_str(fragment);
            }
        }
        None => out.push_str(tail),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_survive() {
        assert_eq!(
            redact("postgres://ann:s3cret@db.example:5432/warroom"),
            "postgres://ann:***@db.example:5432/warroom"
        );
        assert_eq!(
            redact("postgresql://ann:p@ss:w@rd@db/warroom?sslmode=require"),
            "postgresql://ann:***@db/warroom?sslmode=require"
        );
        assert_eq!(
            redact("postgres://db/warroom?user=ann&password=s3cret&application_name=x"),
            "postgres://db/warroom?user=ann&password=***&application_name=x"
        );
        assert_eq!(
            redact("postgres://ann@127.0.0.1/test"),
            "postgres://ann@127.0.0.1/test"
        );
        assert_eq!(redact("/var/lib/warroom.db"), "/var/lib/warroom.db");
    }
}
