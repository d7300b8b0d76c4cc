//! Why the board refuses a command. Business outcomes only: storage and network failures belong
//! to the server.

use crate::code::ErrorCode;
use crate::limits::*;
use crate::workshop::{MAX_DOTS, MAX_QUESTION_CHARS, MAX_TIMER_SECONDS};
use crate::{ConnectorId, FrameId, StickyId, StickyKind};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Error {
    #[error("this board has not been created yet")]
    BoardNotCreated,
    #[error("this board already exists")]
    BoardAlreadyCreated,
    #[error("the board is locked; unlock it to make changes")]
    BoardLocked,
    #[error("the board title must not be empty")]
    EmptyTitle,
    #[error("the board title has {len} characters; at most {MAX_TITLE_CHARS} are allowed")]
    TitleTooLong { len: usize },
    #[error("there is no sticky {0} on this board (it may have been deleted)")]
    UnknownSticky(StickyId),
    #[error("a sticky with id {0} already exists on this board")]
    DuplicateSticky(StickyId),
    #[error("this board already holds {MAX_STICKIES} stickies, the most one board can hold")]
    TooManyStickies,
    #[error("a sticky's text must not be empty")]
    EmptyText,
    #[error("the text has {len} characters; at most {MAX_TEXT_CHARS} are allowed")]
    TextTooLong { len: usize },
    #[error("invalid sticky kind \"{0}\"; expected one of domain_event, command, aggregate, policy, read_model, actor, external_system, hotspot")]
    InvalidKind(String),
    #[error("position ({x}, {y}) is off the wall; coordinates must lie within ±{MAX_COORDINATE}")]
    PositionOutOfRange { x: i64, y: i64 },
    #[error("size {w}×{h} is not allowed; each side must be between {MIN_STICKY_SIDE} and {MAX_STICKY_SIDE}")]
    SizeOutOfRange { w: i64, h: i64 },
    #[error("the description has {len} characters; at most {MAX_DESCRIPTION_CHARS} are allowed")]
    DescriptionTooLong { len: usize },
    #[error("{kind} stickies have no payload fields; fields belong on events, commands, aggregates and read models")]
    FieldsNotAllowed { kind: StickyKind },
    #[error("at most {MAX_FIELDS} fields are allowed; got {count}")]
    TooManyFields { count: usize },
    #[error("field name {name:?} is not valid: use letters, digits and _, starting with a letter or _ (at most {MAX_FIELD_CHARS} characters)")]
    InvalidFieldName { name: String },
    #[error("field {name:?} has an invalid type {ty:?}: write a type such as String, u32, Option<Uuid> or Vec<String>")]
    InvalidFieldType { name: String, ty: String },
    #[error("the field name {name:?} is used twice")]
    DuplicateFieldName { name: String },
    #[error("there is no frame {0} on this board (it may have been deleted)")]
    UnknownFrame(FrameId),
    #[error("a frame with id {0} already exists on this board")]
    DuplicateFrame(FrameId),
    #[error("a name must not be empty")]
    EmptyName,
    #[error("the name has {len} characters; at most {MAX_NAME_CHARS} are allowed")]
    NameTooLong { len: usize },
    #[error("a frame of {w}×{h} is not allowed; each side must be between {MIN_FRAME_SIDE} and {MAX_FRAME_SIDE}")]
    FrameSizeOutOfRange { w: i64, h: i64 },
    #[error("there is no connector {0} on this board (it may have been deleted)")]
    UnknownConnector(ConnectorId),
    #[error("a connector with id {0} already exists on this board")]
    DuplicateConnector(ConnectorId),
    #[error("these two stickies are already connected in this direction")]
    AlreadyConnected,
    #[error("a connector must join two different stickies")]
    SelfLoop,
    #[error("select at least one sticky")]
    EmptySelection,
    #[error("at most {MAX_SELECTION} stickies can be changed at once; got {count}")]
    SelectionTooLarge { count: usize },
    #[error("sticky {0} appears twice in the selection")]
    DuplicateInSelection(StickyId),
    #[error("this can no longer be undone: {0}")]
    Conflict(String),
    #[error("a batch may hold at most {MAX_BATCH} commands; got {count}")]
    BatchTooLarge { count: usize },
    #[error("a batch cannot contain another batch or create the board")]
    NestedBatch,
    #[error("this board already holds {MAX_FRAMES} bounded contexts, the most one board can hold")]
    TooManyFrames,
    #[error("this board already holds {MAX_CONNECTORS} arrows, the most one board can hold")]
    TooManyConnectors,
    #[error("this board is full: its text would come to {bytes} bytes, and one board holds at most {MAX_BOARD_BYTES}; delete or shorten something first, or start a new board")]
    BoardFull { bytes: usize },
    #[error("the text contains control characters (such as U+{codepoint:04X}); only line breaks and tabs are allowed")]
    ControlCharacter { codepoint: u32 },
    #[error(
        "your link lets you view this board, not change it; ask the facilitator for an edit link"
    )]
    ReadOnly,
    #[error("only the facilitator can do this")]
    FacilitatorOnly,
    #[error("a timer of {seconds} seconds is not allowed; give 1 second to {MAX_TIMER_SECONDS}")]
    TimerOutOfRange { seconds: u64 },
    #[error("no timer is set")]
    NoTimer,
    #[error("the timer is not running")]
    TimerNotRunning,
    #[error("the timer is not paused")]
    TimerNotPaused,
    #[error("a vote is already open; reveal and close it first")]
    VoteInProgress,
    #[error("that vote is not the board's current vote (it may have been closed)")]
    UnknownVote,
    #[error("the vote is no longer taking dots")]
    VoteNotOpen,
    #[error("the vote's result is not revealed yet")]
    VoteNotRevealed,
    #[error("{dots} dots per participant is not allowed; give 1 to {MAX_DOTS}")]
    DotsOutOfRange { dots: u32 },
    #[error("the question must not be empty")]
    EmptyQuestion,
    #[error("the question has {len} characters; at most {MAX_QUESTION_CHARS} are allowed")]
    QuestionTooLong { len: usize },
    #[error("this vote is not about {kind} stickies")]
    KindNotInVote { kind: StickyKind },
    #[error("you have used all your {dots} dots; take one back to move it")]
    NoDotsLeft { dots: u32 },
    #[error("you have no dot on this sticky")]
    NoDotHere,
    #[error("the facilitator's timer, phase and votes cannot be part of a batch")]
    WorkshopInBatch,
}

impl Error {
    /// A stable, machine-readable code for the protocol (the serde tag, as a `&'static str`).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::BoardNotCreated => ErrorCode::BoardNotCreated,
            Error::BoardAlreadyCreated => ErrorCode::BoardAlreadyCreated,
            Error::BoardLocked => ErrorCode::BoardLocked,
            Error::EmptyTitle => ErrorCode::EmptyTitle,
            Error::TitleTooLong { .. } => ErrorCode::TitleTooLong,
            Error::UnknownSticky(_) => ErrorCode::UnknownSticky,
            Error::DuplicateSticky(_) => ErrorCode::DuplicateSticky,
            Error::TooManyStickies => ErrorCode::TooManyStickies,
            Error::EmptyText => ErrorCode::EmptyText,
            Error::TextTooLong { .. } => ErrorCode::TextTooLong,
            Error::InvalidKind(_) => ErrorCode::InvalidKind,
            Error::PositionOutOfRange { .. } => ErrorCode::PositionOutOfRange,
            Error::SizeOutOfRange { .. } => ErrorCode::SizeOutOfRange,
            Error::DescriptionTooLong { .. } => ErrorCode::DescriptionTooLong,
            Error::FieldsNotAllowed { .. } => ErrorCode::FieldsNotAllowed,
            Error::TooManyFields { .. } => ErrorCode::TooManyFields,
            Error::InvalidFieldName { .. } => ErrorCode::InvalidFieldName,
            Error::InvalidFieldType { .. } => ErrorCode::InvalidFieldType,
            Error::DuplicateFieldName { .. } => ErrorCode::DuplicateFieldName,
            Error::UnknownFrame(_) => ErrorCode::UnknownFrame,
            Error::DuplicateFrame(_) => ErrorCode::DuplicateFrame,
            Error::EmptyName => ErrorCode::EmptyName,
            Error::NameTooLong { .. } => ErrorCode::NameTooLong,
            Error::FrameSizeOutOfRange { .. } => ErrorCode::FrameSizeOutOfRange,
            Error::UnknownConnector(_) => ErrorCode::UnknownConnector,
            Error::DuplicateConnector(_) => ErrorCode::DuplicateConnector,
            Error::AlreadyConnected => ErrorCode::AlreadyConnected,
            Error::SelfLoop => ErrorCode::SelfLoop,
            Error::EmptySelection => ErrorCode::EmptySelection,
            Error::SelectionTooLarge { .. } => ErrorCode::SelectionTooLarge,
            Error::DuplicateInSelection(_) => ErrorCode::DuplicateInSelection,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::BatchTooLarge { .. } => ErrorCode::BatchTooLarge,
            Error::NestedBatch => ErrorCode::NestedBatch,
            Error::TooManyFrames => ErrorCode::TooManyFrames,
            Error::TooManyConnectors => ErrorCode::TooManyConnectors,
            Error::BoardFull { .. } => ErrorCode::BoardFull,
            Error::ControlCharacter { .. } => ErrorCode::ControlCharacter,
            Error::ReadOnly => ErrorCode::ReadOnly,
            Error::FacilitatorOnly => ErrorCode::FacilitatorOnly,
            Error::TimerOutOfRange { .. } => ErrorCode::TimerOutOfRange,
            Error::NoTimer => ErrorCode::NoTimer,
            Error::TimerNotRunning => ErrorCode::TimerNotRunning,
            Error::TimerNotPaused => ErrorCode::TimerNotPaused,
            Error::VoteInProgress => ErrorCode::VoteInProgress,
            Error::UnknownVote => ErrorCode::UnknownVote,
            Error::VoteNotOpen => ErrorCode::VoteNotOpen,
            Error::VoteNotRevealed => ErrorCode::VoteNotRevealed,
            Error::DotsOutOfRange { .. } => ErrorCode::DotsOutOfRange,
            Error::EmptyQuestion => ErrorCode::EmptyQuestion,
            Error::QuestionTooLong { .. } => ErrorCode::QuestionTooLong,
            Error::KindNotInVote { .. } => ErrorCode::KindNotInVote,
            Error::NoDotsLeft { .. } => ErrorCode::NoDotsLeft,
            Error::NoDotHere => ErrorCode::NoDotHere,
            Error::WorkshopInBatch => ErrorCode::WorkshopInBatch,
        }
    }
}
