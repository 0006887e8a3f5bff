//! The crash test: a writer process is killed with SIGKILL at random moments, over and over on
//! the same database. Every change it reported as committed must still be there, exactly once,
//! and the database must open cleanly and pass SQLite's integrity check.
//!
//! The writer is this same test binary run again with only `crash_child_writer` selected and
//! `WARROOM_CRASH_CHILD_DB` set; without that variable `crash_child_writer` does nothing, so a
//! normal `cargo test` / `cargo nextest run` just runs the parent.
//!
//! The kill moments come from a seeded xorshift; the seed is printed and any failure names it.
//! Set `WARROOM_CRASH_SEED=<n>` to replay a run.

#![cfg(unix)]

mod common;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{NaiveDate, Utc};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use uuid::Uuid;
use warroom::layout;
use warroom::store::{Author, Change, Event, Store};

const CHILD_ENV: &str = "WARROOM_CRASH_CHILD_DB";
const SEED_ENV: &str = "WARROOM_CRASH_SEED";
const ROUNDS: usize = 10;
/// A child left running (the parent died) stops writing after this long.
const CHILD_LIFETIME: Duration = Duration::from_secs(60);

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid day")
}

fn seed_layout() -> layout::Layout {
    layout::parse(
        warroom::BUILTIN_LAYOUT_NAME,
        warroom::BUILTIN_LAYOUT,
        &layout::Env::empty(),
    )
    .unwrap_or_else(|e| panic!("built-in layout: {e}"))
}

// ---------------------------------------------------------------------------------------------
// The child: writes until it is killed
// ---------------------------------------------------------------------------------------------

/// In child mode (env var set) appends tick/untick/note events for the seed layout's items and
/// prints `committed <uuid>` after each append returned Ok. Otherwise returns at once.
#[test]
fn crash_child_writer() {
    let Some(db) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("child: tokio runtime");
    runtime.block_on(child_writes(PathBuf::from(db)));
}

async fn child_writes(db: PathBuf) {
    let layout = seed_layout();
    let items: Vec<String> = layout
        .tickables()
        .map(|(_, id, _)| id.to_string())
        .collect();
    let author = Author {
        operator: format!("crash-{}", std::process::id()),
        origin: "crash-test".into(),
    };
    let store = Store::open(&db)
        .await
        .unwrap_or_else(|e| panic!("child: open {}: {e}", db.display()));
    let mut out = std::io::stdout().lock();
    // libtest may have printed "test crash_child_writer ... " without a newline: end that line.
    writeln!(out).expect("child: write stdout");
    out.flush().expect("child: flush stdout");
    let started = Instant::now();
    let mut n: usize = 0;
    while started.elapsed() < CHILD_LIFETIME {
        let item = items[n % items.len()].clone();
        let change = match n % 3 {
            0 => Change::Tick,
            1 => Change::Note {
                text: format!("note {n} from {}", author.operator),
            },
            _ => Change::Untick,
        };
        let event = Event::new(
            &author,
            &layout.launch.id,
            day(),
            Utc::now(),
            Some(item),
            change,
        );
        store
            .append(&event)
            .await
            .unwrap_or_else(|e| panic!("child: append #{n}: {e}"));
        writeln!(out, "committed {}", event.id).expect("child: write stdout");
        out.flush().expect("child: flush stdout");
        n += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// The parent: kills the child and checks the database
// ---------------------------------------------------------------------------------------------

/// xorshift64*: enough randomness for kill moments, reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn millis(&mut self, below: u64) -> Duration {
        Duration::from_millis(self.next() % below)
    }
}

/// Kills the child if the parent panics before it did.
struct Killer(Child);

impl Drop for Killer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads the child's stdout; sends every complete `committed <uuid>` line. A line cut off by the
/// kill (no newline) is not a report and is ignored.
fn read_reports(stdout: impl std::io::Read, tx: mpsc::Sender<Uuid>) -> Result<(), String> {
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| format!("reading child stdout: {e}"))?;
        if n == 0 || !line.ends_with('\n') {
            return Ok(());
        }
        if let Some(id) = line.trim_end().strip_prefix("committed ") {
            let id =
                Uuid::parse_str(id).map_err(|e| format!("child printed a bad id {id:?}: {e}"))?;
            if tx.send(id).is_err() {
                return Ok(());
            }
        }
    }
}

fn spawn_child(db: &Path, stderr: &Path) -> Killer {
    let exe = std::env::current_exe().expect("path of this test binary");
    let stderr = File::create(stderr).expect("create child stderr file");
    let child = Command::new(exe)
        .args([
            "--exact",
            "crash_child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, db)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(stderr))
        .spawn()
        .expect("spawn the child writer");
    Killer(child)
}

struct Check {
    events: usize,
}

/// Reopens the database after a kill and checks it against everything reported so far.
async fn check_database(db: &Path, launch: &str, reported: &[Uuid]) -> Result<Check, String> {
    let store = Store::open(db)
        .await
        .map_err(|e| format!("reopen after kill: {e}"))?;
    let events = store
        .day_events(launch, day())
        .await
        .map_err(|e| format!("read events after kill: {e}"))?;
    store.close().await;

    let mut count: HashMap<Uuid, usize> = HashMap::new();
    for s in &events {
        *count.entry(s.event.id).or_default() += 1;
    }
    if let Some((id, n)) = count.iter().find(|(_, n)| **n > 1) {
        return Err(format!("event {id} is stored {n} times"));
    }
    let missing: Vec<&Uuid> = reported
        .iter()
        .filter(|id| !count.contains_key(id))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} reported commits are missing, first {}",
            missing.len(),
            missing[0]
        ));
    }
    if !events.windows(2).all(|w| w[0].seq < w[1].seq) {
        return Err("sequence numbers are not increasing".into());
    }

    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(|e| e.to_string())?
        .filename(db);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| format!("raw connection: {e}"))?;
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(|e| format!("integrity_check: {e}"))?;
    conn.close()
        .await
        .map_err(|e| format!("closing raw connection: {e}"))?;
    if integrity != ["ok"] {
        return Err(format!("integrity_check: {integrity:?}"));
    }
    Ok(Check {
        events: events.len(),
    })
}

#[test]
fn committed_ticks_survive_sigkill() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return; // this process is a child: only crash_child_writer runs here
    }
    let seed = std::env::var(SEED_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0x9E37_79B9_7F4A_7C15)
        });
    eprintln!("crash test seed: {seed} (replay with {SEED_ENV}={seed})");
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("crash.db");
    let launch = seed_layout().launch.id;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let started = Instant::now();
    let mut reported: Vec<Uuid> = Vec::new();
    let mut rounds_with_commits = 0;
    for round in 0..ROUNDS {
        let stderr_path = dir.path().join(format!("child-{round}.stderr"));
        let context = |what: &str| {
            format!(
                "round {round} (seed {seed}): {what}\nchild stderr:\n{}",
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            )
        };

        let mut child = spawn_child(&db, &stderr_path);
        let stdout = child.0.stdout.take().expect("child stdout is piped");
        let (tx, rx) = mpsc::channel();
        let reader = thread::spawn(move || read_reports(stdout, tx));

        // Even rounds: kill at any moment from the start, often while the child is still
        // opening the database (and, in round 0, creating it). Odd rounds: kill mid-write, after
        // the child reported at least one commit.
        let delay = if round % 2 == 0 {
            rng.millis(150)
        } else {
            match rx.recv_timeout(Duration::from_secs(15)) {
                Ok(id) => reported.push(id),
                Err(e) => panic!(
                    "{}",
                    context(&format!("no commit reported within 15 s ({e})"))
                ),
            }
            rng.millis(400)
        };
        thread::sleep(delay);
        child
            .0
            .kill()
            .unwrap_or_else(|e| panic!("{}", context(&format!("SIGKILL failed: {e}"))));
        let status = child
            .0
            .wait()
            .unwrap_or_else(|e| panic!("{}", context(&format!("wait failed: {e}"))));
        assert_eq!(
            status.signal(),
            Some(9),
            "{}",
            context(&format!("child ended by itself before the kill: {status}"))
        );

        let read = reader.join().expect("stdout reader thread");
        if let Err(e) = read {
            panic!("{}", context(&e));
        }
        let before = reported.len();
        reported.extend(rx.try_iter());
        if reported.len() > before || round % 2 == 1 {
            rounds_with_commits += 1;
        }

        let check = runtime
            .block_on(check_database(&db, &launch, &reported))
            .unwrap_or_else(|e| panic!("{}", context(&e)));
        assert!(
            check.events >= reported.len(),
            "{}",
            context("fewer events than reported commits")
        );
        eprintln!(
            "round {round}: killed after {delay:?}; {} reported, {} stored",
            reported.len(),
            check.events
        );
    }
    assert!(
        rounds_with_commits >= ROUNDS / 2,
        "seed {seed}: only {rounds_with_commits} rounds reported commits"
    );
    let unique: std::collections::HashSet<&Uuid> = reported.iter().collect();
    assert_eq!(
        unique.len(),
        reported.len(),
        "seed {seed}: the child reported an id twice"
    );
    eprintln!(
        "crash test: {ROUNDS} rounds, {} commits checked, {:?}",
        reported.len(),
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "crash test too slow: {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// The terminal hangs up: an SSH session dropped
// ---------------------------------------------------------------------------------------------

/// warroom in a pseudo-terminal of its own, as the session leader with it as its controlling
/// terminal — stdin, stdout and stderr all on it, as over SSH — so that closing our end hangs
/// it up for real (SIGHUP, then EIO on every write).
struct Pty {
    master: Option<File>,
    child: Child,
    output: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    /// Tells the reader to let go of its copy of the master.
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    reader: Option<thread::JoinHandle<()>>,
}

impl Pty {
    fn spawn(args: &[&str]) -> Self {
        use std::os::fd::FromRawFd;
        use std::os::unix::process::CommandExt;
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes the two descriptors; the other arguments may be null.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(rc, 0, "openpty");
        // The child must not inherit our end, or it would keep its own terminal from hanging up.
        // SAFETY: fcntl on a descriptor we own.
        unsafe {
            libc::fcntl(master, libc::F_SETFD, libc::FD_CLOEXEC);
        }
        // SAFETY: both descriptors are fresh and owned here.
        let (master, slave) = unsafe { (File::from_raw_fd(master), File::from_raw_fd(slave)) };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_warroom"));
        cmd.args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("TERM", "xterm-256color")
            .env_remove("WARROOM_DB")
            .env_remove("WARROOM_LAYOUT")
            .env_remove("LC_ALL")
            .env_remove("LANG")
            .stdin(slave.try_clone().expect("dup"))
            .stdout(slave.try_clone().expect("dup"))
            .stderr(slave);
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn warroom in a pty");
        let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut copy = master.try_clone().expect("dup master");
        let sink = output.clone();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let reader = thread::spawn(move || {
            use std::os::fd::AsRawFd;
            let mut buf = [0u8; 4096];
            while !stopping.load(std::sync::atomic::Ordering::SeqCst) {
                let mut poll = libc::pollfd {
                    fd: copy.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd.
                if unsafe { libc::poll(&mut poll, 1, 50) } <= 0 {
                    continue;
                }
                match std::io::Read::read(&mut copy, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.lock().expect("lock").extend_from_slice(&buf[..n]),
                }
            }
        });
        Self {
            master: Some(master),
            child,
            output,
            stop,
            reader: Some(reader),
        }
    }

    fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().expect("lock")).into_owned()
    }

    fn wait_for(&self, what: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.output().contains(what) {
            assert!(
                Instant::now() < deadline,
                "never saw {what:?}: {:?}",
                self.output()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &[u8]) {
        let master = self.master.as_mut().expect("open");
        master.write_all(keys).expect("write to the pty");
    }

    /// Closes our end: the kernel hangs the terminal up.
    fn hang_up(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.master = None;
    }

    fn wait(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "did not exit within {timeout:?}");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn events_in(db: &Path) -> usize {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let Ok(store) = Store::open_read_only(db).await else {
            return 0;
        };
        let launch = seed_layout().launch.id;
        let n = store
            .day_events(&launch, day())
            .await
            .map_or(0, |e| e.len());
        store.close().await;
        n
    })
}

#[test]
fn a_hangup_ends_warroom_quietly_with_129_and_loses_nothing() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, log) = (dir.path().join("w.db"), dir.path().join("w.log"));
    let args = [
        "--db",
        db.to_str().expect("utf-8"),
        "--log",
        log.to_str().expect("utf-8"),
        "--layout",
        "layouts/luckygas-pilot.toml",
        "--operator",
        "ssh-user",
        "--now",
        "2026-12-01T09:30",
    ];
    let mut pty = Pty::spawn(&args);
    pty.wait_for("\x1b[?1049h", Duration::from_secs(10));
    pty.wait_for("First Orders", Duration::from_secs(10));
    pty.send(b" ");
    let deadline = Instant::now() + Duration::from_secs(10);
    while events_in(&db) == 0 {
        assert!(Instant::now() < deadline, "the tick was never saved");
        thread::sleep(Duration::from_millis(50));
    }
    let before = pty.output().len();
    pty.hang_up();
    let status = pty.wait(Duration::from_secs(15));
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(
        status.code(),
        Some(129),
        "a hangup exits 128 + SIGHUP, handled: {status:?}\n{log_text}"
    );
    assert!(
        !log_text.contains("panic"),
        "no panic on the way out:\n{log_text}"
    );
    let after = pty.output();
    assert!(
        !after[before..].contains("warroom stopped"),
        "nothing printed for a terminal that is gone: {:?}",
        &after[before..]
    );
    assert_eq!(events_in(&db), 1, "the tick is kept");
}

/// Quitting writes the live samples buffered since the last flush: a rehearsal's charts run
/// up to the quit, not up to the last periodic write.
#[test]
fn quitting_stores_the_live_samples_up_to_the_quit() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, log) = (dir.path().join("demo.db"), dir.path().join("w.log"));
    let args = [
        "demo",
        "--port",
        "0",
        "--speed",
        "120",
        "--db",
        db.to_str().expect("utf-8"),
        "--log",
        log.to_str().expect("utf-8"),
        "--operator",
        "rehearsal",
    ];
    let mut pty = Pty::spawn(&args);
    pty.wait_for("\x1b[?1049h", Duration::from_secs(10));
    // 8 s at 120x: 16 simulated minutes, of which only the first is written before the
    // 15 s flush comes round.
    thread::sleep(Duration::from_secs(8));
    pty.send(b"q");
    let status = pty.wait(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "{status:?}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let minutes: Vec<String> = runtime.block_on(async {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .expect("options")
            .filename(&db)
            .read_only(true);
        let mut conn = SqliteConnection::connect_with(&options)
            .await
            .expect("open the demo database");
        let minutes = sqlx::query_scalar("SELECT DISTINCT minute FROM samples ORDER BY minute")
            .fetch_all(&mut conn)
            .await
            .expect("samples");
        let _ = conn.close().await;
        minutes
    });
    assert!(
        minutes.len() >= 10,
        "samples of the minutes up to the quit are stored, got {minutes:?}"
    );
}

fn journals_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("journal-"))
                .collect()
        })
        .unwrap_or_default()
}

/// A warroom killed with nothing unsaved leaves no journal behind (they used to pile up, one
/// empty file per kill).
#[test]
fn kill_9_with_everything_saved_leaves_no_journal() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, log) = (dir.path().join("w.db"), dir.path().join("w.log"));
    for round in 0..3 {
        let args = [
            "--db",
            db.to_str().expect("utf-8"),
            "--log",
            log.to_str().expect("utf-8"),
            "--layout",
            "layouts/luckygas-pilot.toml",
            "--operator",
            "killed",
            "--now",
            "2026-12-01T09:30",
        ];
        let mut pty = Pty::spawn(&args);
        pty.wait_for("\x1b[?1049h", Duration::from_secs(10));
        pty.wait_for("First Orders", Duration::from_secs(10));
        pty.send(b" ");
        // Saved, and nothing left waiting: a running warroom with nothing unsaved holds no
        // journal file (it used to hold an empty one from the start, and leave it on a kill).
        let deadline = Instant::now() + Duration::from_secs(10);
        while events_in(&db) <= round || !journals_in(dir.path()).is_empty() {
            assert!(
                Instant::now() < deadline,
                "round {round}: not saved, or a journal is held: {:?}",
                journals_in(dir.path())
            );
            thread::sleep(Duration::from_millis(50));
        }
        pty.child.kill().expect("SIGKILL");
        let status = pty.wait(Duration::from_secs(5));
        assert_eq!(status.signal(), Some(9));
        assert_eq!(
            journals_in(dir.path()),
            Vec::<String>::new(),
            "round {round}"
        );
    }
}

/// PostgreSQL down when warroom starts: the TUI opens anyway, says so in the header, keeps a
/// tick in the journal, and saves it once the server is up.
#[test]
fn the_tui_opens_with_postgres_down_and_saves_once_it_is_up() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let cluster = common::db::Cluster::start(&[]);
    let url = cluster.url("postgres");
    cluster.stop();
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("w.log");
    let args = [
        "--database-url",
        &url,
        "--log",
        log.to_str().expect("utf-8"),
        "--layout",
        "layouts/luckygas-pilot.toml",
        "--operator",
        "early",
        "--now",
        "2026-12-01T09:30",
    ];
    let mut pty = Pty::spawn(&args);
    pty.wait_for("\x1b[?1049h", Duration::from_secs(10));
    pty.wait_for("DB unreachable", Duration::from_secs(10));
    pty.send(b" ");
    pty.wait_for("not yet saved", Duration::from_secs(10));
    cluster.start_again();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let launch = seed_layout().launch.id;
    let deadline = Instant::now() + Duration::from_secs(30);
    let events = loop {
        let events = runtime.block_on(async {
            let store = Store::connect(&url).await.ok()?;
            let events = store.day_events(&launch, day()).await.ok();
            store.close().await;
            events
        });
        match events {
            Some(events) if !events.is_empty() => break events,
            _ => {
                assert!(
                    Instant::now() < deadline,
                    "the kept tick never reached the database"
                );
                thread::sleep(Duration::from_millis(200));
            }
        }
    };
    assert!(
        events.iter().all(|s| s.event.operator == "early"),
        "{events:?}"
    );
    pty.send(b"q");
    let status = pty.wait(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0));
    let again = runtime.block_on(async {
        let store = Store::connect(&url).await.expect("up");
        let events = store.day_events(&launch, day()).await.expect("read");
        store.close().await;
        events
    });
    assert_eq!(again.len(), events.len(), "nothing doubled by the quit");
    assert!(
        journals_in(dir.path()).is_empty(),
        "nothing left in a journal"
    );
}

/// A database that does not exist is a mistake to say at once, not an outage to wait out.
#[test]
fn a_postgres_database_that_does_not_exist_stops_warroom_before_the_terminal() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let cluster = common::db::Cluster::start(&[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--database-url", &cluster.url("no_such_db"), "--log"])
        .arg(dir.path().join("w.log"))
        .args(["--layout", "layouts/luckygas-pilot.toml"])
        .stdin(Stdio::null())
        .output()
        .expect("run warroom");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no_such_db") && stderr.contains("does not exist"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("\x1b[?1049h"));
}
