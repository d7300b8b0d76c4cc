//! Commands as the tests and the load tool send them.

use stormwall_core::{Command, Position, StickyId, StickyKind};
use uuid::Uuid;

/// A new domain event with this text at a position.
pub fn add_sticky_at(text: &str, pos: Position) -> (StickyId, Command) {
    let id = StickyId(Uuid::new_v4());
    let command = Command::AddSticky {
        id,
        kind: StickyKind::DomainEvent,
        text: text.into(),
        pos,
        size: None,
    };
    (id, command)
}

/// A new domain event with this text, at the origin.
pub fn add_sticky(text: &str) -> Command {
    add_sticky_at(text, Position::new(0, 0)).1
}

pub fn move_sticky(id: StickyId, pos: Position) -> Command {
    Command::MoveSticky { id, pos }
}
