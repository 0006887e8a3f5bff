//! The layout parser against mutations of the bundled layout (a fixed number of cases, so CI
//! runs the same amount every time): whatever the bytes, `warroom check` and the TUI get a
//! layout or a list of problems with line and column, never a panic.

use proptest::prelude::*;
use warroom::layout::{self, Env};

const SEED: &str = include_str!("../layouts/luckygas-pilot.toml");

/// Pieces a careless edit or a hostile file puts in a layout: numbers at and beyond every limit,
/// quotes, brackets, keys, units, bytes that are not UTF-8.
const PIECES: &[&[u8]] = &[
    b"18446744073709551615",
    b"\"18446744073709551615s\"",
    b"9223372036854775808",
    b"-9223372036854775809",
    b"1e308",
    b"-1e308",
    b"nan",
    b"inf",
    b"-inf",
    b"0",
    b"-1",
    b"\"0s\"",
    b"\"1ns\"",
    b"\"99999999999h\"",
    b"\"",
    b"'",
    b"[",
    b"]",
    b"{",
    b"}",
    b"=",
    b"\n",
    b"[[source]]\n",
    b"[[panel]]\n",
    b"kind = \"tcp\"\n",
    b"unit = \"ratio\"\n",
    b"value < 1%",
    b"fields.a / (fields.b + fields.c) >= 95%",
    b"[CONNECTED] == true",
    b"${",
    b"${X}",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xae",
    b"\x1b]0;x\x07",
    b"$[*]",
    b"$..[?@",
];

#[derive(Debug, Clone)]
enum Mutation {
    Insert { at: usize, piece: usize },
    Replace { at: usize, len: usize, piece: usize },
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0..SEED.len();
    let piece = 0..PIECES.len();
    prop_oneof![
        (at.clone(), piece.clone()).prop_map(|(at, piece)| Mutation::Insert { at, piece }),
        (at.clone(), 1..40usize, piece).prop_map(|(at, len, piece)| Mutation::Replace {
            at,
            len,
            piece
        }),
        (at.clone(), 1..200usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (at, 1..400usize).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

fn apply(text: &mut Vec<u8>, m: &Mutation) {
    let clamp = |at: usize, len: usize, n: usize| (at.min(n), (at + len).min(n));
    match *m {
        Mutation::Insert { at, piece } => {
            let at = at.min(text.len());
            text.splice(at..at, PIECES[piece].iter().copied());
        }
        Mutation::Replace { at, len, piece } => {
            let (a, b) = clamp(at, len, text.len());
            text.splice(a..b, PIECES[piece].iter().copied());
        }
        Mutation::Delete { at, len } => {
            let (a, b) = clamp(at, len, text.len());
            text.drain(a..b);
        }
        Mutation::Duplicate { at, len } => {
            let (a, b) = clamp(at, len, text.len());
            let copy: Vec<u8> = text[a..b].to_vec();
            text.splice(b..b, copy);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_layouts_never_panic(mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut text = SEED.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut text, m);
        }
        let env = Env::empty().with("LUCKYGAS_API", "http://127.0.0.1:9");
        if let Err(e) = layout::parse_bytes("fuzz.toml", &text, &env) {
            // Every problem names where it is.
            for p in e.problems() {
                prop_assert!(p.line >= 1 && p.column >= 1, "{p:?}");
            }
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
