//! The wall display (`warroom wall`) writes nothing and still follows the day:
//!
//! - every write key says "read-only" (en, zh-TW) and hands nothing to the store;
//! - on SQLite it waits for a file that is not there yet, then reads it read-only while
//!   another warroom ticks, and the file's bytes and mtime do not change;
//! - on PostgreSQL it runs as a role that may only SELECT, and shows ticks as they commit.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tokio::sync::mpsc;
use warroom::app::wall::Wall;
use warroom::app::{App, Mode, View};
use warroom::i18n::{Lang, Msg, t};
use warroom::store::reader::{self, Target};
use warroom::store::worker::Reply;
use warroom::store::{Author, Change, Event, Store};
use warroom::update::{Effect, Msg as Update, update};

mod common;
use common::db::admin_url;
use common::live::{State, app_in};

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Update::Key(KeyEvent::new(code, KeyModifiers::NONE))).1
}

fn wall_app() -> App {
    let mut app = common::app_at(common::seed(), "09:31", Vec::new());
    app.wall = Some(Wall::new(None));
    app
}

/// The first-orders block's items, in order (the block running at 09:31).
fn first_orders(app: &App) -> Vec<String> {
    app.layout.blocks[1].items().map(|i| i.id.clone()).collect()
}

fn tick_event(app: &App, item: &str, who: &str) -> Event {
    let author = Author {
        operator: who.into(),
        origin: "local on ops-pc".into(),
    };
    Event::new(
        &author,
        &app.layout.launch.id,
        app.day(),
        app.now,
        Some(item.to_string()),
        Change::Tick,
    )
}

/// Applies the reader's replies to the app until `done` holds (at most 20 s).
async fn until(app: &mut App, replies: &mut mpsc::Receiver<Reply>, done: impl Fn(&App) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done(app) {
        let reply = tokio::time::timeout_at(deadline, replies.recv())
            .await
            .unwrap_or_else(|_| panic!("the wall did not get there within 20 s:\n{}", screen(app)))
            .expect("the reader is running");
        update(app, Update::Store(reply));
    }
}

fn screen(app: &App) -> String {
    common::render(app, 200, 60)
}

fn done_of(app: &App) -> usize {
    let items = first_orders(app);
    app.ledger.progress(items.iter().map(String::as_str)).0
}

#[test]
fn a_write_key_on_the_wall_stores_nothing_and_says_read_only() {
    for lang in [Lang::En, Lang::ZhTw] {
        let mut app = app_in(State::Critical);
        app.lang = lang;
        app.wall = Some(Wall::new(None));
        let before = app.ledger.alerts().len();
        let selected = app
            .selected()
            .map(str::to_string)
            .expect("an item selected");
        for code in [
            KeyCode::Char(' '),
            KeyCode::Char('x'),
            KeyCode::Char('s'),
            KeyCode::Char('n'),
            KeyCode::Char('u'),
            KeyCode::Char('a'),
            KeyCode::Char('R'),
        ] {
            let effects = key(&mut app, code);
            assert!(
                effects.is_empty(),
                "{code:?} asked the store for {effects:?}"
            );
            assert!(app.pending.is_empty(), "{code:?} left a change pending");
            assert_eq!(app.mode, Mode::Normal, "{code:?} opened a dialog");
            let said = app.flash.as_ref().map(|f| f.text.clone());
            assert_eq!(
                said.as_deref(),
                Some(t(lang, Msg::WallReadOnly)),
                "{code:?}"
            );
            let shown = common::render(&app, 80, 24);
            assert!(
                shown.contains(t(lang, Msg::WallReadOnly)),
                "{code:?}:\n{shown}"
            );
            app.flash = None;
        }
        assert!(matches!(
            app.ledger.mark(&selected),
            warroom::app::Mark::Open
        ));
        assert_eq!(app.ledger.alerts().len(), before);
        // What only looks still works: views, help, the alerts list, quitting.
        key(&mut app, KeyCode::Char('8'));
        assert_eq!(app.view, View::Live);
        key(&mut app, KeyCode::Char('?'));
        assert_eq!(app.mode, Mode::Help);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('1'));
        assert_eq!(app.view, View::LaunchDay);
        key(&mut app, KeyCode::Char('q'));
        assert!(app.quit);
    }
}

#[test]
fn the_walls_own_polls_record_nothing() {
    // The sources are critical: an operator's warroom would raise alerts and save samples.
    let mut app = app_in(State::Ok);
    app.wall = Some(Wall::new(None));
    common::live::feed(&mut app, State::Critical);
    let (_, effects) = update(&mut app, Update::Tick);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(app.pending.is_empty());
    assert!(app.samples.is_empty());
}

#[test]
fn the_wall_cycles_its_views_on_a_timer() {
    let mut app = wall_app();
    app.wall = Some(Wall::new(Some(Duration::from_secs(20))));
    update(&mut app, Update::Tick);
    assert_eq!(app.view, View::LaunchDay, "moved on before its time");
    // As if the board had been up for 20 s.
    if let Some(wall) = app.wall.as_mut() {
        wall.shown_at = std::time::Instant::now().checked_sub(Duration::from_secs(21));
    }
    update(&mut app, Update::Tick);
    assert_eq!(app.view, View::Live);
    assert!(screen(&app).contains("next view in"), "{}", screen(&app));
}

/// The bytes and modification time of a file.
fn fingerprint(path: &Path) -> (Vec<u8>, SystemTime) {
    let bytes = std::fs::read(path).expect("read the database file");
    let mtime = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime");
    (bytes, mtime)
}

#[tokio::test]
async fn on_sqlite_the_wall_waits_for_the_file_reads_it_read_only_and_follows_ticks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("warroom.db");
    let mut app = wall_app();
    let items = first_orders(&app);
    let (tx, mut replies) = mpsc::channel(64);
    let wall = tokio::spawn(reader::run(
        Target::Sqlite(path.clone()),
        app.layout.launch.id.clone(),
        app.day(),
        tx,
    ));
    // No file yet: said on screen, and nothing created.
    until(&mut app, &mut replies, |app| {
        app.wall.as_ref().is_some_and(|w| w.absent.is_some())
    })
    .await;
    assert!(screen(&app).contains("No database at"), "{}", screen(&app));
    assert!(!path.exists(), "the wall created the database");

    // Another warroom creates it and ticks.
    let writer = Store::open(&path).await.expect("writer opens");
    writer
        .append(&tick_event(&app, &items[0], "ann"))
        .await
        .expect("tick");
    until(&mut app, &mut replies, |app| done_of(app) == 1).await;
    assert!(!screen(&app).contains("No database at"));
    let before = fingerprint(&path);

    // More ticks while the wall reads: in the writer's WAL, so the file itself must not
    // change unless the wall writes it.
    writer
        .append(&tick_event(&app, &items[1], "bob"))
        .await
        .expect("tick");
    until(&mut app, &mut replies, |app| done_of(app) == 2).await;
    let shown = screen(&app);
    assert!(shown.contains("2 of"), "{shown}");
    // A write key on the wall, with the database open: nothing.
    assert!(key(&mut app, KeyCode::Char(' ')).is_empty());
    assert!(key(&mut app, KeyCode::Char('s')).is_empty());
    assert!(screen(&app).contains("read-only: this is a wall display"));
    writer
        .append(&tick_event(&app, &items[2], "ann"))
        .await
        .expect("tick");
    until(&mut app, &mut replies, |app| done_of(app) == 3).await;
    wall.abort();
    let _ = wall.await;

    let after = fingerprint(&path);
    assert!(before.0 == after.0, "the database file's bytes changed");
    assert_eq!(before.1, after.1, "the database file's mtime changed");
    // Nor did anything of the wall's reach the log: the three ticks are the writer's.
    let read = writer
        .read(&app.layout.launch.id, app.day(), 0)
        .await
        .expect("read back");
    assert_eq!(read.events.len(), 3);
    let presence: i64 = {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("connect");
        sqlx::query_scalar("SELECT count(*) FROM presence")
            .fetch_one(&mut conn)
            .await
            .expect("count presence")
    };
    assert_eq!(presence, 0, "the wall announced itself");
    writer.close().await;
}

#[tokio::test]
async fn on_sqlite_a_file_pulled_away_is_said_and_a_new_one_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("warroom.db");
    let mut app = wall_app();
    let items = first_orders(&app);
    let writer = Store::open(&path).await.expect("writer opens");
    writer
        .append(&tick_event(&app, &items[0], "ann"))
        .await
        .expect("tick");
    writer.close().await;
    let (tx, mut replies) = mpsc::channel(64);
    let wall = tokio::spawn(reader::run(
        Target::Sqlite(path.clone()),
        app.layout.launch.id.clone(),
        app.day(),
        tx,
    ));
    until(&mut app, &mut replies, |app| done_of(app) == 1).await;
    let moved = dir.path().join("elsewhere.db");
    std::fs::rename(&path, &moved).expect("pull the file away");
    until(&mut app, &mut replies, |app| {
        app.wall.as_ref().is_some_and(|w| w.absent.is_some())
    })
    .await;
    assert!(screen(&app).contains("No database at"));
    // A fresh file in its place: read whole, the old day no longer shown as this one's.
    let fresh = Store::open(&path).await.expect("a new file");
    fresh.close().await;
    until(&mut app, &mut replies, |app| {
        app.wall.as_ref().is_some_and(|w| w.absent.is_none())
    })
    .await;
    assert_eq!(done_of(&app), 0);
    wall.abort();
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

#[tokio::test]
async fn on_postgresql_the_wall_runs_as_a_role_that_may_only_select() {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let schema = format!("warroom_wall_{id}");
    let role = format!("wall_reader_{}", &id[16..]);
    let admin_options = PgConnectOptions::from_str(&admin_url()).expect("admin URL");
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(admin_options.clone())
        .await
        .expect("admin connects");
    let run = |sql: String| {
        let admin = admin.clone();
        async move {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&admin)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    };
    run(format!("CREATE SCHEMA {schema}")).await;
    let mut app = wall_app();
    let items = first_orders(&app);
    // The operators' warroom makes the tables (migrations) and writes.
    let writer = Store::open_postgres(
        admin_options
            .clone()
            .options([("search_path", schema.as_str())]),
        "postgres://postgres@127.0.0.1/test",
    )
    .await
    .expect("writer opens");
    writer
        .append(&tick_event(&app, &items[0], "ann"))
        .await
        .expect("tick");
    // The wall's role: it may read the schema's tables, nothing else.
    run(format!("CREATE ROLE {role} LOGIN PASSWORD 'wall-secret'")).await;
    run(format!("GRANT USAGE ON SCHEMA {schema} TO {role}")).await;
    run(format!(
        "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}"
    ))
    .await;
    let wall_options = admin_options
        .clone()
        .username(&role)
        .password("wall-secret")
        .options([("search_path", schema.as_str())])
        .application_name(&role);
    // The role really cannot write.
    {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect_with(&wall_options)
            .await
            .expect("the role logs in");
        let denied = sqlx::query("DELETE FROM events").execute(&mut conn).await;
        assert!(denied.is_err(), "the reader's role may write");
        let _ = conn.close().await;
    }
    let store = Store::postgres_reading(wall_options, "postgres://wall@127.0.0.1/test");
    let (tx, mut replies) = mpsc::channel(64);
    let wall = tokio::spawn(reader::run(
        Target::Postgres(store),
        app.layout.launch.id.clone(),
        app.day(),
        tx,
    ));
    until(&mut app, &mut replies, |app| done_of(app) == 1).await;
    // A tick from an operator arrives by NOTIFY (the safety poll is 5 s; this is sooner).
    let sent = std::time::Instant::now();
    writer
        .append(&tick_event(&app, &items[1], "bob"))
        .await
        .expect("tick");
    until(&mut app, &mut replies, |app| done_of(app) == 2).await;
    assert!(
        sent.elapsed() < Duration::from_secs(4),
        "the tick took {:?}: not by NOTIFY",
        sent.elapsed()
    );
    assert!(screen(&app).contains("2 of"), "{}", screen(&app));
    assert!(app.outage.is_none());
    // One connection, and no presence row.
    let connections: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE usename = $1")
            .bind(&role)
            .fetch_one(&admin)
            .await
            .expect("count connections");
    assert_eq!(connections, 1);
    let presence: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM {schema}.presence"
    )))
    .fetch_one(&admin)
    .await
    .expect("count presence");
    assert_eq!(presence, 0);
    wall.abort();
    let _ = wall.await;
    writer.close().await;
    run(format!("DROP SCHEMA {schema} CASCADE")).await;
    // Its connection may still be closing: end it before the role goes.
    run(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
    ))
    .await;
    run(format!("DROP ROLE {role}")).await;
    admin.close().await;
}
