//! What a participant asks the board to do.

use crate::workshop::{Phase, Tally, VoteId};
use crate::{
    Connector, ConnectorId, Field, Frame, FrameId, Position, Rect, Size, Sticky, StickyId,
    StickyKind,
};
use serde::{Deserialize, Serialize};

/// One sticky's new place, in a multi-select move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StickyMove {
    pub id: StickyId,
    pub pos: Position,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    // --- the board ---
    /// Start the board's history. Every other command needs a created board.
    CreateBoard {
        title: String,
    },
    RenameBoard {
        title: String,
    },
    /// Freeze the board: every change but `UnlockBoard` is refused until it is unlocked.
    LockBoard,
    UnlockBoard,

    // --- stickies ---
    /// Put a new sticky on the wall. The id is chosen by the caller so that the caller can refer
    /// to the sticky before the server answers. Without a size it gets its kind's default.
    AddSticky {
        id: StickyId,
        kind: StickyKind,
        text: String,
        pos: Position,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<Size>,
    },
    MoveSticky {
        id: StickyId,
        pos: Position,
    },
    EditStickyText {
        id: StickyId,
        text: String,
    },
    ResizeSticky {
        id: StickyId,
        size: Size,
    },
    ChangeStickyKind {
        id: StickyId,
        kind: StickyKind,
    },
    /// Set (or, with an empty text, clear) the glossary definition.
    DescribeSticky {
        id: StickyId,
        description: String,
    },
    /// Replace the payload fields, in order.
    SetStickyFields {
        id: StickyId,
        fields: Vec<Field>,
    },
    /// Delete a sticky and, in the same step, every connector to or from it.
    DeleteSticky {
        id: StickyId,
    },
    /// Move several stickies at once (a multi-select drag): all or none.
    MoveStickies {
        moves: Vec<StickyMove>,
    },
    /// Delete several stickies and their connectors at once: all or none.
    DeleteStickies {
        ids: Vec<StickyId>,
    },

    // --- bounded-context frames ---
    AddFrame {
        id: FrameId,
        name: String,
        rect: Rect,
    },
    RenameFrame {
        id: FrameId,
        name: String,
    },
    /// Move and/or resize.
    ReshapeFrame {
        id: FrameId,
        rect: Rect,
    },
    DeleteFrame {
        id: FrameId,
    },

    // --- connectors ---
    AddConnector {
        id: ConnectorId,
        from: StickyId,
        to: StickyId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
    DeleteConnector {
        id: ConnectorId,
    },

    // --- the facilitator's kit (see `crate::workshop`) ---
    /// The workshop phase everyone sees in the banner (`None`: no phase).
    SetPhase {
        phase: Option<Phase>,
    },
    /// Start a countdown of `seconds`. `at` (here and below) is the server's clock in
    /// milliseconds since the Unix epoch: the server stamps it, whatever a client sent.
    StartTimer {
        seconds: u32,
        #[serde(default)]
        at: i64,
    },
    PauseTimer {
        #[serde(default)]
        at: i64,
    },
    ResumeTimer {
        #[serde(default)]
        at: i64,
    },
    /// Add time (a minute, say) to the running, paused or ended countdown.
    ExtendTimer {
        seconds: u32,
        #[serde(default)]
        at: i64,
    },
    StopTimer,
    /// Open a dot vote: `dots` per participant, on stickies of `kinds` (all when empty).
    OpenVote {
        id: VoteId,
        question: String,
        dots: u32,
        #[serde(default)]
        kinds: Vec<StickyKind>,
    },
    /// Show everyone the result. The server brings the tally from the ballots it kept.
    RevealVote {
        id: VoteId,
        #[serde(default)]
        tally: Vec<Tally>,
    },
    CloseVote {
        id: VoteId,
    },

    // --- undo, redo, restore ---
    /// Several commands as one step: the expectations must hold first, then each command is
    /// validated on the board as the ones before it left it; all are recorded or none.
    /// Undo, redo and "restore this version" are batches (see `crate::undo`).
    Batch {
        #[serde(default)]
        expect: Vec<Expect>,
        commands: Vec<Command>,
    },
}

/// A precondition of a batch: what the board must look like for it to still make sense.
/// An undo expects the elements it reverts to be as its change left them, so that it never
/// silently overwrites what someone else did since.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Expect {
    Title { title: String },
    Locked { locked: bool },
    Sticky { sticky: Sticky },
    NoSticky { id: StickyId },
    Frame { frame: Frame },
    NoFrame { id: FrameId },
    Connector { connector: Connector },
    NoConnector { id: ConnectorId },
}
