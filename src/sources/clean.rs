//! Text from outside made safe where it enters: every string a backend, a command or a library
//! error hands us passes through here before it is stored, so no screen, log, event or report can
//! carry a terminal escape or a secret.
//!
//! - Terminal control: escape sequences (CSI, OSC, DCS and friends, 7- or 8-bit) are removed
//!   whole, other C0/C1 controls and DEL are removed, line breaks and tabs become spaces, and
//!   bidirectional overrides (U+202A–E, U+2066–9, U+200E/F, U+061C) are removed, so a title can
//!   neither move the cursor, rename the pane, write the clipboard nor read backwards.
//! - Secrets: the values of `${NAME}` substitutions are replaced by `${NAME}` itself, so an error
//!   can still say which variable was involved without saying what it holds.

use std::sync::Arc;

use serde_json::Value;

/// True when `s` has nothing [`clean`] would change (the common case: no copy needed).
fn is_clean(s: &str) -> bool {
    !s.chars().any(is_unsafe)
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi(c)
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `s` without terminal escapes, control characters or bidi overrides (see the module doc).
pub fn clean(s: &str) -> String {
    if is_clean(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // 8-bit CSI, and the 8-bit string introducers (DCS, SOS, OSC, PM, APC).
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' | '\r' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: the rest of one escape sequence.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        // OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (ESC \).
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // nF sequences: intermediates 0x20–0x2F, then one final byte.
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while chars
                .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                .is_some()
            {}
            chars.next();
        }
        // Two-character sequences (ESC c, ESC 7, ...): already consumed.
        _ => {}
    }
}

/// Parameters and intermediates, then the final byte (0x40–0x7E).
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        // A control inside a CSI aborts it; the rest is ordinary text again.
        if c.is_control() {
            return;
        }
    }
}

/// Up to BEL, ST (ESC \) or 8-bit ST (U+009C).
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

/// Every string in a JSON value (keys too) cleaned; the value is left as it is when nothing
/// needs cleaning, which is the usual case and costs one scan.
pub fn clean_json(value: &mut Value) {
    match value {
        Value::String(s) => {
            if !is_clean(s) {
                *s = clean(s);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean_json),
        Value::Object(map) => {
            if map.keys().any(|k| !is_clean(k)) {
                let old = std::mem::take(map);
                for (k, mut v) in old {
                    clean_json(&mut v);
                    map.insert(clean(&k), v);
                }
            } else {
                map.values_mut().for_each(clean_json);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Values substituted for `${NAME}` in a layout, to be kept out of everything warroom writes.
/// Cheap to clone: every source of a layout shares one list.
#[derive(Debug, Clone, Default)]
pub struct Secrets(Arc<Vec<(String, String)>>);

/// Shorter values are not treated as secrets: redacting every "1" or "on" from every message
/// would make messages unreadable, and a secret that short protects nothing.
pub const MIN_SECRET_LEN: usize = 4;

impl Secrets {
    /// From (name, value) pairs; short and empty values are left out, longer values first so
    /// that a value containing another is replaced whole.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Secrets {
        let mut list: Vec<(String, String)> = Vec::new();
        for (name, value) in pairs {
            if value.chars().count() < MIN_SECRET_LEN {
                continue;
            }
            for form in [value.clone(), percent_encoded(&value)] {
                if !list.iter().any(|(_, v)| *v == form) {
                    list.push((name.clone(), form));
                }
            }
        }
        list.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
        Secrets(Arc::new(list))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every secret value replaced by `${NAME}`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (name, value) in self.0.iter() {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), &format!("${{{name}}}"));
            }
        }
        out
    }

    /// Every string in a JSON value redacted (a backend may echo a token back in an error).
    pub fn redact_json(&self, value: &mut Value) {
        if self.is_empty() {
            return;
        }
        match value {
            Value::String(s) => {
                if self.0.iter().any(|(_, v)| s.contains(v.as_str())) {
                    *s = self.redact(s);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.redact_json(v)),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Cleaned and redacted: what every text from outside goes through.
    pub fn scrub(&self, text: &str) -> String {
        self.redact(&clean(text))
    }
}

/// The value as a URL carries it (`a b&c` → `a%20b%26c`): reqwest's errors print the URL
/// they were given, encoded.
fn percent_encoded(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_never_survive() {
        let hostile = "a\u{1b}]0;pwned\u{7}b\u{1b}]52;c;aGk=\u{1b}\\c\u{1b}[2Jd\u{7}e\u{202e}f\u{9b}31mg\u{1b}(Bh\u{0}i\r\nj";
        let cleaned = clean(hostile);
        assert_eq!(cleaned, "abcdefghi j");
        assert!(!cleaned.chars().any(|c| c.is_control() || is_bidi(c)));
        assert_eq!(clean("plain 中文 text"), "plain 中文 text");
    }

    #[test]
    fn json_strings_and_keys_are_cleaned() {
        let mut v = serde_json::json!({"t\u{1b}[1mx": ["\u{202e}abc", {"k": "\u{7}"}], "n": 1});
        clean_json(&mut v);
        assert_eq!(v, serde_json::json!({"tx": ["abc", {"k": ""}], "n": 1}));
    }

    #[test]
    fn secrets_are_replaced_by_their_names() {
        let secrets = Secrets::new([
            ("TOKEN".to_string(), "s3cr3t&x".to_string()),
            ("SHORT".to_string(), "ab".to_string()),
        ]);
        assert_eq!(
            secrets.redact("GET /x?token=s3cr3t&x failed; url ?token=s3cr3t%26x; ab"),
            "GET /x?token=${TOKEN} failed; url ?token=${TOKEN}; ab"
        );
        let mut v = serde_json::json!({"error": "bad token s3cr3t&x"});
        secrets.redact_json(&mut v);
        assert_eq!(v, serde_json::json!({"error": "bad token ${TOKEN}"}));
    }
}
