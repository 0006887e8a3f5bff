//! What typing does around dialogs (issue 16): text typed for a prompt that did not open is
//! never taken as keys, a dialog holds the keyboard until it is answered, the alert an
//! acknowledgement is for can be chosen, and messages, presence and late ticks say what is so.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use uuid::Uuid;
use warroom::app::{App, Mark, Mode, PromptPurpose, View};
use warroom::store::presence::Peer;
use warroom::store::worker::Reply;
use warroom::store::{Change, Event, Stored};
use warroom::update::{Effect, Msg, Shown, apply, update};

mod common;
use common::live::{State, app_in, commit};
use common::rig::Rig;

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).1
}

/// Types `text` key by key; returns every effect the keys had.
fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(app, KeyCode::Char(c)))
        .collect()
}

/// The launch day with every alert cleared: nothing to acknowledge.
fn quiet_day() -> App {
    let mut app = app_in(State::Critical);
    let open: Vec<String> = app.open_alerts().iter().map(|a| a.source.clone()).collect();
    for (n, source) in open.into_iter().enumerate() {
        commit(
            &mut app,
            100 + n as i64,
            Change::AlertCleared {
                source,
                ok_polls: Some(2),
            },
        );
    }
    assert!(app.open_alerts().is_empty());
    app
}

fn persisted(effects: &[Effect]) -> Vec<&Event> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Persist(event) => Some(event),
            _ => None,
        })
        .collect()
}

/// Issue 16's case: `a` and a reason with no open alert. The space must not tick the item
/// under the cursor and the `n` must not start a note: nothing is recorded at all.
#[test]
fn a_reason_typed_with_no_open_alert_ticks_and_notes_nothing() {
    let mut app = quiet_day();
    app.view = View::LaunchDay;
    let item = app
        .selected()
        .expect("an item under the cursor")
        .to_string();
    let events_before = app.ledger.events().len();
    let mut effects = press(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.mode, Mode::Notice(_)), "{:?}", app.mode);
    effects.extend(type_text(&mut app, "it, rolling back deploy"));
    assert!(
        matches!(app.mode, Mode::Notice(_)),
        "still swallowing: {:?}",
        app.mode
    );
    effects.extend(press(&mut app, KeyCode::Enter));
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        persisted(&effects).is_empty(),
        "nothing recorded: {effects:?}"
    );
    assert!(app.pending.is_empty(), "nothing waiting to be saved");
    assert_eq!(app.ledger.mark(&item), &Mark::Open, "not ticked");
    assert!(app.ledger.item(&item).notes.is_empty(), "no note");
    assert_eq!(app.ledger.events().len(), events_before);
    // The keys work again once the notice is closed.
    let tick = press(&mut app, KeyCode::Char(' '));
    assert!(
        matches!(app.mode, Mode::Confirm { .. }) || !persisted(&tick).is_empty(),
        "space ticks (or asks) again"
    );
}

/// The alert clears while its reason is typed: the acknowledgement is not recorded, nothing
/// else is, and the screen says why.
#[test]
fn an_alert_that_clears_while_its_reason_is_typed_is_not_acknowledged() {
    let mut app = app_in(State::Critical);
    press(&mut app, KeyCode::Char('a'));
    let Mode::Prompt(prompt) = &app.mode else {
        panic!("the acknowledgement dialog: {:?}", app.mode);
    };
    let PromptPurpose::Ack { source } = prompt.purpose.clone() else {
        panic!("{prompt:?}");
    };
    let mut effects = type_text(&mut app, "bob is on");
    commit(
        &mut app,
        50,
        Change::AlertCleared {
            source: source.clone(),
            ok_polls: Some(2),
        },
    );
    effects.extend(type_text(&mut app, " it, rolling back"));
    effects.extend(press(&mut app, KeyCode::Enter));
    assert!(persisted(&effects).is_empty(), "{effects:?}");
    assert_eq!(app.mode, Mode::Normal);
    let said = app
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(said.contains("cleared while you typed"), "{said}");
}

/// `n` and `s` where there is no item: a notice that swallows the note typed after it.
#[test]
fn a_note_typed_on_a_view_without_items_is_swallowed() {
    let mut app = app_in(State::Ok);
    press(&mut app, KeyCode::Char('8'));
    for key in ['n', 's'] {
        press(&mut app, KeyCode::Char(key));
        assert!(matches!(app.mode, Mode::Notice(_)), "{key}: {:?}", app.mode);
        let effects = type_text(&mut app, "called the depot, q");
        assert!(!app.quit, "a q typed into the notice does not quit");
        assert!(persisted(&effects).is_empty());
        press(&mut app, KeyCode::Esc);
        assert_eq!(app.mode, Mode::Normal);
        assert_eq!(
            app.view,
            View::Live,
            "1-8 typed into it did not switch views"
        );
    }
}

/// The question before ticking against evidence waits for its answer: a stray key neither
/// ticks nor closes it.
#[test]
fn the_tick_anyway_question_waits_for_y_or_n() {
    let mut app = app_in(State::Critical);
    app.view = View::LaunchDay;
    app.view_state_mut(View::LaunchDay).selected = Some("external-apis-responding".into());
    press(&mut app, KeyCode::Char(' '));
    let Mode::Confirm { status, .. } = &app.mode else {
        panic!("asked first: {:?}", app.mode);
    };
    assert_eq!(*status, warroom::sources::Status::Critical);
    let stray = type_text(&mut app, "jk x");
    assert!(persisted(&stray).is_empty());
    assert!(matches!(app.mode, Mode::Confirm { .. }), "still asking");
    let no = press(&mut app, KeyCode::Char('n'));
    assert!(persisted(&no).is_empty());
    assert_eq!(app.mode, Mode::Normal);
    press(&mut app, KeyCode::Char(' '));
    let yes = press(&mut app, KeyCode::Char('y'));
    let events = persisted(&yes);
    assert!(
        events.iter().any(|e| e.change == Change::Tick),
        "y ticks: {events:?}"
    );
}

/// A skip without a reason and an empty note are refused where the operator is looking, in
/// the dialog, which stays open; nothing is dropped silently.
#[test]
fn an_empty_reason_or_note_is_refused_in_the_dialog() {
    for key in ['s', 'n'] {
        let mut app = app_in(State::Ok);
        app.view = View::LaunchDay;
        press(&mut app, KeyCode::Char(key));
        let effects = press(&mut app, KeyCode::Enter);
        assert!(persisted(&effects).is_empty());
        let Mode::Prompt(prompt) = &app.mode else {
            panic!("{key}: the dialog stays open: {:?}", app.mode);
        };
        assert!(prompt.problem.is_some(), "{key}: says why: {prompt:?}");
        let screen = common::render(&app, 80, 24);
        let why = prompt.problem.clone().unwrap_or_default();
        assert!(screen.contains(&why), "{key}: {why:?} on screen:\n{screen}");
        type_text(&mut app, "by phone");
        assert!(matches!(&app.mode, Mode::Prompt(p) if p.problem.is_none()));
        let effects = press(&mut app, KeyCode::Enter);
        assert_eq!(persisted(&effects).len(), 1, "{key}: recorded once");
    }
}

/// ↑↓ choose which open alert `a` acknowledges, in the dialog and in the alerts list (`!`).
#[test]
fn the_alert_to_acknowledge_is_chosen_with_the_arrows() {
    let mut app = app_in(State::Critical);
    let open: Vec<String> = app.open_alerts().iter().map(|a| a.source.clone()).collect();
    assert_eq!(open, ["error-rate", "maps"], "newest first");
    // In the dialog: the newest nobody is on first, Down picks the next.
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "carol takes over");
    let effects = press(&mut app, KeyCode::Enter);
    let acked: Vec<&Event> = persisted(&effects);
    assert!(
        matches!(&acked[..], [e] if matches!(&e.change, Change::AlertAcknowledged { source, .. } if source == "maps")),
        "{acked:?}"
    );
    // In the list: `!` opens it on the newest, Down moves, `a` starts on that one.
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('!'));
    assert_eq!(app.view, View::Live);
    assert_eq!(
        app.layout.panels[app.panel_focus].kind.name(),
        "alerts",
        "the alerts panel is the one shown"
    );
    press(&mut app, KeyCode::Up);
    assert_eq!(app.alert_selected.as_deref(), Some("error-rate"));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('a'));
    assert!(
        matches!(&app.mode, Mode::Prompt(p) if p.purpose == PromptPurpose::Ack { source: "maps".into() }),
        "{:?}",
        app.mode
    );
}

/// A message is about where it was said: switching views, opening the detail or clearing the
/// search takes an old one away; an error stays until it expires or Esc.
#[test]
fn messages_clear_when_the_operator_moves_on() {
    let mut app = app_in(State::Ok);
    app.view = View::LaunchDay;
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "zzqx");
    press(&mut app, KeyCode::Enter);
    let said = app
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(said.contains("No item matches"), "{said}");
    press(&mut app, KeyCode::Esc);
    assert!(app.flash.is_none(), "cleared with the search");
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "zzqx");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('2'));
    assert!(app.flash.is_none(), "cleared on another view");
    update(
        &mut app,
        Msg::Store(Reply::ReadFailed("disk I/O error".into())),
    );
    press(&mut app, KeyCode::Char('3'));
    assert!(
        app.flash.as_ref().is_some_and(|f| f.error),
        "an error stays"
    );
}

/// The header lists who else is here: not this operator from this place (a session killed
/// with -9 and restarted), sorted, each once.
#[test]
fn presence_lists_the_others_sorted() {
    let mut app = app_in(State::Ok);
    let peer = |operator: &str, origin: &str| Peer {
        session: Uuid::now_v7(),
        operator: operator.into(),
        origin: origin.into(),
        view: "Launch day".into(),
        seen_ms: 0,
    };
    let me = app.author.clone();
    update(
        &mut app,
        Msg::Store(Reply::Present(vec![
            peer("carol", "local on ops-2"),
            peer(&me.operator, &me.origin),
            peer("bob", "ssh from 10.1.2.3 to jump"),
        ])),
    );
    let screen = common::render(&app, 200, 60);
    let header = screen.lines().nth(1).unwrap_or_default();
    assert!(
        header.contains("here: bob (ssh 10.1.2.3), carol"),
        "{header}"
    );
    assert!(!header.contains("here: ann"), "{header}");
    // One other at 80 columns: the short tabs and the name both fit.
    update(
        &mut app,
        Msg::Store(Reply::Present(vec![peer("bob", "local on ops-2")])),
    );
    let narrow = common::render(&app, 80, 24);
    let tabs = narrow.lines().nth(1).unwrap_or_default();
    assert!(
        tabs.starts_with("1 Day 2 Pre") && tabs.ends_with("here: bob"),
        "{tabs}"
    );
}

/// Presence is refreshed every few seconds; a refresh that finds the same people (each seen
/// later) asks for no frame, and one that finds someone new does, at once.
#[test]
fn a_presence_refresh_draws_only_when_who_is_here_changed() {
    let mut app = app_in(State::Ok);
    let peer = |operator: &str, seen_ms: i64| Peer {
        session: Uuid::now_v7(),
        operator: operator.into(),
        origin: "local on ops-2".into(),
        view: "Launch day".into(),
        seen_ms,
    };
    let present = |peers| Msg::Store(Reply::Present(peers));
    let (shown, _) = apply(&mut app, present(vec![peer("bob", 1_000)]));
    assert_eq!(shown, Shown::AtOnce, "bob arrived");
    let (shown, _) = apply(&mut app, present(vec![peer("bob", 4_000)]));
    assert_eq!(shown, Shown::Unchanged, "bob, still here");
    assert_eq!(app.peers[0].seen_ms, 4_000, "kept up to date all the same");
    let (shown, _) = apply(
        &mut app,
        present(vec![peer("bob", 7_000), peer("carol", 7_000)]),
    );
    assert_eq!(shown, Shown::AtOnce, "carol arrived");
    let (shown, _) = apply(&mut app, present(vec![peer("carol", 10_000)]));
    assert_eq!(shown, Shown::AtOnce, "bob left");
    let screen = common::render(&app, 200, 60);
    let header = screen.lines().nth(1).unwrap_or_default();
    assert!(
        header.contains("here: carol") && !header.contains("bob"),
        "{header}"
    );
}

/// A tick after its block ended is marked late in the list, the detail and the report.
#[test]
fn a_tick_after_its_block_ended_is_marked_late() {
    let mut app = app_in(State::Ok);
    // The morning ended at 08:00; it is 09:31.
    let item = app.layout.blocks[0]
        .items()
        .next()
        .map(|i| i.id.clone())
        .expect("a morning item");
    let event = Event::new(
        &app.author,
        &app.layout.launch.id,
        app.day(),
        app.now,
        Some(item.clone()),
        Change::Tick,
    );
    update(
        &mut app,
        Msg::Store(Reply::Committed(Stored { seq: 77, event })),
    );
    assert_eq!(
        app.late_by(&item).map(|d| d.num_minutes()),
        Some(91),
        "91 minutes after 08:00"
    );
    app.view = View::LaunchDay;
    app.view_state_mut(View::LaunchDay).selected = Some(item.clone());
    let list = common::render(&app, 120, 40);
    let line = list
        .lines()
        .find(|l| l.contains("All services health checks passing"))
        .unwrap_or_default();
    assert!(line.contains("ann 09:31 late"), "{line}");
    press(&mut app, KeyCode::Enter);
    let detail = common::render(&app, 80, 24);
    assert!(
        detail.contains("Done late: ticked 1 h 31 min after its block ended at 08:00"),
        "{detail}"
    );
}

/// A tick with evidence is two events; the message is about the tick, not "Saved: evidence".
#[tokio::test]
async fn saving_a_tick_with_evidence_says_ticked() {
    let mut app = app_in(State::Ok);
    app.view = View::LaunchDay;
    app.view_state_mut(View::LaunchDay).selected = Some("health-checks-passing".into());
    let mut rig = Rig::new(app, 120, 40);
    rig.key(KeyCode::Char(' ')).await;
    let events = rig.commit_requests(200).await;
    assert_eq!(events.len(), 2, "the tick and what its evidence said");
    let said = rig
        .app()
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(said.starts_with("Saved: ticked"), "{said}");
}

/// `R`'s message names the report's whole path, over as many lines as it takes.
#[test]
fn the_report_path_is_shown_whole() {
    let mut app = app_in(State::Ok);
    let path = "/home/operator/.local/share/warroom/reports/report-luckygas-pilot-2026-12-01.md";
    update(&mut app, Msg::Store(Reply::Notice(path.into())));
    let screen = common::render(&app, 80, 24);
    let bottom: String = screen
        .lines()
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(str::trim)
        .collect();
    assert!(bottom.contains(path), "{screen}");
}
