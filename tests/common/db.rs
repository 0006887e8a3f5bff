//! Databases for tests.
//!
//! - [`admin_url`]: the PostgreSQL the tests share, from `WARROOM_TEST_DATABASE_URL` (default
//!   `postgres://postgres@127.0.0.1:5432/test`). When none answers, a throwaway cluster is
//!   started from the machine's `initdb`/`pg_ctl` for this test process; without those, the
//!   test fails with one line saying how to get one.
//! - [`Cluster`]: a private PostgreSQL server of the test's own, on its own port and socket
//!   folder, for what must not happen to a shared one: running out of connections, stopping.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The shared test database's URL (see the module doc).
pub fn admin_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let url = std::env::var("WARROOM_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_URL.to_string());
        if answers(&url) {
            return url;
        }
        match throwaway() {
            Some(url) => url,
            None => panic!(
                "no PostgreSQL for the tests: none answers at {url} and no initdb/pg_ctl was found; \
                 start one (e.g. `apt-get install postgresql`) or set WARROOM_TEST_DATABASE_URL"
            ),
        }
    })
    .clone()
}

/// `host:port` of a URL (for a TCP proxy in front of it).
pub fn address(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    }
}

fn answers(url: &str) -> bool {
    let addr = address(url);
    let Ok(mut addrs) = std::net::ToSocketAddrs::to_socket_addrs(&addr) else {
        return false;
    };
    addrs.any(|a| TcpStream::connect_timeout(&a, Duration::from_secs(1)).is_ok())
}

/// One cluster for this whole test process, stopped when it exits.
fn throwaway() -> Option<String> {
    static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
    extern "C" fn stop_at_exit() {
        if let Some(Some(cluster)) = CLUSTER.get() {
            cluster.stop();
        }
    }
    let cluster = CLUSTER.get_or_init(|| {
        bin_dir()?;
        let cluster = Cluster::start(&["max_connections=200"]);
        // SAFETY: registering a plain function to run at exit.
        unsafe {
            libc::atexit(stop_at_exit);
        }
        Some(cluster)
    });
    cluster.as_ref().map(|c| c.url("postgres"))
}

/// Where `initdb` and `pg_ctl` are: `pg_config --bindir`, else the newest
/// /usr/lib/postgresql/N/bin, else `PATH`.
pub fn bin_dir() -> Option<PathBuf> {
    let has = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|d| has(d))
        .collect();
    versions.sort();
    if let Some(dir) = versions.pop() {
        return Some(dir);
    }
    std::env::var_os("PATH").and_then(|path| std::env::split_paths(&path).find(|d| has(d)))
}

/// A PostgreSQL server of the test's own (trust auth, user `postgres`, fsync off), in a
/// temporary folder; stopped (immediately) when dropped.
pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    settings: Vec<String>,
    /// initdb refuses to run as root: then every command runs as the `postgres` user.
    run_as: Option<String>,
}

impl Cluster {
    /// initdb + start, with `settings` such as `max_connections=100`.
    pub fn start(settings: &[&str]) -> Self {
        let bin = bin_dir().unwrap_or_else(|| {
            panic!("no initdb/pg_ctl on this machine: `apt-get install postgresql` provides them")
        });
        let dir = tempfile::Builder::new()
            .prefix("warroom-pg-")
            .tempdir()
            .expect("temporary folder for a cluster");
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let run_as = root.then(|| "postgres".to_string());
        if root {
            let (uid, gid) = user_ids("postgres");
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown cluster dir");
        }
        let cluster = Self {
            dir,
            bin,
            port: free_port(),
            settings: settings.iter().map(|s| s.to_string()).collect(),
            run_as,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        cluster.start_again();
        cluster
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Starts the server (again, after [`Self::stop`]); returns once it accepts connections.
    pub fn start_again(&self) {
        let mut options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        for setting in &self.settings {
            options.push_str(&format!(" -c {setting}"));
        }
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while !answers(&self.url("postgres")) {
            assert!(Instant::now() < deadline, "cluster did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server at once (clients see their connections dropped).
    pub fn stop(&self) {
        let _ = self
            .command(
                "pg_ctl",
                &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    fn command(&self, tool: &str, args: &[&str]) -> Command {
        let program = self.bin.join(tool);
        match &self.run_as {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--"]).arg(program).args(args);
                cmd
            }
            None => {
                let mut cmd = Command::new(program);
                cmd.args(args);
                cmd
            }
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let out = self
            .command(tool, args)
            .output()
            .unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn user_ids(name: &str) -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let out = Command::new("id")
            .args([flag, name])
            .output()
            .expect("run id");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no user {name} to run PostgreSQL as"))
    };
    (id("-u"), id("-g"))
}
