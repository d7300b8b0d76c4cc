//! Board-level commands: create, rename, lock, unlock.

use super::check;
use crate::{Board, Error, Event};

pub(super) fn create(board: &Board, title: String) -> Result<Vec<Event>, Error> {
    if board.created {
        return Err(Error::BoardAlreadyCreated);
    }
    let title = check::title(title)?;
    Ok(vec![Event::BoardCreated { title }])
}

pub(super) fn rename(board: &Board, title: String) -> Result<Vec<Event>, Error> {
    let title = check::title(title)?;
    if title == board.title {
        return Ok(vec![]);
    }
    Ok(vec![Event::BoardRenamed { title }])
}

pub(super) fn lock(board: &Board) -> Vec<Event> {
    if board.locked {
        vec![]
    } else {
        vec![Event::BoardLocked]
    }
}

pub(super) fn unlock(board: &Board) -> Vec<Event> {
    if board.locked {
        vec![Event::BoardUnlocked]
    } else {
        vec![]
    }
}
