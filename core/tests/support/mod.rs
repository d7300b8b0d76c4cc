//! The given/when/then harness shared by the command tests, and boards to export.
#![allow(dead_code)]

pub mod boards;
pub mod sim;

use stormwall_core::*;
use uuid::Uuid;

/// A history to start from; `when` runs a command against it.
pub struct Given(pub Vec<Event>);

pub fn given(events: impl IntoIterator<Item = Event>) -> Given {
    Given(events.into_iter().collect())
}

impl Given {
    pub fn board(&self) -> Board {
        Board::replay(BoardId(Uuid::nil()), &self.0)
    }

    pub fn when(self, command: Command) -> Result<Vec<Event>, Error> {
        execute(&self.board(), command)
    }
}

pub fn sticky(n: u128) -> StickyId {
    StickyId(Uuid::from_u128(n))
}

pub fn frame(n: u128) -> FrameId {
    FrameId(Uuid::from_u128(n))
}

pub fn connector(n: u128) -> ConnectorId {
    ConnectorId(Uuid::from_u128(1000 + n))
}

pub fn created() -> Event {
    Event::BoardCreated {
        title: "Conference ticketing".into(),
    }
}

pub fn added(n: u128, text: &str) -> Event {
    added_kind(n, StickyKind::DomainEvent, text)
}

pub fn added_kind(n: u128, kind: StickyKind, text: &str) -> Event {
    Event::StickyAdded {
        id: sticky(n),
        kind,
        text: text.into(),
        pos: Position::new(100, 200),
        size: kind.default_size(),
    }
}

pub fn connected(n: u128, from: u128, to: u128) -> Event {
    Event::ConnectorAdded {
        id: connector(n),
        from: sticky(from),
        to: sticky(to),
        label: None,
    }
}

pub fn framed(n: u128, name: &str, rect: Rect) -> Event {
    Event::FrameAdded {
        id: frame(n),
        name: name.into(),
        rect,
    }
}
