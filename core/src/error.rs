//! Why the board refuses a command. Business outcomes only: storage and network failures belong
//! to the server.

use crate::limits::{MAX_COORDINATE, MAX_TEXT_CHARS, MAX_TITLE_CHARS};
use crate::StickyId;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Error {
    #[error("this board has not been created yet")]
    BoardNotCreated,
    #[error("this board already exists")]
    BoardAlreadyCreated,
    #[error("the board title must not be empty")]
    EmptyTitle,
    #[error("the board title has {len} characters; at most {MAX_TITLE_CHARS} are allowed")]
    TitleTooLong { len: usize },
    #[error("there is no sticky {0} on this board (it may have been deleted)")]
    UnknownSticky(StickyId),
    #[error("a sticky with id {0} already exists on this board")]
    DuplicateSticky(StickyId),
    #[error("a sticky's text must not be empty")]
    EmptyText,
    #[error("the text has {len} characters; at most {MAX_TEXT_CHARS} are allowed")]
    TextTooLong { len: usize },
    #[error("invalid sticky kind \"{0}\"; expected one of domain_event, command, aggregate, policy, read_model, actor, external_system, hotspot")]
    InvalidKind(String),
    #[error("position ({x}, {y}) is off the wall; coordinates must lie within ±{MAX_COORDINATE}")]
    PositionOutOfRange { x: i64, y: i64 },
}

impl Error {
    /// A stable, machine-readable code for the protocol.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BoardNotCreated => "board_not_created",
            Error::BoardAlreadyCreated => "board_already_created",
            Error::EmptyTitle => "empty_title",
            Error::TitleTooLong { .. } => "title_too_long",
            Error::UnknownSticky(_) => "unknown_sticky",
            Error::DuplicateSticky(_) => "duplicate_sticky",
            Error::EmptyText => "empty_text",
            Error::TextTooLong { .. } => "text_too_long",
            Error::InvalidKind(_) => "invalid_kind",
            Error::PositionOutOfRange { .. } => "position_out_of_range",
        }
    }
}
