//! Why the board refuses a command. Business outcomes only: storage and network failures belong
//! to the server.

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
    pub fn code(&self) -> &'static str {
        match self {
            Error::BoardNotCreated => "board_not_created",
            Error::BoardAlreadyCreated => "board_already_created",
            Error::BoardLocked => "board_locked",
            Error::EmptyTitle => "empty_title",
            Error::TitleTooLong { .. } => "title_too_long",
            Error::UnknownSticky(_) => "unknown_sticky",
            Error::DuplicateSticky(_) => "duplicate_sticky",
            Error::TooManyStickies => "too_many_stickies",
            Error::EmptyText => "empty_text",
            Error::TextTooLong { .. } => "text_too_long",
            Error::InvalidKind(_) => "invalid_kind",
            Error::PositionOutOfRange { .. } => "position_out_of_range",
            Error::SizeOutOfRange { .. } => "size_out_of_range",
            Error::DescriptionTooLong { .. } => "description_too_long",
            Error::FieldsNotAllowed { .. } => "fields_not_allowed",
            Error::TooManyFields { .. } => "too_many_fields",
            Error::InvalidFieldName { .. } => "invalid_field_name",
            Error::InvalidFieldType { .. } => "invalid_field_type",
            Error::DuplicateFieldName { .. } => "duplicate_field_name",
            Error::UnknownFrame(_) => "unknown_frame",
            Error::DuplicateFrame(_) => "duplicate_frame",
            Error::EmptyName => "empty_name",
            Error::NameTooLong { .. } => "name_too_long",
            Error::FrameSizeOutOfRange { .. } => "frame_size_out_of_range",
            Error::UnknownConnector(_) => "unknown_connector",
            Error::DuplicateConnector(_) => "duplicate_connector",
            Error::AlreadyConnected => "already_connected",
            Error::SelfLoop => "self_loop",
            Error::EmptySelection => "empty_selection",
            Error::SelectionTooLarge { .. } => "selection_too_large",
            Error::DuplicateInSelection(_) => "duplicate_in_selection",
            Error::Conflict(_) => "conflict",
            Error::BatchTooLarge { .. } => "batch_too_large",
            Error::NestedBatch => "nested_batch",
            Error::TooManyFrames => "too_many_frames",
            Error::TooManyConnectors => "too_many_connectors",
            Error::BoardFull { .. } => "board_full",
            Error::ControlCharacter { .. } => "control_character",
            Error::ReadOnly => "read_only",
            Error::FacilitatorOnly => "facilitator_only",
            Error::TimerOutOfRange { .. } => "timer_out_of_range",
            Error::NoTimer => "no_timer",
            Error::TimerNotRunning => "timer_not_running",
            Error::TimerNotPaused => "timer_not_paused",
            Error::VoteInProgress => "vote_in_progress",
            Error::UnknownVote => "unknown_vote",
            Error::VoteNotOpen => "vote_not_open",
            Error::VoteNotRevealed => "vote_not_revealed",
            Error::DotsOutOfRange { .. } => "dots_out_of_range",
            Error::EmptyQuestion => "empty_question",
            Error::QuestionTooLong { .. } => "question_too_long",
            Error::KindNotInVote { .. } => "kind_not_in_vote",
            Error::NoDotsLeft { .. } => "no_dots_left",
            Error::NoDotHere => "no_dot_here",
            Error::WorkshopInBatch => "workshop_in_batch",
        }
    }
}
