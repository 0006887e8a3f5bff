//! Application state: the layout, the day's ledger, the clock, what the operator is looking at
//! and typing. Changed only by [`crate::update`]; read by [`crate::ui`].

pub mod beyond;
pub mod clock;
pub mod evidence;
pub mod gonogo;
pub mod ledger;
pub mod live;
pub mod measures;
pub mod outline;
pub mod panel;
pub mod pilot;
pub mod rules;
pub mod wall;

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use uuid::Uuid;

use crate::i18n::{Lang, Msg, t};
use crate::layout::Layout;
use crate::store::presence::Peer;
use crate::store::{Author, Event};
pub use clock::{Clock, Phase, Schedule};
pub use ledger::{ItemState, Ledger, Mark};
pub use outline::Row;

/// The screens, one key each (1–7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    LaunchDay,
    Prelaunch,
    Criteria,
    Expansion,
    Contacts,
    Timeline,
    Audit,
    /// Every live panel at once (or one at a time on small terminals, `p` for the next).
    Live,
}

impl View {
    pub const ALL: [View; 8] = [
        View::LaunchDay,
        View::Prelaunch,
        View::Criteria,
        View::Expansion,
        View::Contacts,
        View::Timeline,
        View::Audit,
        View::Live,
    ];

    pub fn title(self) -> &'static str {
        self.title_in(Lang::En)
    }

    pub fn short_title(self) -> &'static str {
        self.short_title_in(Lang::En)
    }

    /// The view's name in the tabs and pane titles.
    pub fn title_in(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                View::LaunchDay => Msg::ViewLaunchDay,
                View::Prelaunch => Msg::ViewPrelaunch,
                View::Criteria => Msg::ViewCriteria,
                View::Expansion => Msg::ViewExpansion,
                View::Contacts => Msg::ViewContacts,
                View::Timeline => Msg::ViewTimeline,
                View::Audit => Msg::ViewAudit,
                View::Live => Msg::ViewLive,
            },
        )
    }

    /// The view's name in the tabs of narrow terminals.
    pub fn short_title_in(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                View::LaunchDay => Msg::ShortLaunchDay,
                View::Prelaunch => Msg::ShortPrelaunch,
                View::Criteria => Msg::ShortCriteria,
                View::Expansion => Msg::ShortExpansion,
                View::Contacts => Msg::ShortContacts,
                View::Timeline => Msg::ShortTimeline,
                View::Audit => Msg::ShortAudit,
                View::Live => Msg::ShortLive,
            },
        )
    }

    pub fn number(self) -> usize {
        View::ALL
            .iter()
            .position(|v| *v == self)
            .map_or(1, |i| i + 1)
    }

    /// Views whose rows are tickable items.
    pub fn is_checklist(self) -> bool {
        matches!(self, View::LaunchDay | View::Prelaunch | View::Expansion)
    }

    pub fn next(self) -> View {
        View::ALL[self.number() % View::ALL.len()]
    }

    pub fn previous(self) -> View {
        View::ALL[(self.number() + View::ALL.len() - 2) % View::ALL.len()]
    }
}

/// Cursor and scroll of one view.
#[derive(Debug, Default)]
pub struct ViewState {
    /// The selected item (checklist views), by id so it survives filtering and reordering.
    pub selected: Option<String>,
    /// Scroll position for views without items (lines).
    pub scroll: usize,
    /// Checklists: first visible row, adjusted by the renderer to keep the selection in sight.
    /// Other views: how far the pane can scroll, as the renderer last measured it.
    pub offset: Cell<usize>,
}

/// What the keyboard is doing right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help,
    /// Detail of the selected item as a pop-up (narrow terminals).
    Detail,
    /// Typing a skip reason, a note, an acknowledgement or a search.
    Prompt(Prompt),
    /// Ticking an item whose live evidence is failing or has no data: `y` ticks anyway.
    Confirm {
        item: String,
        why: String,
        /// What the evidence says: failing (warn, critical) or no data.
        status: crate::sources::Status,
    },
    /// A key that asks for text found nothing to ask about (`a` with no open alert): this
    /// says so and takes what is typed next, so that a reason typed blind never runs as keys.
    Notice(String),
    /// The status update (`U`), shown for review in [`App::update_text`], scrolled by lines.
    Update {
        scroll: usize,
    },
}

impl Mode {
    /// A dialog holds the keyboard: typed text goes to it and nothing else.
    pub fn is_modal(&self) -> bool {
        matches!(
            self,
            Mode::Prompt(_) | Mode::Confirm { .. } | Mode::Notice(_) | Mode::Update { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub input: String,
    /// Why the last Enter did not take (an empty reason), shown in the dialog.
    pub problem: Option<String>,
}

impl Prompt {
    pub fn new(purpose: PromptPurpose, input: String) -> Self {
        Self {
            purpose,
            input,
            problem: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    Skip {
        item: String,
    },
    Note {
        item: String,
    },
    Search,
    /// Acknowledging the open alert of a source, with a reason.
    Ack {
        source: String,
    },
    /// `A`: an announcement to the room; `text | 15:00` or `text | 30m` ends it by itself.
    Announce,
    /// Signing a role the layout names nobody for: the signer confirms their name.
    Sign {
        signoff: String,
    },
    /// Taking a signature back, with a reason.
    Withdraw {
        signoff: String,
    },
    /// An operator's verdict on a target no source measures: `choice` indexes
    /// [`App::judge_choices`], the reason is typed.
    Judge {
        choice: usize,
    },
}

/// A one-line message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub layout: Arc<Layout>,
    pub clock: Clock,
    /// The time shown on screen, advanced by clock ticks.
    pub now: DateTime<Utc>,
    pub schedule: Schedule,
    pub author: Author,
    pub ledger: Ledger,
    /// What the live sources have said.
    pub live: live::Live,
    pub view: View,
    pub views: HashMap<View, ViewState>,
    pub mode: Mode,
    /// Lower-cased search text; empty when not filtering.
    pub filter: String,
    /// The panel shown full size in the live view on small terminals.
    pub panel_focus: usize,
    /// The open alert the alerts list points at (its source): what `a` acknowledges.
    pub alert_selected: Option<String>,
    /// How far help is scrolled, and how far it can be (measured by its last render).
    pub help_scroll: usize,
    pub help_max: Cell<usize>,
    /// Sent to the store, not yet committed: shown as "saving". Once kept on this machine
    /// (fsynced to the journal) it is also applied provisionally to the ledger.
    pub pending: HashMap<Uuid, Event>,
    /// Kept in the outage journal, not yet in the log: applied provisionally to the ledger
    /// and shown as "not yet saved".
    pub unsaved: HashMap<Uuid, Event>,
    /// Since when (on the app's clock) the database cannot be written.
    pub outage: Option<DateTime<Utc>>,
    /// Why ("disk full", "PostgreSQL refused: too many clients"); with `outage`.
    pub outage_cause: Option<crate::store::Outage>,
    /// Rows of the log that could not be read back, skipped (shown in the audit view).
    pub unreadable: Vec<crate::store::Unreadable>,
    /// Who else is in the war room (presence).
    pub peers: Vec<Peer>,
    pub flash: Option<Flash>,
    /// When the flash was shown, to let informational ones fade.
    /// On the wall clock: a message stays readable however fast a rehearsal clock runs, and
    /// fades even when a demo's clock has stopped at the end of its day.
    pub flash_at: Option<std::time::Instant>,
    /// Where the data lives, shown in help.
    pub db_path: String,
    pub log_path: String,
    pub quit: bool,
    /// Live values not yet written to the store, merged per source, series and minute.
    pub samples: crate::store::samples::Samples,
    /// The day's support tickets as seen by polls (kept with the samples).
    pub tickets: crate::judge::Tickets,
    pub samples_flushed_at: Option<DateTime<Utc>>,
    /// Ring the terminal bell on alerts (`--no-bell` turns it off).
    pub bell: bool,
    /// Where `R` writes the day's report.
    pub report_dir: std::path::PathBuf,
    /// Running against the built-in simulator: the header says DEMO so nobody mistakes it.
    pub demo: bool,
    /// The operator's own UTC offset, for showing times in both zones.
    pub local_offset: FixedOffset,
    /// The language of every screen (`--lang`, else LC_ALL / LANG).
    pub lang: Lang,
    /// The pilot's earlier days' events and its stored samples (see [`beyond`]).
    pub pilot_earlier: Vec<crate::store::Stored>,
    pub pilot_samples: std::collections::BTreeMap<NaiveDate, Vec<crate::store::Sample>>,
    /// When they were last asked for (wall clock: the store's pace, not the rehearsal's).
    pub pilot_asked: Option<std::time::Instant>,
    /// The status update shown for review (`U`), and how far it is scrolled.
    pub update_text: Option<String>,
    /// Why the edited layout file was not applied ("file:line:col: …"), until it is fixed.
    pub layout_error: Option<String>,
    /// How much faster than the layout says the sources are polled (a rehearsal's speed);
    /// a reloaded layout is polled the same way.
    pub poll_speed: f64,
    /// Running as the read-only wall display (`warroom wall`): no key writes.
    pub wall: Option<wall::Wall>,
}

/// Everything an [`App`] starts from: set once, before the runtime takes the app.
pub struct Config {
    pub layout: Arc<Layout>,
    pub clock: Clock,
    pub author: Author,
    /// The day so far, as read from the store.
    pub ledger: Ledger,
    pub lang: Lang,
    /// Ring the terminal bell on alerts (`--no-bell` turns it off).
    pub bell: bool,
    /// Running against the built-in simulator.
    pub demo: bool,
    /// Where the data and the log live, shown in help.
    pub db_path: String,
    pub log_path: String,
    /// Where `R` writes the day's report.
    pub report_dir: std::path::PathBuf,
    /// Rows of the log that could not be read back.
    pub unreadable: Vec<crate::store::Unreadable>,
    /// The day's stored live samples: sparklines, uptime and tickets carry on across a restart.
    pub samples: Vec<crate::store::Sample>,
    /// Sources whose probe could not be built (a malformed URL): their panels say why.
    pub unpollable: Vec<(usize, crate::sources::SourceError)>,
    /// The read-only wall display (`warroom wall`); `None` for an operator's warroom.
    pub wall: Option<wall::Wall>,
    /// How much faster than the layout says the sources are polled (a rehearsal's speed),
    /// so that a reloaded layout is polled the same way.
    pub poll_speed: f64,
}

impl Config {
    /// A config with the defaults of an interactive start: English, the bell on, no demo.
    pub fn new(layout: Arc<Layout>, clock: Clock, author: Author, ledger: Ledger) -> Self {
        Self {
            layout,
            clock,
            author,
            ledger,
            lang: Lang::En,
            bell: true,
            demo: false,
            db_path: String::new(),
            log_path: String::new(),
            report_dir: std::path::PathBuf::from("."),
            unreadable: Vec::new(),
            samples: Vec::new(),
            unpollable: Vec::new(),
            wall: None,
            poll_speed: 1.0,
        }
    }
}

impl App {
    pub fn new(config: Config) -> Self {
        let Config {
            layout,
            clock,
            author,
            ledger,
            lang,
            bell,
            demo,
            db_path,
            log_path,
            report_dir,
            unreadable,
            samples,
            unpollable,
            wall,
            poll_speed,
        } = config;
        let now = clock.now();
        let day = Schedule::launch_day(&layout, now);
        let schedule = Schedule::new(&layout, day);
        let live = live::Live::new(&layout);
        let mut app = Self {
            layout,
            clock,
            now,
            schedule,
            author,
            live,
            ledger,
            view: View::LaunchDay,
            views: View::ALL
                .iter()
                .map(|v| (*v, ViewState::default()))
                .collect(),
            mode: Mode::Normal,
            filter: String::new(),
            pending: HashMap::new(),
            panel_focus: 0,
            alert_selected: None,
            help_scroll: 0,
            help_max: Cell::new(0),
            unsaved: HashMap::new(),
            outage: None,
            outage_cause: None,
            unreadable,
            peers: Vec::new(),
            flash: None,
            flash_at: None,
            db_path,
            log_path,
            quit: false,
            local_offset: *chrono::Local::now().offset(),
            samples: crate::store::samples::Samples::new(),
            tickets: crate::judge::Tickets::default(),
            samples_flushed_at: None,
            bell,
            report_dir,
            demo,
            lang,
            wall,
            pilot_earlier: Vec::new(),
            pilot_samples: std::collections::BTreeMap::new(),
            pilot_asked: None,
            update_text: None,
            layout_error: None,
            poll_speed,
        };
        app.live.restore(&app.layout, &samples);
        app.tickets.restore(&samples);
        for (index, error) in unpollable {
            app.live.cannot_poll(&app.layout, index, now, error);
        }
        app.select_default();
        app
    }

    pub fn day(&self) -> NaiveDate {
        self.schedule.day
    }

    pub fn phase(&self) -> Phase {
        self.schedule.phase(self.now)
    }

    pub fn rows(&self, view: View) -> Vec<Row<'_>> {
        outline::rows(&self.layout, view, &self.filter)
    }

    pub fn view_state(&self, view: View) -> Option<&ViewState> {
        self.views.get(&view)
    }

    pub fn view_state_mut(&mut self, view: View) -> &mut ViewState {
        self.views.entry(view).or_default()
    }

    /// The selected item of the current view, if it is a checklist.
    pub fn selected(&self) -> Option<&str> {
        self.views.get(&self.view)?.selected.as_deref()
    }

    /// Item ids of the current view in display order.
    pub fn item_ids(&self, view: View) -> Vec<String> {
        self.rows(view)
            .iter()
            .filter_map(|r| r.item_id().map(str::to_string))
            .collect()
    }

    /// On start, the launch-day cursor goes to the first open item of the current block (or
    /// the first open item at all), which is what the operator will tick next.
    pub fn select_default(&mut self) {
        let current_block = match self.phase() {
            Phase::In { index, .. } => Some(index),
            Phase::Gap { next, .. } | Phase::Before { next, .. } => Some(next),
            Phase::After => None,
        };
        let in_block = current_block
            .and_then(|b| self.layout.blocks.get(b))
            .and_then(|b| {
                b.items()
                    .find(|i| !self.ledger.is_settled(&i.id))
                    .map(|i| i.id.clone())
            });
        let any_open = self
            .layout
            .blocks
            .iter()
            .flat_map(|b| b.items())
            .find(|i| !self.ledger.is_settled(&i.id))
            .map(|i| i.id.clone());
        let first = self.item_ids(View::LaunchDay).into_iter().next();
        let choice = in_block.or(any_open).or(first);
        self.view_state_mut(View::LaunchDay).selected = choice;
        for view in [View::Prelaunch, View::Expansion] {
            let first = self.item_ids(view).into_iter().next();
            self.view_state_mut(view).selected = first;
        }
    }

    /// Open alerts, newest first: the order of the alerts list and of the choice in `a`.
    pub fn open_alerts(&self) -> Vec<&ledger::AlertRecord> {
        self.ledger
            .alerts()
            .iter()
            .rev()
            .filter(|a| a.is_open())
            .collect()
    }

    /// The alert `a` acknowledges: the one the list points at while it is open, else the
    /// newest nobody is on, else the newest.
    pub fn alert_to_acknowledge(&self) -> Option<String> {
        let open = self.open_alerts();
        self.alert_selected
            .as_ref()
            .filter(|s| open.iter().any(|a| &&a.source == s))
            .cloned()
            .or_else(|| {
                open.iter()
                    .find(|a| a.ack.is_none())
                    .or(open.first())
                    .map(|a| a.source.clone())
            })
    }

    /// How long after its block ended an item of the launch day was ticked ("late"); `None`
    /// for one ticked in time, not ticked, or not in a block.
    pub fn late_by(&self, item: &str) -> Option<chrono::Duration> {
        let block = self
            .layout
            .blocks
            .iter()
            .position(|b| b.items().any(|i| i.id == item))?;
        let state = self.ledger.item(item);
        match (&state.mark, &state.by) {
            (Mark::Done, Some((_, at))) => self.schedule.late_by(block, *at),
            _ => None,
        }
    }

    /// A source's poll interval on the launch's clock: a rehearsal clock runs faster than
    /// real time, and the demo's polls follow it. Freshness everywhere is judged against this.
    pub fn interval(&self, source: &crate::layout::LiveSource) -> std::time::Duration {
        source.spec.interval.mul_f64(self.clock.speed())
    }

    /// Is this item in a block that has already ended and still open?
    pub fn is_overdue(&self, item: &str, block: Option<usize>) -> bool {
        block.is_some_and(|b| self.schedule.has_ended(b, self.now))
            && matches!(self.ledger.mark(item), Mark::Open)
    }

    pub fn is_pending(&self, item: &str) -> bool {
        self.pending
            .values()
            .any(|e| e.item.as_deref() == Some(item))
    }

    /// Sent to the store and not yet kept anywhere: nothing of it can be shown as made yet.
    pub fn is_sending(&self, item: &str) -> bool {
        self.pending
            .values()
            .any(|e| e.item.as_deref() == Some(item) && !self.ledger.is_provisional(&e.id))
    }

    /// A source's title for messages, or its id when the layout has no such source.
    pub fn source_title(&self, id: &str) -> String {
        self.layout
            .source(id)
            .map_or_else(|| id.to_string(), |s| s.title.get(self.lang).to_string())
    }

    /// Changed while the database was unreachable and not in the log yet.
    pub fn is_unsaved(&self, item: &str) -> bool {
        self.unsaved
            .values()
            .any(|e| e.item.as_deref() == Some(item))
    }

    /// Polls the sources of `layout` `speed` times as often as it says (never more often than
    /// every 100 ms of real time): a rehearsal at `--speed 60` would otherwise poll a 2 s
    /// source every 2 simulated minutes and miss a five-minute outage.
    pub fn faster_polls(layout: &mut Layout, speed: f64) {
        if speed <= 1.0 {
            return;
        }
        for source in &mut layout.sources {
            let scaled = source.spec.interval.div_f64(speed);
            source.spec.interval = scaled.max(std::time::Duration::from_millis(100));
        }
    }

    /// Text of any tickable item by id.
    pub fn item_text(&self, id: &str) -> Option<&crate::layout::Text> {
        self.layout
            .tickables()
            .find(|(_, i, _)| *i == id)
            .map(|(_, _, t)| t)
    }
}
