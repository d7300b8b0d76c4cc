//! What a participant asks the board to do.

use crate::{Position, StickyId, StickyKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Start the board's history. Every other command needs a created board.
    CreateBoard {
        title: String,
    },
    /// Put a new sticky on the wall. The id is chosen by the caller so that the caller can refer
    /// to the sticky before the server answers.
    AddSticky {
        id: StickyId,
        kind: StickyKind,
        text: String,
        pos: Position,
    },
    MoveSticky {
        id: StickyId,
        pos: Position,
    },
    EditStickyText {
        id: StickyId,
        text: String,
    },
    DeleteSticky {
        id: StickyId,
    },
}
