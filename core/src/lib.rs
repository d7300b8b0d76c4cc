//! The Stormwall board model: a pure, synchronous event-sourced aggregate.
//!
//! # Layout
//! - [`ids`]: typed ids for boards and stickies.
//! - [`kind`]: the eight EventStorming sticky kinds, their colours and labels.
//! - [`board`]: the board state (`Board`, `Sticky`, `Position`) and `apply`.
//! - [`command`], [`event`], [`error`]: what may be asked, what happened, why not.
//! - [`execute`]: the decision function `execute(&Board, Command) -> Result<Vec<Event>, Error>`.
//! - [`protocol`]: the WebSocket messages between browser and server (the only wire types).
//! - [`limits`]: the size limits every layer agrees on.
//!
//! Nothing here does IO: no clock, no randomness, no network, no database. The same code runs
//! in the server (to decide) and in the browser (to replay and apply what the server decided).

pub mod board;
pub mod command;
pub mod error;
pub mod event;
pub mod execute;
pub mod ids;
pub mod kind;
pub mod limits;
pub mod protocol;

pub use board::{apply, Board, Position, Sticky};
pub use command::Command;
pub use error::Error;
pub use event::Event;
pub use execute::execute;
pub use ids::{BoardId, StickyId};
pub use kind::StickyKind;
