//! Bounded-context frames. Which stickies a frame holds is derived from geometry
//! (`Board::frame_of`), so these commands never touch stickies.

use super::check;
use crate::{Board, Error, Event, FrameId, Rect};

fn existing(board: &Board, id: FrameId) -> Result<&crate::Frame, Error> {
    board.frames.get(&id).ok_or(Error::UnknownFrame(id))
}

pub(super) fn add(
    board: &Board,
    id: FrameId,
    name: String,
    rect: Rect,
) -> Result<Vec<Event>, Error> {
    if board.frames.contains_key(&id) {
        return Err(Error::DuplicateFrame(id));
    }
    if board.frames.len() >= crate::limits::MAX_FRAMES {
        return Err(Error::TooManyFrames);
    }
    let name = check::name(name)?;
    check::rect(rect)?;
    Ok(vec![Event::FrameAdded { id, name, rect }])
}

pub(super) fn rename(board: &Board, id: FrameId, name: String) -> Result<Vec<Event>, Error> {
    let frame = existing(board, id)?;
    let name = check::name(name)?;
    if frame.name == name {
        return Ok(vec![]);
    }
    Ok(vec![Event::FrameRenamed { id, name }])
}

pub(super) fn reshape(board: &Board, id: FrameId, rect: Rect) -> Result<Vec<Event>, Error> {
    let frame = existing(board, id)?;
    check::rect(rect)?;
    if frame.rect == rect {
        return Ok(vec![]);
    }
    Ok(vec![Event::FrameReshaped { id, rect }])
}

/// Deleting a frame leaves its stickies where they are.
pub(super) fn delete(board: &Board, id: FrameId) -> Result<Vec<Event>, Error> {
    existing(board, id)?;
    Ok(vec![Event::FrameDeleted { id }])
}
