//! The board state and `apply`, which folds one event into it.

use crate::{BoardId, Event, StickyId, StickyKind};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A point on the wall, in board units (CSS pixels at 100 % zoom).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Position {
    pub x: i32,
    pub y: i32,
}

impl Position {
    pub fn new(x: i32, y: i32) -> Self {
        Self { x, y }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sticky {
    pub id: StickyId,
    pub kind: StickyKind,
    pub text: String,
    pub pos: Position,
}

/// Everything the board knows. Built only by `apply`, so replaying the log always gives the
/// same board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub id: BoardId,
    /// False until `BoardCreated` has been applied.
    pub created: bool,
    pub title: String,
    /// In insertion order, which is also the stacking order on screen (later on top).
    pub stickies: IndexMap<StickyId, Sticky>,
}

impl Board {
    /// The board before its first event.
    pub fn new(id: BoardId) -> Self {
        Self {
            id,
            created: false,
            title: String::new(),
            stickies: IndexMap::new(),
        }
    }

    /// Replays a history from the empty board.
    pub fn replay<'a>(id: BoardId, events: impl IntoIterator<Item = &'a Event>) -> Self {
        events.into_iter().fold(Board::new(id), apply)
    }

    pub fn sticky(&self, id: StickyId) -> Option<&Sticky> {
        self.stickies.get(&id)
    }

    /// Folds one event into the board in place. Events are facts, so `apply` never fails: an
    /// event that names a missing sticky (which `execute` never emits) is ignored.
    pub fn apply_mut(&mut self, event: &Event) {
        match event {
            Event::BoardCreated { title } => {
                self.created = true;
                self.title = title.clone();
            }
            Event::StickyAdded {
                id,
                kind,
                text,
                pos,
            } => {
                self.stickies.insert(
                    *id,
                    Sticky {
                        id: *id,
                        kind: *kind,
                        text: text.clone(),
                        pos: *pos,
                    },
                );
            }
            Event::StickyMoved { id, pos } => {
                if let Some(s) = self.stickies.get_mut(id) {
                    s.pos = *pos;
                }
            }
            Event::StickyTextEdited { id, text } => {
                if let Some(s) = self.stickies.get_mut(id) {
                    s.text = text.clone();
                }
            }
            Event::StickyDeleted { id } => {
                // shift_remove keeps the stacking order of the others.
                self.stickies.shift_remove(id);
            }
        }
    }
}

/// The article's shape: `apply(state, &event) -> state`.
pub fn apply(mut board: Board, event: &Event) -> Board {
    board.apply_mut(event);
    board
}
