//! The Stormwall server: HTTP pages and API, one WebSocket per participant, one actor per board.
//!
//! # Layout
//! - [`config`]: command line and environment (`--database`/`DATABASE_URL`, `--addr`/`LEPTOS_SITE_ADDR`).
//! - [`store`]: the SQLite event store (append-only log, board list projection, file lock).
//! - [`event_log`]: the trait the actor stores through; [`flaky`]: its failing test double.
//! - [`actor`]: the board actor, the only writer of its board's events.
//! - [`cluster`]: several servers on one PostgreSQL database: the `LISTEN` side of the notices.
//! - [`registry`]: board id -> actor handle; opens boards from the store on first use.
//! - [`roster`]: who is on a board, their pointers and colours, and who leads the view.
//! - [`ws`]: a WebSocket session: reads client messages; the welcome, acks and errors.
//! - [`inbound`]: what a session lets through: size and rate limits, presence throttles.
//! - [`outbox`]: what goes out on a socket: the board writes events to every socket itself.
//! - [`guard`]: the front door: host names, same-site checks, body limits, security headers.
//! - [`http`]: the JSON API and its error type.
//! - [`export`]: glossary, Rust crate and board JSON downloads, board import.
//! - [`cli`]: `export` and `import` from the command line, against the same database.
//! - [`server`]: wires it all into one axum `Router` and serves it.

pub mod access;
pub mod actor;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod event_log;
pub mod export;
pub mod flaky;
pub mod guard;
pub mod http;
pub mod inbound;
pub mod outbox;
pub mod registry;
pub mod roster;
pub mod server;
pub mod store;
pub mod ws;

pub use config::Config;
pub use server::{RunningServer, StartError};
