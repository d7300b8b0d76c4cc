//! The Stormwall board model: a pure, synchronous event-sourced aggregate.
//!
//! # Layout
//! - [`ids`]: typed ids for boards and stickies.
//! - [`kind`]: the eight EventStorming sticky kinds, their colours and labels.
//! - [`board`]: the board state (`Board`, `Sticky`, `Frame`, `Connector`, geometry) and `apply`.
//! - [`command`], [`event`], [`error`]: what may be asked, what happened, why not.
//! - [`execute`]: the decision function `execute(&Board, Command) -> Result<Vec<Event>, Error>`,
//!   routing to one module per group of commands (board, sticky, frame, connector).
//! - [`export`]: the glossary, the generated Rust crate, and board JSON export/import.
//! - [`undo`]: undo, redo and restore as batches of ordinary commands, computed from states.
//! - [`protocol`]: the WebSocket messages between browser and server (the only wire types).
//! - [`code`]: every error code on the wire (`ErrorCode`), serialised as its snake_case name.
//! - [`limits`]: the size limits every layer agrees on.
//! - [`pace`]: the rate limit's token bucket (the server enforces it, the browser paces under it).
//! - [`snapshot`]: how a board is kept in a snapshot, a shape of its own apart from the welcome's.
//! - [`sync`]: the client's side of the protocol as a pure state machine (optimistic view,
//!   pending commands, rebase and rollback, outbox and pacing, resend, undo/redo).
//! - [`sample`]: boards of a given size, for benchmarks and load tests.
//! - [`text`]: rules for people's text that hold everywhere (invisible characters, display names).
//! - [`workshop`]: roles, phases, the timer and dot votes (the facilitator's kit).
//!
//! Nothing here does IO: no clock, no randomness, no network, no database. The same code runs
//! in the server (to decide) and in the browser (to replay and apply what the server decided).

pub mod board;
pub mod code;
pub mod command;
pub mod error;
pub mod event;
pub mod execute;
pub mod export;
pub mod ids;
pub mod kind;
pub mod limits;
pub mod pace;
pub mod protocol;
pub mod sample;
pub mod snapshot;
pub mod sync;
pub mod text;
pub mod undo;
pub mod workshop;

pub use board::{apply, Board, Connector, Field, Frame, Position, Rect, Size, Sticky};
pub use code::ErrorCode;
pub use command::{Command, Expect, StickyMove};
pub use error::Error;
pub use event::{DecodeError, Event};
pub use execute::execute;
pub use ids::{BoardId, ConnectorId, FrameId, StickyId};
pub use kind::StickyKind;
pub use workshop::{Phase, Role, VoteId};
