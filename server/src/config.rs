//! Configuration, following the ecosystem's conventions: `DATABASE_URL` as sqlx reads it and
//! `LEPTOS_SITE_ADDR` / `LEPTOS_SITE_ROOT` as cargo-leptos sets them, each with a flag.

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
        immutable event in the database given by --database (an SQLite file, created and \
        migrated on first start). Only one server may use a database file at a time."
)]
pub struct Config {
    /// Database URL. An SQLite file is created in the working directory by default.
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
}

impl Config {
    /// A configuration for tests and tools: the given database, any free port on loopback.
    pub fn for_database(database: impl Into<String>) -> Self {
        Self {
            database: database.into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: "target/site".into(),
            snapshot_every: 500,
            command: None,
        }
    }
}
