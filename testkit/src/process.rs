//! The server binary as a child process on a throwaway database.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Names a PostgreSQL cluster (`postgres://…/DB?…`) that the tests run on instead of SQLite:
/// each `TempDb` is then a fresh database in it, created by the server on first open.
pub const POSTGRES_ENV: &str = "STORMWALL_TEST_POSTGRES";

/// A throwaway database: a SQLite file in a folder deleted on drop, or, when
/// `STORMWALL_TEST_POSTGRES` names a cluster, a database of its own in that cluster.
pub struct TempDb {
    pub dir: tempfile::TempDir,
    postgres: Option<String>,
}

impl TempDb {
    pub fn new() -> Self {
        let postgres = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty());
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        Self {
            dir: tempfile::tempdir().expect("a temporary folder"),
            postgres: postgres.map(|cluster| with_database(&cluster, &name)),
        }
    }

    /// Whether this is a PostgreSQL database (tests of SQLite's file skip themselves).
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// The SQLite file (there is none on PostgreSQL).
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("board.db")
    }

    pub fn url(&self) -> String {
        match &self.postgres {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.path().display()),
        }
    }
}

/// The same cluster URL naming another database.
fn with_database(cluster: &str, name: &str) -> String {
    let (base, query) = match cluster.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (cluster, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let server = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

impl Default for TempDb {
    fn default() -> Self {
        Self::new()
    }
}

/// A running server binary, killed on drop.
pub struct ServerProcess {
    child: Child,
    /// `host:port` it listens on.
    pub addr: String,
}

impl ServerProcess {
    /// Starts `bin` with these arguments (`--database`, `--addr`, …) and waits for the line
    /// that says where it listens.
    pub async fn spawn(bin: &Path, args: &[String]) -> Result<Self, String> {
        if !bin.exists() {
            return Err(format!(
                "no server binary at {}: build it first with `cargo leptos build --release`",
                bin.display()
            ));
        }
        // To see what a server did in a test: STORMWALL_TEST_SERVER_LOG=stormwall=debug.
        let log = std::env::var("STORMWALL_TEST_SERVER_LOG").ok();
        let mut child = Command::new(bin)
            .args(args)
            .env("RUST_LOG", log.as_deref().unwrap_or("error"))
            .stdout(Stdio::piped())
            .stderr(if log.is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
        match line {
            Ok(Ok(Some(line))) if line.contains("http://") => {
                let addr = line
                    .rsplit("http://")
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                Ok(Self { child, addr })
            }
            _ => {
                let _ = child.kill().await;
                Err(format!("{} did not start", bin.display()))
            }
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// SIGKILL.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }

    /// SIGTERM: what systemd and container runtimes send to stop a service.
    pub fn terminate(&self) {
        if let Some(pid) = self.pid() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
    }

    /// How the process ended, if it did within `limit`.
    pub async fn exited_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .ok()?
            .ok()
    }

    /// The process's CPU time so far (user + system, all threads), from `/proc/<pid>/stat`.
    pub fn cpu(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid()?)).ok()?;
        // The fields after the command name, which is in parentheses and may hold spaces.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the line: 12 and 13 after the name.
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Duration::from_secs_f64(ticks as f64 / clock_ticks()))
    }

    /// Resident memory (KiB), 0 when it cannot be read.
    pub fn rss_kib(&self) -> u64 {
        let Some(pid) = self.pid() else { return 0 };
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

/// Clock ticks per second, the unit of `/proc/<pid>/stat`'s times (100 on Linux almost always).
fn clock_ticks() -> f64 {
    static TICKS: std::sync::LazyLock<f64> = std::sync::LazyLock::new(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(100.0)
    });
    *TICKS
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn a_test_database_lives_in_the_cluster_it_is_given() {
        assert_eq!(
            with_database(
                "postgres://postgres@localhost/stormwall?host=/tmp/pg&port=55432",
                "t_1"
            ),
            "postgres://postgres@localhost/t_1?host=/tmp/pg&port=55432"
        );
        assert_eq!(
            with_database("postgres://u:p@db:5432", "t_2"),
            "postgres://u:p@db:5432/t_2"
        );
    }
}
