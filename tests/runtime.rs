//! The runtime as a whole, through the rig: what ends it and with which exit, what it hands
//! the store, what a failed hand-over shows, and how many frames a burst of input costs
//! (counted in frames, not time).

mod common;

use crossterm::event::KeyCode;
use warroom::app::{Mode, View};
use warroom::poller::PollResult;
use warroom::runtime::{Exit, Input};
use warroom::store::worker::Request;

use common::live::{at, obs, seed};
use common::rig::Rig;

fn rig() -> Rig {
    let layout = seed();
    Rig::new(common::app_at(layout, "10:00", Vec::new()), 200, 60)
}

fn ok_poll(rig: &Rig, source: usize) -> PollResult {
    PollResult {
        source,
        at: at(&rig.app().layout, "10:00"),
        result: Ok(obs(Some(1.0), &[], None, 200, 12)),
    }
}

fn polls_seen(rig: &Rig) -> u64 {
    rig.app().live.sources.iter().map(|s| s.polls).sum()
}

#[tokio::test]
async fn a_thousand_polls_in_a_burst_are_a_handful_of_frames() {
    let mut rig = rig();
    rig.until("the first frame", |_, sink| sink.frames >= 1)
        .await;
    let before = rig.frames();
    let sources = rig.app().layout.sources.len();
    for n in 0..1000 {
        let poll = ok_poll(&rig, n % sources);
        rig.poll(poll).await;
    }
    rig.until("every poll applied", |app, _| {
        app.live.sources.iter().map(|s| s.polls).sum::<u64>() == 1000
    })
    .await;
    // Applied, and the last of them drawn in the next frame slot.
    rig.until("the burst drawn", |_, sink| sink.frames > before)
        .await;
    let frames = rig.frames() - before;
    assert_eq!(polls_seen(&rig), 1000);
    assert!(frames <= 3, "1,000 polls in a burst drew {frames} frames");
}

/// Polls start while the database opens, so their answers are often waiting when the runtime
/// starts: the first frame shows them, instead of "waiting" for one more frame slot.
#[tokio::test(start_paused = true)]
async fn answers_that_came_before_the_first_frame_are_in_it() {
    let mut rig = rig();
    let sources = rig.app().layout.sources.len();
    for source in 0..sources {
        let poll = ok_poll(&rig, source);
        rig.poll(poll).await;
    }
    rig.until("the first frame", |_, sink| sink.frames >= 1)
        .await;
    assert_eq!(rig.frames(), 1);
    assert_eq!(
        polls_seen(&rig),
        sources as u64,
        "every answer waiting was applied before the first frame"
    );
    assert!(!rig.screen().contains("waiting"), "{}", rig.screen());
}

/// The rig a second after its first frame (on paused time), and the frames drawn so far: an
/// answer alone would now be drawn at once. Paused, the runtime's clock moves only when it
/// waits, so "not yet drawn" cannot turn into "drawn" because the machine was slow.
async fn quiet_rig() -> (Rig, u64) {
    let mut rig = rig();
    rig.until("the first frame", |_, sink| sink.frames >= 1)
        .await;
    tokio::time::advance(std::time::Duration::from_secs(1)).await;
    let before = rig.frames();
    (rig, before)
}

#[tokio::test(start_paused = true)]
async fn the_answers_of_one_slot_are_one_frame() {
    let (mut rig, before) = quiet_rig().await;
    // Three sources polled in one slot: each answer leaves the count before it is sent.
    let in_flight = rig.runtime.in_flight();
    let mut under_way: Vec<_> = (0..3).map(|_| in_flight.enter()).collect();
    for source in 0..2 {
        drop(under_way.pop());
        let poll = ok_poll(&rig, source);
        rig.poll(poll).await;
        rig.applied().await;
        assert_eq!(
            rig.frames(),
            before,
            "answer {source} waits for the rest of its slot"
        );
    }
    drop(under_way.pop());
    let poll = ok_poll(&rig, 2);
    rig.poll(poll).await;
    rig.until("the slot drawn", |_, sink| sink.frames > before)
        .await;
    assert_eq!(rig.frames(), before + 1, "three answers, one frame");
    assert_eq!(polls_seen(&rig), 3);
}

#[tokio::test(start_paused = true)]
async fn an_answer_waits_a_frame_at_most_for_a_slow_companion() {
    let (mut rig, before) = quiet_rig().await;
    // A poll that never answers (a dead host, up to its timeout).
    let _slow = rig.runtime.in_flight().enter();
    let poll = ok_poll(&rig, 0);
    rig.poll(poll).await;
    rig.applied().await;
    assert_eq!(rig.frames(), before, "held for its companion");
    rig.until("drawn without it", |_, sink| sink.frames > before)
        .await;
    assert_eq!(rig.frames(), before + 1);
}

#[tokio::test(start_paused = true)]
async fn a_second_and_the_polls_due_with_it_are_one_frame() {
    let (mut rig, before) = quiet_rig().await;
    // The poller's slots start on the clock's seconds: two polls went out with this tick.
    let in_flight = rig.runtime.in_flight();
    let mut under_way: Vec<_> = (0..2).map(|_| in_flight.enter()).collect();
    // A second later on the launch clock.
    let next = at(&rig.app().layout, "10:00") + chrono::Duration::seconds(1);
    rig.tick_at(next).await;
    assert_eq!(rig.app().now, next);
    assert_eq!(rig.frames(), before, "the second waits for its polls");
    for source in 0..2 {
        drop(under_way.pop());
        let poll = ok_poll(&rig, source);
        rig.poll(poll).await;
    }
    rig.until("the second and its polls drawn", |_, sink| {
        sink.frames > before
    })
    .await;
    assert_eq!(
        rig.frames(),
        before + 1,
        "one frame for the tick and both answers"
    );
    assert_eq!(polls_seen(&rig), 2);
}

#[tokio::test]
async fn a_key_is_drawn_at_once_and_a_burst_of_keys_costs_few_frames() {
    let mut rig = rig();
    rig.until("the first frame", |_, sink| sink.frames >= 1)
        .await;
    let before = rig.frames();
    rig.key(KeyCode::Char('2')).await;
    rig.until("the second view", |app, _| app.view == View::Prelaunch)
        .await;
    assert_eq!(rig.frames(), before + 1, "one key, one frame, at once");

    // 1,500 characters typed into a prompt as a paste or tmux send-keys delivers them.
    rig.key(KeyCode::Char('/')).await;
    let text: String = "abcdefghij".repeat(150);
    rig.type_text(&text).await;
    let before = rig.frames();
    rig.until(
        "every key applied",
        |app, _| matches!(&app.mode, Mode::Prompt(p) if p.input.len() == 1500),
    )
    .await;
    let frames = rig.frames() - before;
    assert!(frames <= 20, "1,500 queued keys drew {frames} frames");
}

#[tokio::test]
async fn quit_signals_and_a_closed_terminal_end_it_with_their_exits() {
    let mut quit = rig();
    quit.key(KeyCode::Char('q')).await;
    assert_eq!(quit.until_exit().await, Exit::Quit);

    let mut hangup = rig();
    hangup.input(Input::Signal(1)).await;
    assert_eq!(hangup.until_exit().await, Exit::Signal(1));
    assert_eq!(Exit::Signal(1).code(), 129);
    assert_eq!(Exit::Signal(15).code(), 143);

    let mut gone = rig();
    gone.input(Input::TerminalClosed).await;
    assert_eq!(gone.until_exit().await, Exit::TerminalClosed);
    assert_eq!(Exit::TerminalClosed.code(), 129);
    assert_eq!(Exit::Quit.code(), 0);
}

#[tokio::test]
async fn the_last_samples_reach_the_store_however_it_ends() {
    let mut rig = rig();
    let poll = ok_poll(&rig, 0);
    rig.poll(poll).await;
    rig.until("the poll applied", |app, _| app.live.sources[0].polls == 1)
        .await;
    rig.input(Input::Signal(15)).await;
    assert_eq!(rig.until_exit().await, Exit::Signal(15));
    let mut requests = rig.requests.take().expect("the rig keeps the requests");
    let mut saved = 0;
    while let Ok(request) = requests.try_recv() {
        if let Request::Samples(samples) = request {
            saved += samples.iter().filter(|s| s.series == "_polls").count();
        }
    }
    assert_eq!(saved, 1, "the poll's sample is handed over on the way out");
}

#[tokio::test]
async fn a_change_the_store_cannot_take_is_answered_as_failed() {
    let mut rig = rig();
    // The store has stopped: its queue is closed.
    drop(rig.requests.take());
    let item = rig.app().selected().expect("an item selected").to_string();
    rig.key(KeyCode::Char('x')).await;
    rig.until("the failure shown", |app, _| {
        app.flash.as_ref().is_some_and(|f| f.error) && app.pending.is_empty()
    })
    .await;
    assert!(
        !rig.app().ledger.is_settled(&item),
        "nothing ticked unsaved"
    );
    rig.until_shows("the store has stopped").await;
}
