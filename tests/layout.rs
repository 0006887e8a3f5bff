//! The layout format: the seed layout's shape, and every way a layout can be wrong, each
//! reported at the exact line and column of the value at fault.

use std::path::Path;

use chrono::NaiveTime;
use warroom::layout::{self, Counts, Env, Layout, LayoutError, Problem, TargetValue};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// 1-based (line, column) of the `nth` (0-based) occurrence of `needle` in `text`, columns
/// counted in characters. Computed independently of the code under test, so that expected
/// positions in the cases below are read off the text itself.
fn at_nth(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or_else(|| {
            panic!("test bug: occurrence {nth} of {needle:?} not found in the case text")
        });
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn at(text: &str, needle: &str) -> (usize, usize) {
    at_nth(text, needle, 0)
}

/// Parses text that must be rejected and returns the error.
fn reject(text: &str) -> LayoutError {
    match layout::parse("bad.toml", text, &Env::empty()) {
        Ok(_) => panic!("layout was accepted but should have been rejected:\n{text}"),
        Err(e) => e,
    }
}

/// Parses text that must be rejected with exactly one problem, and returns it.
fn one_problem(text: &str) -> Problem {
    let err = reject(text);
    let problems = err.problems();
    assert_eq!(
        problems.len(),
        1,
        "expected exactly one problem, got:\n{err}"
    );
    problems[0].clone()
}

fn accept(text: &str) -> Layout {
    layout::parse("ok.toml", text, &Env::empty()).unwrap_or_else(|e| {
        panic!("layout should be valid but was rejected:\n{e}\n--- text ---\n{text}")
    })
}

/// Asserts position and field, and that the message contains `message_part`; also checks the
/// error's Display line is `bad.toml:LINE:COL: field: message`.
#[track_caller]
fn assert_problem(text: &str, p: &Problem, pos: (usize, usize), field: &str, message_part: &str) {
    assert_eq!((p.line, p.column), pos, "wrong position for {p:?}");
    assert_eq!(p.field, field, "wrong field for {p:?}");
    assert!(
        p.message.contains(message_part),
        "message {:?} should contain {message_part:?}",
        p.message
    );
    let shown = reject(text).to_string();
    let expected_line = format!("bad.toml:{}:{}: {}: {}", pos.0, pos.1, field, p.message);
    assert!(
        shown.lines().any(|l| l == expected_line),
        "Display {shown:?} should have the line {expected_line:?}"
    );
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid test time")
}

/// A small valid layout; the bad cases below are variations of it.
const MINIMAL: &str = r#"[launch]
id = "pilot"
name = "Pilot"
timezone = "Asia/Taipei"

[[block]]
id = "morning"
title = "Morning"
start = "06:00"
end = "08:00"

[[block.section]]
id = "checks"
title = "Checks"
items = [
  { id = "first", text = "First item" },
]
"#;

// ---------------------------------------------------------------------------------------------
// The seed layout
// ---------------------------------------------------------------------------------------------

const SEED: &str = "layouts/luckygas-pilot.toml";

fn seed() -> Layout {
    layout::load(Path::new(SEED), &Env::empty())
        .unwrap_or_else(|e| panic!("the seed layout must load: {e}"))
}

fn seed_counts() -> Counts {
    Counts {
        blocks: 4,
        launch_sections: 11,
        launch_items: 45,
        prelaunch_sections: 8,
        prelaunch_groups: 21,
        prelaunch_items: 109,
        criteria_weeks: 3,
        targets: 15,
        expansion_sections: 3,
        expansion_items: 15,
        contact_groups: 3,
        contacts: 10,
        timeline_phases: 3,
        timeline_entries: 11,
        signoffs: 5,
    }
}

#[test]
fn seed_layout_counts() {
    assert_eq!(seed().counts(), seed_counts());
}

#[test]
fn builtin_layout_is_the_seed() {
    let builtin = layout::parse(
        warroom::BUILTIN_LAYOUT_NAME,
        warroom::BUILTIN_LAYOUT,
        &Env::empty(),
    )
    .unwrap_or_else(|e| panic!("BUILTIN_LAYOUT must parse: {e}"));
    assert_eq!(builtin.counts(), seed_counts());
    let ids = |l: &Layout| {
        l.tickables()
            .map(|(_, id, _)| id.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&builtin),
        ids(&seed()),
        "built-in and on-disk layouts must list the same items"
    );
}

#[test]
fn seed_launch_zone_and_blocks() {
    let l = seed();
    assert_eq!(l.launch.id, "luckygas-pilot");
    assert_eq!(l.launch.zone, chrono_tz::Asia::Taipei);
    assert_eq!(
        l.launch.date, None,
        "the seed leaves the date to 'today in the zone'"
    );
    let blocks: Vec<(&str, &str, NaiveTime, NaiveTime)> = l
        .blocks
        .iter()
        .map(|b| (b.id.as_str(), b.title.en.as_str(), b.start, b.end))
        .collect();
    assert_eq!(
        blocks,
        vec![
            ("morning", "Morning of Launch", t(6, 0), t(8, 0)),
            ("first-orders", "First Orders", t(8, 0), t(12, 0)),
            ("afternoon-review", "Afternoon Review", t(14, 0), t(16, 0)),
            ("end-of-day", "End of Day", t(17, 0), t(19, 0)),
        ]
    );
    let zh: Vec<Option<&str>> = l.blocks.iter().map(|b| b.title.zh.as_deref()).collect();
    assert_eq!(
        zh,
        vec![
            Some("上線當天早上"),
            Some("首批訂單"),
            Some("下午檢討"),
            Some("當日收尾")
        ]
    );
}

#[test]
fn seed_every_tickable_item_has_chinese() {
    let l = seed();
    let missing: Vec<&str> = l
        .tickables()
        .filter(|(_, _, text)| text.zh.as_deref().is_none_or(|z| z.trim().is_empty()))
        .map(|(_, id, _)| id)
        .collect();
    assert!(missing.is_empty(), "items without a zh text: {missing:?}");
    // 45 launch-day + 109 pre-launch + 15 expansion + 5 sign-offs.
    assert_eq!(l.tickables().count(), 174);
}

#[test]
fn seed_exact_texts() {
    let l = seed();
    let text_of = |id: &str| -> String {
        l.tickables()
            .find(|(_, item, _)| *item == id)
            .map(|(_, _, text)| text.en.clone())
            .unwrap_or_else(|| panic!("seed layout has no item {id:?}"))
    };
    assert_eq!(
        text_of("health-checks-passing"),
        "All services health checks passing"
    );
    assert_eq!(
        text_of("todays-routes-generated"),
        "Today's routes generated correctly"
    );
    assert_eq!(
        text_of("next-day-planning-completed"),
        "Next day planning completed"
    );
    assert_eq!(
        text_of("load-tests-passed"),
        "Load tests passed (100 concurrent users)"
    );
    assert_eq!(
        text_of("api-response-time-p95"),
        "Response time < 200ms for API calls (p95)"
    );
    assert_eq!(text_of("insurance-reviewed"), "Insurance coverage reviewed");
    assert_eq!(
        text_of("positive-customer-feedback"),
        "Positive customer feedback (>80%)"
    );
    assert_eq!(text_of("signoff-ceo"), "CEO/General Manager");

    let first = &l.blocks[0].sections[0];
    assert_eq!(first.title.en, "System Checks");
    assert_eq!(
        first.items[0].text.zh.as_deref(),
        Some("所有服務的健康檢查皆通過")
    );

    let customer = l
        .prelaunch
        .iter()
        .find(|s| s.id == "customer-selection")
        .expect("prelaunch section customer-selection");
    assert_eq!(customer.number, Some(4));
    assert_eq!(
        customer.note.as_ref().map(|n| n.en.as_str()),
        Some("Pilot Customer Profile: Select 10-20 customers meeting these criteria:")
    );

    let target = |id: &str| {
        l.criteria
            .iter()
            .flat_map(|w| &w.targets)
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("no target {id:?}"))
    };
    assert_eq!(target("w1-uptime").threshold(), "> 99%");
    assert_eq!(target("w2-uptime").threshold(), "> 99.5%");
    assert_eq!(target("w1-avg-response-time").threshold(), "< 300 ms");
    assert_eq!(target("w1-satisfaction").threshold(), "> 4/5");
    assert_eq!(
        target("w4-ready-for-rollout").value,
        TargetValue::Bool(true)
    );
    assert_eq!(
        l.criteria.iter().map(|w| w.week).collect::<Vec<_>>(),
        vec![1, 2, 4]
    );

    let gcp = l
        .contacts
        .iter()
        .flat_map(|g| &g.people)
        .find(|c| c.id == "gcp-support")
        .expect("contact gcp-support");
    assert_eq!(gcp.reference.as_deref(), Some("[Case Number]"));
    assert_eq!(
        l.timeline[0].entries[0].text.en,
        "5 customers (close partners)"
    );
}

// ---------------------------------------------------------------------------------------------
// Valid layouts
// ---------------------------------------------------------------------------------------------

#[test]
fn minimal_layout_parses() {
    let l = accept(MINIMAL);
    assert_eq!(l.source, "ok.toml");
    assert_eq!(l.launch.zone, chrono_tz::Asia::Taipei);
    assert_eq!(
        l.counts(),
        Counts {
            blocks: 1,
            launch_sections: 1,
            launch_items: 1,
            ..Counts::default()
        }
    );
    assert_eq!((l.blocks[0].start, l.blocks[0].end), (t(6, 0), t(8, 0)));
    assert_eq!(l.blocks[0].sections[0].items[0].text.en, "First item");
    assert_eq!(l.blocks[0].sections[0].items[0].text.zh, None);
}

#[test]
fn adjacent_blocks_do_not_overlap_and_are_sorted_by_time() {
    let text = format!(
        "{MINIMAL}
[[block]]
id = \"early\"
title = \"Early\"
start = \"05:00\"
end = \"06:00\"

[[block.section]]
id = \"early-checks\"
title = \"Early checks\"
items = [{{ id = \"early-item\", text = \"Early item\" }}]
"
    );
    let l = accept(&text);
    let ids: Vec<&str> = l.blocks.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, vec!["early", "morning"]);
}

// ---------------------------------------------------------------------------------------------
// Bad layouts: one rule each
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_top_level_field() {
    let text = format!("colour = \"red\"\n{MINIMAL}");
    let p = one_problem(&text);
    assert_problem(&text, &p, (1, 1), "colour", "unknown field `colour`");
}

#[test]
fn unknown_field_in_a_table() {
    let text = MINIMAL.replace(
        "timezone = \"Asia/Taipei\"\n",
        "timezone = \"Asia/Taipei\"\nvenue = \"HQ\"\n",
    );
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "venue"),
        "venue",
        "unknown field `venue`",
    );
}

#[test]
fn unknown_field_in_an_item_inline_table() {
    let text = MINIMAL.replace(
        r#"text = "First item" }"#,
        r#"text = "First item", owner = "ann" }"#,
    );
    let p = one_problem(&text);
    assert_eq!(at(&text, "owner").0, 16);
    assert_problem(
        &text,
        &p,
        at(&text, "owner"),
        "owner",
        "unknown field `owner`",
    );
}

#[test]
fn duplicate_item_id_reports_the_second_occurrence() {
    let text = MINIMAL.replace(
        "  { id = \"first\", text = \"First item\" },\n",
        "  { id = \"first\", text = \"First item\" },\n  { id = \"first\", text = \"Same id again\" },\n",
    );
    let p = one_problem(&text);
    let second = at_nth(&text, "\"first\"", 1);
    assert_eq!(second.0, 17);
    assert_problem(
        &text,
        &p,
        second,
        "block.morning.checks.items.id",
        "duplicate id \"first\": already used by block.morning.checks.items.id on line 16",
    );
}

#[test]
fn duplicate_id_across_kinds() {
    // Ids are unique across the whole file: a sign-off may not reuse a block's id.
    let text = format!("{MINIMAL}\n[[signoff]]\nid = \"morning\"\nrole = \"CEO\"\n");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at_nth(&text, "\"morning\"", 1),
        "signoff.id",
        "already used by block.id on line 7",
    );
}

#[test]
fn end_before_start() {
    let text = MINIMAL.replace(
        "start = \"06:00\"\nend = \"08:00\"",
        "start = \"10:00\"\nend = \"09:00\"",
    );
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"09:00\""),
        "block.morning.end",
        "end 09:00 is not after start 10:00",
    );
    assert_eq!((p.line, p.column), (10, 7));
}

#[test]
fn end_equal_to_start() {
    let text = MINIMAL.replace("end = \"08:00\"", "end = \"06:00\"");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at_nth(&text, "\"06:00\"", 1),
        "block.morning.end",
        "end 06:00 is not after start 06:00",
    );
}

fn block(id: &str, start: &str, end: &str) -> String {
    format!(
        "
[[block]]
id = \"{id}\"
title = \"Block {id}\"
start = \"{start}\"
end = \"{end}\"

[[block.section]]
id = \"{id}-section\"
title = \"Section of {id}\"
items = [{{ id = \"{id}-item\", text = \"Item of {id}\" }}]
"
    )
}

const LAUNCH: &str = "[launch]\nid = \"pilot\"\nname = \"Pilot\"\ntimezone = \"Asia/Taipei\"\n";

#[test]
fn overlapping_blocks() {
    let text = format!(
        "{LAUNCH}{}{}",
        block("one", "06:00", "08:00"),
        block("two", "07:30", "09:00")
    );
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"07:30\""),
        "block.two.start",
        "block \"two\" (07:30–09:00) overlaps block \"one\" (06:00–08:00)",
    );
}

#[test]
fn overlapping_blocks_listed_out_of_order() {
    // The later block comes first in the file; the problem is still reported on the block that
    // starts later, at its own start.
    let text = format!(
        "{LAUNCH}{}{}",
        block("two", "07:30", "09:00"),
        block("one", "06:00", "08:00")
    );
    let p = one_problem(&text);
    let pos = at(&text, "\"07:30\"");
    assert!(
        pos.0 < at(&text, "\"06:00\"").0,
        "test bug: block two must come first in the file"
    );
    assert_problem(
        &text,
        &p,
        pos,
        "block.two.start",
        "block \"two\" (07:30–09:00) overlaps block \"one\" (06:00–08:00)",
    );
}

#[test]
fn a_long_block_overlapping_several_later_ones_reports_each() {
    // "long" covers both "a" and "b"; "a" and "b" do not touch each other.
    let text = format!(
        "{LAUNCH}{}{}{}",
        block("long", "06:00", "12:00"),
        block("a", "07:00", "08:00"),
        block("b", "09:00", "10:00")
    );
    let err = reject(&text);
    let got: Vec<(usize, usize, &str)> = err
        .problems()
        .iter()
        .map(|p| (p.line, p.column, p.field.as_str()))
        .collect();
    let (a, b) = (at(&text, "\"07:00\""), at(&text, "\"09:00\""));
    assert_eq!(
        got,
        vec![(a.0, a.1, "block.a.start"), (b.0, b.1, "block.b.start")],
        "all overlaps must be reported:\n{err}"
    );
    assert!(
        err.problems()[1]
            .message
            .contains("overlaps block \"long\""),
        "{err}"
    );
}

#[test]
fn unknown_time_zone() {
    let text = MINIMAL.replace("Asia/Taipei", "Asia/Taipie");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        (4, 12),
        "launch.timezone",
        "unknown time zone \"Asia/Taipie\"",
    );
}

#[test]
fn section_without_items() {
    let text = MINIMAL.replace(
        "items = [\n  { id = \"first\", text = \"First item\" },\n]\n",
        "",
    );
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"checks\""),
        "block.morning.checks.items",
        "section is empty",
    );
    assert_eq!((p.line, p.column), (13, 6));
}

#[test]
fn section_with_empty_items_array() {
    let text = MINIMAL.replace(
        "items = [\n  { id = \"first\", text = \"First item\" },\n]",
        "items = []",
    );
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        (13, 6),
        "block.morning.checks.items",
        "section is empty",
    );
}

#[test]
fn empty_expansion_and_prelaunch_group() {
    let text = format!(
        "{MINIMAL}
[[prelaunch]]
id = \"infra\"
title = \"Infrastructure\"

[[prelaunch.group]]
id = \"staging\"
title = \"Staging\"
items = []

[[expansion]]
id = \"technical\"
title = \"Technical\"
"
    );
    let err = reject(&text);
    let got: Vec<(usize, usize, &str)> = err
        .problems()
        .iter()
        .map(|p| (p.line, p.column, p.field.as_str()))
        .collect();
    let (g, e) = (at(&text, "\"staging\""), at(&text, "\"technical\""));
    assert_eq!(
        got,
        vec![
            (g.0, g.1, "prelaunch.infra.staging.items"),
            (e.0, e.1, "expansion.technical.items")
        ],
        "{err}"
    );
}

#[test]
fn block_without_sections() {
    let text = format!(
        "{LAUNCH}\n[[block]]\nid = \"lonely\"\ntitle = \"Lonely\"\nstart = \"06:00\"\nend = \"08:00\"\n"
    );
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"lonely\""),
        "block.lonely.section",
        "block has no sections",
    );
}

#[test]
fn prelaunch_section_without_groups() {
    let text = format!("{MINIMAL}\n[[prelaunch]]\nid = \"infra\"\ntitle = \"Infrastructure\"\n");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"infra\""),
        "prelaunch.infra.group",
        "has no groups",
    );
}

#[test]
fn bad_time_hour_out_of_range() {
    let text = MINIMAL.replace("start = \"06:00\"", "start = \"25:00\"");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        (9, 9),
        "block.morning.start",
        "\"25:00\" is not a time of day as HH:MM (24-hour)",
    );
}

#[test]
fn bad_time_not_24_hour_notation() {
    let text = MINIMAL.replace("end = \"08:00\"", "end = \"8am\"");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        (10, 7),
        "block.morning.end",
        "\"8am\" is not a time of day as HH:MM (24-hour)",
    );
}

#[test]
fn bad_date() {
    for bad in ["2026-13-01", "2026-02-30", "tomorrow", "01/12/2026"] {
        let text = MINIMAL.replace(
            "timezone = \"Asia/Taipei\"\n",
            &format!("timezone = \"Asia/Taipei\"\ndate = \"{bad}\"\n"),
        );
        let p = one_problem(&text);
        assert_problem(
            &text,
            &p,
            (5, 8),
            "launch.date",
            &format!("{bad:?} is not a date as YYYY-MM-DD"),
        );
    }
}

#[test]
fn good_date_parses() {
    let text = MINIMAL.replace(
        "timezone = \"Asia/Taipei\"\n",
        "timezone = \"Asia/Taipei\"\ndate = \"2026-12-01\"\n",
    );
    let l = accept(&text);
    assert_eq!(l.launch.date, chrono::NaiveDate::from_ymd_opt(2026, 12, 1));
}

#[test]
fn bad_id_uppercase() {
    let text = MINIMAL.replace("id = \"morning\"", "id = \"Morning\"");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        (7, 6),
        "block.id",
        "id \"Morning\" must be a short slug",
    );
}

#[test]
fn bad_id_with_a_space() {
    let text = MINIMAL.replace("{ id = \"first\"", "{ id = \"first item\"");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"first item\""),
        "block.morning.checks.items.id",
        "id \"first item\" must be a short slug",
    );
    assert_eq!((p.line, p.column), (16, 10));
}

#[test]
fn bad_id_empty_and_leading_digit() {
    for bad in ["", "1st", "-x"] {
        let text = MINIMAL.replace("id = \"pilot\"", &format!("id = \"{bad}\""));
        let p = one_problem(&text);
        assert_problem(
            &text,
            &p,
            (2, 6),
            "launch.id",
            &format!("id {bad:?} must be a short slug"),
        );
    }
}

const CRITERIA: &str = r#"
[[criteria]]
week = 1
title = "Week 1"
targets = [
  { id = "w1-uptime", metric = "uptime", text = "System uptime", op = ">", value = 99, unit = "%" },
]
"#;

#[test]
fn criteria_parse() {
    let l = accept(&format!("{MINIMAL}{CRITERIA}"));
    assert_eq!(l.criteria[0].targets[0].threshold(), "> 99%");
}

#[test]
fn unknown_comparison_op() {
    let text = format!("{MINIMAL}{}", CRITERIA.replace("op = \">\"", "op = \"=>\""));
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"=>\""),
        "criteria.w1-uptime.op",
        "unknown comparison \"=>\"",
    );
}

#[test]
fn criteria_week_listed_twice() {
    let second = CRITERIA.replace("w1-uptime", "w1-uptime-again");
    let text = format!("{MINIMAL}{CRITERIA}{second}");
    let p = one_problem(&text);
    let (line, column) = at_nth(&text, "week = 1", 1);
    assert_problem(
        &text,
        &p,
        (line, column + "week = ".len()),
        "criteria.week",
        "week 1 is listed twice",
    );
}

#[test]
fn toml_syntax_error() {
    // A bare word where a string belongs.
    let text = MINIMAL.replace("title = \"Morning\"", "title = Morning");
    let p = one_problem(&text);
    assert_eq!((p.line, p.column), at(&text, "Morning\n"), "{p:?}");
    assert_eq!(p.field, "");
    let shown = reject(&text).to_string();
    assert!(
        shown.starts_with(&format!("bad.toml:8:9: {}", p.message)),
        "{shown}"
    );
}

#[test]
fn toml_syntax_error_unterminated_string() {
    let text = MINIMAL.replace("end = \"08:00\"", "end = \"08:00");
    let p = one_problem(&text);
    assert_eq!(p.line, 10, "{p:?}");
    assert_eq!(p.field, "");
}

#[test]
fn time_written_as_a_bare_toml_time_is_accepted() {
    // `start = 06:00` is a TOML local time rather than a string; it means the same thing.
    let text = MINIMAL.replace("start = \"06:00\"", "start = 06:00");
    let layout = warroom::layout::parse("bad.toml", &text, &Env::empty())
        .expect("a bare TOML time is a valid start");
    assert_eq!(layout.blocks[0].start.format("%H:%M").to_string(), "06:00");
    // A bare TOML date-time is not a time of day, and is reported at the value.
    let text = MINIMAL.replace("start = \"06:00\"", "start = 2026-12-01T06:00:00");
    let p = one_problem(&text);
    assert_eq!((p.line, p.column), (9, 9), "{p:?}");
    assert!(p.message.contains("is not a time of day"), "{p:?}");
}

#[test]
fn missing_required_field() {
    let text = MINIMAL.replace("title = \"Morning\"\n", "");
    let p = one_problem(&text);
    assert_eq!(p.field, "title", "{p:?}");
    assert!(p.message.contains("missing field `title`"), "{p:?}");
    // Reported at the header of the [[block]] table that lacks it.
    assert_eq!((p.line, p.column), at(&text, "[[block]]"), "{p:?}");
    let shown = reject(&text).to_string();
    assert_eq!(shown, "bad.toml:6:1: title: missing field `title`");
}

#[test]
fn missing_required_field_in_an_item() {
    let text = MINIMAL.replace(
        "{ id = \"first\", text = \"First item\" }",
        "{ id = \"first\" }",
    );
    let p = one_problem(&text);
    assert_eq!(
        (p.line, p.column, p.field.as_str()),
        (16, 3, "text"),
        "reported at the inline table: {p:?}"
    );
    assert!(p.message.contains("missing field `text`"), "{p:?}");
}

#[test]
fn missing_required_field_in_launch() {
    let text = format!(
        "# a comment first\n\n{}",
        MINIMAL.replace("name = \"Pilot\"\n", "")
    );
    let p = one_problem(&text);
    assert_eq!(
        (p.line, p.column, p.field.as_str()),
        (3, 1, "name"),
        "reported at the [launch] header: {p:?}"
    );
}

#[test]
fn duplicate_toml_key() {
    let text = MINIMAL.replace("id = \"morning\"", "id = \"morning\"\nid = \"again\"");
    let p = one_problem(&text);
    assert_eq!((p.line, p.column), (8, 1), "{p:?}");
    assert!(p.message.contains("duplicate key"), "{p:?}");
}

#[test]
fn missing_launch_table() {
    let text = MINIMAL.replace(
        "[launch]\nid = \"pilot\"\nname = \"Pilot\"\ntimezone = \"Asia/Taipei\"\n",
        "",
    );
    let p = one_problem(&text);
    assert_eq!(p.field, "launch", "{p:?}");
    assert!(p.message.contains("missing field `launch`"), "{p:?}");
}

#[test]
fn empty_item_text() {
    let text = MINIMAL.replace("text = \"First item\"", "text = \"  \"");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"  \""),
        "block.morning.checks.first.text",
        "item text is empty",
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    // Chinese text before the bad value on the same line: the column is in characters.
    let text = MINIMAL.replace(
        "{ id = \"first\", text = \"First item\" }",
        "{ text = \"第一項\", text_zh = \"第一項\", id = \"First\" }",
    );
    let p = one_problem(&text);
    let pos = at(&text, "\"First\"");
    assert_eq!(pos, (16, 41));
    assert_problem(
        &text,
        &p,
        pos,
        "block.morning.checks.items.id",
        "must be a short slug",
    );
}

// ---------------------------------------------------------------------------------------------
// Several problems at once
// ---------------------------------------------------------------------------------------------

#[test]
fn all_problems_in_a_file_are_reported_in_order() {
    let text = r#"[launch]
id = "Pilot"
name = "Pilot"
timezone = "Mars/Olympus"

[[block]]
id = "morning"
title = "Morning"
start = "09:00"
end = "08:00"

[[block.section]]
id = "checks"
title = "Checks"
items = []

[[block]]
id = "noon"
title = "Noon"
start = "12:00"
end = "13:00"

[[block.section]]
id = "noon-checks"
title = "Noon checks"
items = [
  { id = "noon-item", text = "Noon item" },
  { id = "noon-item", text = "Noon item again" },
]
"#;
    let err = reject(text);
    let got: Vec<(usize, usize, &str)> = err
        .problems()
        .iter()
        .map(|p| (p.line, p.column, p.field.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, 6, "launch.id"),
            (4, 12, "launch.timezone"),
            (10, 7, "block.morning.end"),
            (13, 6, "block.morning.checks.items"),
            (28, 10, "block.noon.noon-checks.items.id"),
        ],
        "{err}"
    );
    let shown = err.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 5, "{shown}");
    assert_eq!(
        lines[2],
        "bad.toml:10:7: block.morning.end: end 08:00 is not after start 09:00 (a block cannot cross midnight)"
    );
    assert_eq!(
        lines[4],
        "bad.toml:28:10: block.noon.noon-checks.items.id: duplicate id \"noon-item\": already used by block.noon.noon-checks.items.id on line 27"
    );
    assert!(
        lines[1].starts_with("bad.toml:4:12: launch.timezone: unknown time zone \"Mars/Olympus\""),
        "{shown}"
    );
}

#[test]
fn load_reports_the_path_of_a_missing_file() {
    let err = layout::load(Path::new("layouts/does-not-exist.toml"), &Env::empty())
        .expect_err("loading a missing file must fail");
    assert!(matches!(err, LayoutError::Read { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("layouts/does-not-exist.toml: cannot read"),
        "{err}"
    );
    assert!(err.problems().is_empty());
}

#[test]
fn load_names_the_file_in_problems() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, MINIMAL.replace("end = \"08:00\"", "end = \"05:00\""))
        .expect("write layout");
    let err =
        layout::load(&path, &Env::empty()).expect_err("a bad layout on disk must be rejected");
    assert_eq!(
        err.to_string()
            .lines()
            .next()
            .map(|l| l.starts_with(&format!("{}:10:7: block.morning.end:", path.display()))),
        Some(true),
        "{err}"
    );
}

/// Every text a zh-TW operator reads comes from the layout's `*_zh`: each tickable item,
/// block, section, target, contact role, timeline entry, sign-off, source and panel has one.
#[test]
fn seed_layout_has_chinese_for_every_text() {
    let layout = seed();
    let mut missing: Vec<String> = Vec::new();
    let mut check = |what: &str, id: &str, text: &warroom::layout::Text| {
        if text.zh.as_deref().is_none_or(|z| z.trim().is_empty()) {
            missing.push(format!("{what} {id}: {}", text.en));
        }
    };
    check("launch", &layout.launch.id, &layout.launch.name);
    for block in &layout.blocks {
        check("block", &block.id, &block.title);
        for section in &block.sections {
            check("section", &section.id, &section.title);
        }
    }
    for section in &layout.prelaunch {
        check("prelaunch", &section.id, &section.title);
        for group in &section.groups {
            check("group", &group.id, &group.title);
        }
    }
    for (_, id, text) in layout.tickables() {
        check("item", id, text);
    }
    for week in &layout.criteria {
        check("week", &week.week.to_string(), &week.title);
        for target in &week.targets {
            check("target", &target.metric, &target.text);
        }
    }
    for section in &layout.expansion {
        check("expansion", &section.id, &section.title);
    }
    for group in &layout.contacts {
        check("contacts", &group.id, &group.title);
        for person in &group.people {
            check("contact role", &person.id, &person.role);
        }
    }
    for phase in &layout.timeline {
        check("phase", &phase.id, &phase.title);
        for entry in &phase.entries {
            check("timeline entry", &entry.id, &entry.text);
        }
    }
    for source in &layout.sources {
        check("source", &source.spec.id, &source.title);
    }
    for panel in &layout.panels {
        check("panel", &panel.id, &panel.title);
    }
    assert!(
        missing.is_empty(),
        "texts without zh-TW:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_shipped_layout_validates() {
    for dir in ["layouts", "benches"] {
        for entry in std::fs::read_dir(dir).expect("dir") {
            let path = entry.expect("entry").path();
            let name = path.display().to_string();
            if path.extension().is_some_and(|e| e == "toml") && !name.contains("scenario") {
                warroom::layout::load(&path, &Env::empty())
                    .unwrap_or_else(|e| panic!("{name} does not validate:\n{e}"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Live sources and panels: numbers out of range, kinds and their keys, units
// ---------------------------------------------------------------------------------------------

/// MINIMAL with one source whose extra lines are `source`, and one panel reading it.
fn with_source(source: &str) -> String {
    format!(
        "{MINIMAL}\n[[source]]\nid = \"api\"\nkind = \"http\"\nurl = \"http://127.0.0.1:9/health\"\n{source}\n"
    )
}

#[test]
fn an_interval_too_large_for_any_clock_is_an_error_at_its_value_not_a_panic() {
    for value in [
        "\"18446744073709551615s\"",
        "1e308",
        "\"400days\"",
        "-1",
        "\"10ms\"",
    ] {
        let text = with_source(&format!("interval = {value}"));
        let p = one_problem(&text);
        assert_problem(
            &text,
            &p,
            at(&text, value),
            "source.api.interval",
            "out of range",
        );
    }
    let text = with_source("interval = \"soon\"");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"soon\""),
        "source.api.interval",
        "expected a duration",
    );
    accept(&with_source("interval = \"1m 30s\"\ntimeout = 2"));
}

#[test]
fn other_numbers_out_of_range_name_their_line() {
    let cases = [
        ("raise_after = 0", "0", "source.api.raise_after"),
        ("max_bytes = 0", "0", "source.api.max_bytes"),
        ("max_redirects = 99", "99", "source.api.max_redirects"),
    ];
    for (line, value, field) in cases {
        let text = with_source(line);
        let p = one_problem(&text);
        let offset = text.find(line).expect("line") + line.find(value).expect("value");
        let line_no = text[..offset].matches('\n').count() + 1;
        assert_eq!((p.line, p.field.as_str()), (line_no, field), "{p:?}");
        assert!(p.message.contains("out of range"), "{p:?}");
    }
    let text = format!("{MINIMAL}\n[[criteria]]\nweek = 0\ntitle = \"W\"\n");
    assert!(one_problem(&text).message.contains("out of range"));
    let text = format!(
        "{MINIMAL}\n[[criteria]]\nweek = 1\ntitle = \"W\"\ntargets = [{{ id = \"t\", metric = \"m\", text = \"T\", op = \">\", value = nan }}]\n"
    );
    let p = one_problem(&text);
    assert_problem(&text, &p, at(&text, "nan"), "criteria.t.value", "finite");
    let text = format!(
        "{}\n[[panel]]\nid = \"p\"\nkind = \"deliveries\"\nsource = \"api\"\ncompletion_target = 250\n",
        with_source("fields = { delivered = \"$.d\", failed = \"$.f\", total = \"$.t\" }")
    );
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "250"),
        "panel.p.completion_target",
        "0 to 100",
    );
}

#[test]
fn invalid_utf8_names_its_line_and_column() {
    let mut bytes = MINIMAL.as_bytes().to_vec();
    let at_title = MINIMAL.find("Morning\"").expect("title");
    bytes.insert(at_title + 2, 0xFF);
    let err = layout::parse_bytes("bad.toml", &bytes, &Env::empty())
        .expect_err("invalid UTF-8 is refused");
    let p = &err.problems()[0];
    let (line, column) = at(MINIMAL, "Morning\"");
    assert_eq!((p.line, p.column), (line, column + 2), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("bad.toml:{line}:{}: invalid UTF-8", column + 2)),
        "{err}"
    );
}

#[test]
fn a_kind_refuses_keys_of_other_kinds_and_names_what_it_needs() {
    let text = format!(
        "{MINIMAL}\n[[source]]\nid = \"db\"\nkind = \"tcp\"\naddress = \"127.0.0.1:5432\"\nurl = \"http://x\"\n"
    );
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "url"),
        "source.db.url",
        "a tcp source does not take `url`",
    );
    let text = format!("{MINIMAL}\n[[source]]\nid = \"db\"\nkind = \"tcp\"\n");
    let p = one_problem(&text);
    assert_eq!(p.field, "source.db.address", "{p:?}");
    assert!(p.message.contains("a tcp source needs `address`"), "{p:?}");
    let text = format!("{MINIMAL}\n[[source]]\nid = \"db\"\nkind = \"ftp\"\n");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"ftp\""),
        "source.db.kind",
        "unknown source kind \"ftp\"",
    );
    let text = with_source("critical = [\"[CONNECTED] == true\"]");
    let p = one_problem(&text);
    assert!(
        p.message
            .contains("[CONNECTED] is for kinds that open a connection"),
        "{p:?}"
    );
    accept(&format!(
        "{MINIMAL}\n[[source]]\nid = \"db\"\nkind = \"postgres\"\nurl = \"postgres://u@127.0.0.1/db\"\ncritical = [\"[CONNECTED] == true\"]\n"
    ));
}

#[test]
fn units_make_thresholds_say_their_unit() {
    let text = with_source("value = \"$.rate\"\nunit = \"ratio\"\nwarn = [\"value < 0.01\"]");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"value < 0.01\""),
        "source.api.warn",
        "`value < 1%`",
    );
    let layout = accept(&with_source(
        "value = \"$.rate\"\nunit = \"ratio\"\nwarn = [\"value < 1%\"]",
    ));
    assert_eq!(layout.sources[0].spec.warn[0].shown, "value < 1 %");
    let text = with_source("value = \"$.rate\"\nunit = \"furlongs\"");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"furlongs\""),
        "source.api.unit",
        "unknown unit",
    );
    let text = with_source("value = \"$.p\"\nunit = \"ms\"\nwarn = [\"value < 5%\"]");
    assert!(
        one_problem(&text)
            .message
            .contains("not in the same kind of unit")
    );
    let text = with_source("fields = { a = \"$.a\" }\nwarn = [\"fields.b < 1\"]");
    assert!(one_problem(&text).message.contains("reads no field `b`"));
}

#[test]
fn env_comes_from_the_argument_and_its_values_are_kept_as_secrets() {
    let text = format!(
        "{MINIMAL}\n[[source]]\nid = \"api\"\nkind = \"http\"\nurl = \"${{BASE}}/health?token=${{TOKEN}}\"\n"
    );
    let unset = accept(&text);
    assert_eq!(unset.sources[0].missing_env, vec!["BASE", "TOKEN"]);
    let env = Env::empty()
        .with("BASE", "http://127.0.0.1:9")
        .with("TOKEN", "s3cr3t-token");
    let set = layout::parse("ok.toml", &text, &env).expect("valid with its environment");
    assert!(set.sources[0].missing_env.is_empty());
    let spec = &set.sources[0].spec;
    assert_eq!(
        spec.secrets
            .redact("GET http://127.0.0.1:9/health?token=s3cr3t-token failed"),
        "GET ${BASE}/health?token=${TOKEN} failed"
    );
}

// ---------------------------------------------------------------------------------------------
// The pilot calendar and sign-off holders
// ---------------------------------------------------------------------------------------------

#[test]
fn the_seed_layout_carries_the_pilot_timeline() {
    let layout = seed();
    assert_eq!(layout.pilot.start, None, "the seed names no dates");
    let weeks: Vec<Option<(u32, u32)>> = layout.timeline.iter().map(|p| p.weeks).collect();
    assert_eq!(weeks, [Some((1, 1)), Some((2, 3)), Some((4, 4))]);
    let soft = &layout.timeline[0].entries;
    let days: Vec<Option<(u32, u32)>> = soft.iter().map(|e| e.days).collect();
    let customers: Vec<Option<u32>> = soft.iter().map(|e| e.customers).collect();
    assert_eq!(days, [Some((1, 2)), Some((3, 4)), Some((5, 7))]);
    assert_eq!(customers, [Some(5), Some(10), Some(20)]);
    assert_eq!(layout.pilot_weeks(), 4);
    assert!(layout.signoffs.iter().all(|s| s.holders.is_empty()));
}

#[test]
fn a_pilot_start_that_is_not_a_date_is_named() {
    let text = format!("{MINIMAL}\n[pilot]\nstart = \"Dec 1\"\n");
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "\"Dec 1\""),
        "pilot.start",
        "is not a date as YYYY-MM-DD",
    );
    let ok = accept(&format!("{MINIMAL}\n[pilot]\nstart = \"2026-12-01\"\n"));
    assert_eq!(
        ok.pilot.start.map(|d| d.to_string()).as_deref(),
        Some("2026-12-01")
    );
}

#[test]
fn timeline_weeks_and_days_are_ranges_in_order_without_overlap() {
    let phase = |weeks: &str, entries: &str| {
        format!(
            "{MINIMAL}\n[[timeline]]\nid = \"soft\"\nperiod = \"Week 1\"\n{weeks}title = \"Soft\"\nentries = [{entries}]\n"
        )
    };
    let backwards = phase("weeks = [3, 2]\n", "");
    let p = one_problem(&backwards);
    assert_problem(
        &backwards,
        &p,
        at(&backwards, "[3, 2]"),
        "timeline.soft.weeks",
        "weeks 3–2 are not a range",
    );
    let three = phase("weeks = [1, 2, 3]\n", "");
    let p = one_problem(&three);
    assert_problem(
        &three,
        &p,
        at(&three, "[1, 2, 3]"),
        "timeline.soft.weeks",
        "expected [week] or [first, last]",
    );
    let outside = phase(
        "weeks = [1]\n",
        "{ id = \"late\", days = [6, 9], customers = 20, text = \"Late\" }",
    );
    let p = one_problem(&outside);
    assert_problem(
        &outside,
        &p,
        at(&outside, "[6, 9]"),
        "timeline.soft.late.days",
        "not in the phase's weeks 1–1 (days 1–7)",
    );
    let overlap = phase(
        "weeks = [1]\n",
        "{ id = \"a\", days = [1, 3], customers = 5, text = \"A\" }, { id = \"b\", days = [3, 4], customers = 10, text = \"B\" }",
    );
    let p = one_problem(&overlap);
    assert_problem(
        &overlap,
        &p,
        at(&overlap, "[3, 4]"),
        "timeline.soft.b.days",
        "days 3–4 overlap \"a\" (days 1–3)",
    );
    let nobody = phase(
        "weeks = [1]\n",
        "{ id = \"a\", days = [1], customers = 0, text = \"A\" }",
    );
    let p = one_problem(&nobody);
    let (line, column) = at(&nobody, "customers = 0");
    assert_problem(
        &nobody,
        &p,
        (line, column + 12),
        "timeline.soft.a.customers",
        "at least 1",
    );
    let undated = phase(
        "weeks = [1]\n",
        "{ id = \"a\", customers = 5, text = \"A\" }",
    );
    let p = one_problem(&undated);
    let (line, column) = at(&undated, "customers = 5");
    assert_problem(
        &undated,
        &p,
        (line, column + 12),
        "timeline.soft.a.customers",
        "needs `days` too",
    );
}

#[test]
fn two_phases_cannot_claim_one_week() {
    let text = format!(
        "{MINIMAL}\n[[timeline]]\nid = \"a\"\nperiod = \"Week 1-2\"\nweeks = [1, 2]\ntitle = \"A\"\n\n[[timeline]]\nid = \"b\"\nperiod = \"Week 2\"\nweeks = [2]\ntitle = \"B\"\n"
    );
    let p = one_problem(&text);
    assert_problem(
        &text,
        &p,
        at(&text, "[2]\n"),
        "timeline.b.weeks",
        "weeks 2–2 overlap \"a\" (weeks 1–2)",
    );
}

#[test]
fn sign_off_holders_are_names_listed_once() {
    let text = format!(
        "{MINIMAL}\n[[signoff]]\nid = \"ceo\"\nrole = \"CEO\"\nholders = [\"mei\", \"MEI\", \"\"]\n"
    );
    let err = reject(&text);
    let problems = err.problems();
    assert_eq!(problems.len(), 2, "{err}");
    assert_eq!((problems[0].line, problems[0].column), at(&text, "\"MEI\""));
    assert!(problems[0].message.contains("listed twice"), "{err}");
    assert_eq!((problems[1].line, problems[1].column), at(&text, "\"\"]"));
    assert_eq!(problems[1].field, "signoff.ceo.holders");
    let ok = accept(&format!(
        "{MINIMAL}\n[[signoff]]\nid = \"ceo\"\nrole = \"CEO\"\nholders = [\" mei \", \"chen\"]\n"
    ));
    assert_eq!(ok.signoffs[0].holders, ["mei", "chen"]);
}
