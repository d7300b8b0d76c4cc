//! Sticky commands: add, move, edit, resize, change kind, describe, fields, delete, and the
//! multi-select move and delete.

use super::check;
use crate::command::StickyMove;
use crate::{Board, Error, Event, Field, Position, Size, StickyId, StickyKind};

pub(super) fn add(
    board: &Board,
    id: StickyId,
    kind: StickyKind,
    text: String,
    pos: Position,
    size: Option<Size>,
) -> Result<Vec<Event>, Error> {
    if board.stickies.contains_key(&id) {
        return Err(Error::DuplicateSticky(id));
    }
    if board.stickies.len() >= crate::limits::MAX_STICKIES {
        return Err(Error::TooManyStickies);
    }
    check::text(&text)?;
    check::position(pos)?;
    let size = size.unwrap_or_else(|| kind.default_size());
    check::size(size)?;
    Ok(vec![Event::StickyAdded {
        id,
        kind,
        text,
        pos,
        size,
    }])
}

pub(super) fn move_one(board: &Board, id: StickyId, pos: Position) -> Result<Vec<Event>, Error> {
    let sticky = check::existing(board, id)?;
    check::position(pos)?;
    // Moving to where it already is changes nothing, so nothing is recorded.
    if sticky.pos == pos {
        return Ok(vec![]);
    }
    Ok(vec![Event::StickyMoved { id, pos }])
}

pub(super) fn move_many(board: &Board, moves: Vec<StickyMove>) -> Result<Vec<Event>, Error> {
    check::selection(moves.iter().map(|m| m.id))?;
    let mut events = Vec::with_capacity(moves.len());
    for StickyMove { id, pos } in moves {
        events.extend(move_one(board, id, pos)?);
    }
    Ok(events)
}

pub(super) fn edit_text(board: &Board, id: StickyId, text: String) -> Result<Vec<Event>, Error> {
    let sticky = check::existing(board, id)?;
    check::text(&text)?;
    if sticky.text == text {
        return Ok(vec![]);
    }
    Ok(vec![Event::StickyTextEdited { id, text }])
}

pub(super) fn resize(board: &Board, id: StickyId, size: Size) -> Result<Vec<Event>, Error> {
    let sticky = check::existing(board, id)?;
    check::size(size)?;
    if sticky.size == size {
        return Ok(vec![]);
    }
    Ok(vec![Event::StickyResized { id, size }])
}

/// The colour follows the kind. Fields are kept when the new kind has none (they are hidden,
/// not lost), so changing the kind back restores them.
pub(super) fn change_kind(
    board: &Board,
    id: StickyId,
    kind: StickyKind,
) -> Result<Vec<Event>, Error> {
    let sticky = check::existing(board, id)?;
    if sticky.kind == kind {
        return Ok(vec![]);
    }
    Ok(vec![Event::StickyKindChanged { id, kind }])
}

pub(super) fn describe(
    board: &Board,
    id: StickyId,
    description: String,
) -> Result<Vec<Event>, Error> {
    let sticky = check::existing(board, id)?;
    check::description(&description)?;
    // Blank is "no definition": stored as empty, not as spaces.
    let description = if description.trim().is_empty() {
        String::new()
    } else {
        description
    };
    if sticky.description == description {
        return Ok(vec![]);
    }
    Ok(vec![Event::StickyDescribed { id, description }])
}

pub(super) fn set_fields(
    board: &Board,
    id: StickyId,
    fields: Vec<Field>,
) -> Result<Vec<Event>, Error> {
    let sticky = check::existing(board, id)?;
    if !sticky.kind.has_fields() && !fields.is_empty() {
        return Err(Error::FieldsNotAllowed { kind: sticky.kind });
    }
    let fields = check::fields(fields)?;
    if sticky.fields == fields {
        return Ok(vec![]);
    }
    Ok(vec![Event::StickyFieldsSet { id, fields }])
}

/// Deletes stickies and, in the same step, every connector that touches one of them, so no
/// connector ever points at nothing. All ids must exist: all or none.
pub(super) fn delete(board: &Board, ids: &[StickyId]) -> Result<Vec<Event>, Error> {
    for &id in ids {
        check::existing(board, id)?;
    }
    let mut events: Vec<Event> = board
        .connectors
        .values()
        .filter(|c| ids.contains(&c.from) || ids.contains(&c.to))
        .map(|c| Event::ConnectorDeleted { id: c.id })
        .collect();
    events.extend(ids.iter().map(|&id| Event::StickyDeleted { id }));
    Ok(events)
}
