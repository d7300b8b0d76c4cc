//! Connectors: arrows between two stickies that say which command reaches which aggregate,
//! which event triggers which policy.

use super::check;
use crate::{Board, ConnectorId, Error, Event, StickyId};

pub(super) fn add(
    board: &Board,
    id: ConnectorId,
    from: StickyId,
    to: StickyId,
    label: Option<String>,
) -> Result<Vec<Event>, Error> {
    if board.connectors.contains_key(&id) {
        return Err(Error::DuplicateConnector(id));
    }
    if board.connectors.len() >= crate::limits::MAX_CONNECTORS {
        return Err(Error::TooManyConnectors);
    }
    check::existing(board, from)?;
    check::existing(board, to)?;
    if from == to {
        return Err(Error::SelfLoop);
    }
    if board
        .connectors
        .values()
        .any(|c| c.from == from && c.to == to)
    {
        return Err(Error::AlreadyConnected);
    }
    let label = check::label(label)?;
    Ok(vec![Event::ConnectorAdded {
        id,
        from,
        to,
        label,
    }])
}

pub(super) fn delete(board: &Board, id: ConnectorId) -> Result<Vec<Event>, Error> {
    if !board.connectors.contains_key(&id) {
        return Err(Error::UnknownConnector(id));
    }
    Ok(vec![Event::ConnectorDeleted { id }])
}
