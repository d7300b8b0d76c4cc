//! Configuration, following the ecosystem's conventions: `DATABASE_URL` as sqlx reads it and
//! `LEPTOS_SITE_ADDR` / `LEPTOS_SITE_ROOT` as cargo-leptos sets them, each with a flag.

use crate::store::Synchronous;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug, Parser)]
#[command(
    name = "stormwall",
    version,
    about = "Stormwall: a self-hosted, real-time EventStorming board.",
    long_about = "Stormwall: a self-hosted, real-time EventStorming board.\n\n\
        Serves the board UI and its WebSocket sync on --addr, storing every change as an \
        immutable event in the database given by --database (an SQLite file, or a PostgreSQL \
        database; created and migrated on first start). Only one server may use a database at \
        a time."
)]
pub struct Config {
    /// Database URL: `sqlite://FILE` (created in the working directory by default) or
    /// `postgres://USER:PASSWORD@HOST/DATABASE` (`?host=/socket/dir` for a Unix socket).
    #[arg(
        long = "database",
        env = "DATABASE_URL",
        default_value = "sqlite://stormwall.db"
    )]
    pub database: String,

    /// Address to listen on (host:port). Port 0 picks a free port.
    #[arg(
        long = "addr",
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000"
    )]
    pub addr: SocketAddr,

    /// Folder with the built browser bundle (`pkg/`) and static files, as cargo-leptos writes it.
    #[arg(
        long = "site-root",
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site"
    )]
    pub site_root: String,

    /// Write a snapshot of a board every N events, so opening it replays only the tail
    /// (0: never).
    #[arg(
        long = "snapshot-every",
        env = "STORMWALL_SNAPSHOT_EVERY",
        default_value_t = 500
    )]
    pub snapshot_every: u64,

    /// SQLite's `synchronous` level: `full` (every acknowledged change survives a power cut)
    /// or `normal` (survives a killed server, not a power cut; faster).
    #[arg(
        long = "synchronous",
        env = "STORMWALL_SYNCHRONOUS",
        value_enum,
        default_value_t = Synchronous::Full
    )]
    pub synchronous: Synchronous,

    /// Events a connection's commands may produce per second on average (bursts of 200 are
    /// let through; one command that produces many events is paid for afterwards).
    #[arg(
        long = "rate-limit",
        env = "STORMWALL_RATE_LIMIT",
        default_value_t = stormwall_core::pace::DEFAULT_RATE,
        value_parser = seconds_or_rate(0.1, 1e9)
    )]
    pub rate_limit: f64,

    /// Seconds a board may stay open with nobody on it before its task stops and its memory is
    /// returned (it reopens from its snapshot on the next visit).
    #[arg(
        long = "idle-board-secs",
        env = "STORMWALL_IDLE_BOARD_SECS",
        default_value_t = 300.0,
        value_parser = seconds_or_rate(0.0, 7.0 * 86_400.0)
    )]
    pub idle_board_secs: f64,

    /// The address(es) people use to reach this server, e.g. https://storm.example.com
    /// (comma-separated, or the flag repeated). Requests naming any other host, and
    /// state-changing requests from any other origin, are refused: this defends against DNS
    /// rebinding and cross-site requests. Default: the listen address and localhost.
    #[arg(
        long = "public-url",
        env = "STORMWALL_PUBLIC_URL",
        value_delimiter = ','
    )]
    pub public_url: Vec<String>,

    /// Most WebSocket connections the server holds at once.
    #[arg(
        long = "max-connections",
        env = "STORMWALL_MAX_CONNECTIONS",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_connections: u32,

    /// Most WebSocket connections from one address (IPv6: one /64 network). Behind a reverse
    /// proxy every connection comes from the proxy: raise this to `--max-connections`.
    #[arg(
        long = "max-connections-per-address",
        env = "STORMWALL_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 50,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_connections_per_address: u32,

    /// Seconds a message to a client may take to leave; a client that does not read for that
    /// long is disconnected (it reconnects and catches up), so it cannot pin the server's memory.
    #[arg(
        long = "send-timeout-secs",
        env = "STORMWALL_SEND_TIMEOUT_SECS",
        default_value_t = 10.0,
        value_parser = seconds_or_rate(0.1, 3_600.0)
    )]
    pub send_timeout_secs: f64,

    /// Without a command, the server runs.
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Clone, Debug, Subcommand)]
pub enum Cmd {
    /// Export a board from the database (works while a server is running on it).
    Export {
        #[command(subcommand)]
        what: ExportCmd,
    },
    /// Import a board file (written by `export json`) as a new board; prints the new board's id.
    /// Needs the database to itself: stop the server, or use `POST /api/boards/import`.
    Import {
        /// The board file (`-` for standard input).
        file: PathBuf,
    },
    /// List every board in the database: id, creation time, title (works while a server is
    /// running on it).
    Boards,
    /// Copy the whole SQLite database to a new file, consistent as of one moment, while a
    /// server may be running on it. Restore: stop the server and start it with
    /// `--database sqlite://FILE` (or put the file in the old one's place).
    Backup {
        /// The new file (it must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Print three fresh links (facilitator, edit, view) for a board, replacing its old ones:
    /// for boards created before links existed, or when a facilitator lost theirs. Works while
    /// a server is running: connections opened with the old links end.
    Links {
        /// The board's id.
        #[arg(long)]
        board: String,
    },
}

#[derive(Clone, Debug, Subcommand)]
pub enum ExportCmd {
    /// The ubiquitous-language glossary, to standard output.
    Glossary {
        /// The board's id (the last part of its URL).
        #[arg(long)]
        board: String,
        /// md, csv or json.
        #[arg(long, default_value = "md")]
        format: String,
    },
    /// The Rust aggregate crate, written into a folder (created if needed).
    Rust {
        /// The board's id (the last part of its URL).
        #[arg(long)]
        board: String,
        /// The crate's folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// The whole board as JSON, to standard output (`import` reads it back).
    Json {
        /// The board's id (the last part of its URL).
        #[arg(long)]
        board: String,
    },
    /// The board as an SVG picture, to standard output.
    Svg {
        /// The board's id (the last part of its URL).
        #[arg(long)]
        board: String,
        /// Only this bounded context (its name, or its id when names repeat).
        #[arg(long)]
        frame: Option<String>,
    },
}

/// A parser for a number of seconds (or a rate) that must be finite and within `min..=max`:
/// `inf`, `NaN` or a negative duration get a clear message instead of a panic at start.
fn seconds_or_rate(min: f64, max: f64) -> impl Fn(&str) -> Result<f64, String> + Clone {
    move |s: &str| {
        let value: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a number"))?;
        if !value.is_finite() || value < min || value > max {
            return Err(format!(
                "{s} is out of range: use a number from {min} to {max}"
            ));
        }
        Ok(value)
    }
}

impl Config {
    /// What the registry, its sessions and board actors need of the configuration.
    pub fn settings(&self) -> crate::registry::Settings {
        crate::registry::Settings {
            snapshot_every: self.snapshot_every,
            rate_limit: self.rate_limit,
            idle_board: std::time::Duration::from_secs_f64(self.idle_board_secs),
            max_connections: self.max_connections as usize,
            max_connections_per_address: self.max_connections_per_address as usize,
            send_timeout: std::time::Duration::from_secs_f64(self.send_timeout_secs),
        }
    }

    /// A configuration for tests and tools: the given database, any free port on loopback.
    pub fn for_database(database: impl Into<String>) -> Self {
        Self {
            database: database.into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: "target/site".into(),
            snapshot_every: 500,
            synchronous: Synchronous::Full,
            rate_limit: stormwall_core::pace::DEFAULT_RATE,
            idle_board_secs: 300.0,
            public_url: Vec::new(),
            max_connections: 1000,
            max_connections_per_address: 50,
            send_timeout_secs: 10.0,
            command: None,
        }
    }
}
