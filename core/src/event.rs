//! What happened to a board. Events are facts: once stored they are never changed or removed.

use crate::{Position, StickyId, StickyKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    BoardCreated {
        title: String,
    },
    StickyAdded {
        id: StickyId,
        kind: StickyKind,
        text: String,
        pos: Position,
    },
    StickyMoved {
        id: StickyId,
        pos: Position,
    },
    StickyTextEdited {
        id: StickyId,
        text: String,
    },
    StickyDeleted {
        id: StickyId,
    },
}

impl Event {
    /// The stored event type, independent of Rust names so that renaming a variant does not
    /// orphan old logs.
    pub fn event_type(&self) -> &'static str {
        match self {
            Event::BoardCreated { .. } => "board_created",
            Event::StickyAdded { .. } => "sticky_added",
            Event::StickyMoved { .. } => "sticky_moved",
            Event::StickyTextEdited { .. } => "sticky_text_edited",
            Event::StickyDeleted { .. } => "sticky_deleted",
        }
    }

    /// The schema version of this event type's payload. Bump it when a payload's shape changes
    /// and teach the reader to upcast the older versions.
    pub fn schema_version(&self) -> u32 {
        1
    }
}
