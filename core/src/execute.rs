//! The decision function: given the board and a command, which events happen (or why not).

use crate::limits::{MAX_COORDINATE, MAX_TEXT_CHARS, MAX_TITLE_CHARS};
use crate::{Board, Command, Error, Event, Position, StickyId};

/// Decides what a command means for this board. Pure: it reads the board and returns events;
/// applying them is the caller's job, after they are stored.
pub fn execute(board: &Board, command: Command) -> Result<Vec<Event>, Error> {
    if let Command::CreateBoard { title } = command {
        if board.created {
            return Err(Error::BoardAlreadyCreated);
        }
        let title = check_title(title)?;
        return Ok(vec![Event::BoardCreated { title }]);
    }
    if !board.created {
        return Err(Error::BoardNotCreated);
    }
    match command {
        Command::CreateBoard { .. } => unreachable!("handled above"),
        Command::AddSticky {
            id,
            kind,
            text,
            pos,
        } => {
            if board.stickies.contains_key(&id) {
                return Err(Error::DuplicateSticky(id));
            }
            check_text(&text)?;
            check_position(pos)?;
            Ok(vec![Event::StickyAdded {
                id,
                kind,
                text,
                pos,
            }])
        }
        Command::MoveSticky { id, pos } => {
            let sticky = existing(board, id)?;
            check_position(pos)?;
            // Moving to where it already is changes nothing, so nothing is recorded.
            if sticky.pos == pos {
                return Ok(vec![]);
            }
            Ok(vec![Event::StickyMoved { id, pos }])
        }
        Command::EditStickyText { id, text } => {
            let sticky = existing(board, id)?;
            check_text(&text)?;
            if sticky.text == text {
                return Ok(vec![]);
            }
            Ok(vec![Event::StickyTextEdited { id, text }])
        }
        Command::DeleteSticky { id } => {
            existing(board, id)?;
            Ok(vec![Event::StickyDeleted { id }])
        }
    }
}

fn existing(board: &Board, id: StickyId) -> Result<&crate::Sticky, Error> {
    board.sticky(id).ok_or(Error::UnknownSticky(id))
}

/// Titles are trimmed: leading and trailing blanks are never meant.
fn check_title(title: String) -> Result<String, Error> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::EmptyTitle);
    }
    let len = title.chars().count();
    if len > MAX_TITLE_CHARS {
        return Err(Error::TitleTooLong { len });
    }
    Ok(title.to_owned())
}

/// Sticky text keeps its line breaks and spacing, but must say something.
fn check_text(text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::EmptyText);
    }
    let len = text.chars().count();
    if len > MAX_TEXT_CHARS {
        return Err(Error::TextTooLong { len });
    }
    Ok(())
}

fn check_position(pos: Position) -> Result<(), Error> {
    let range = -MAX_COORDINATE..=MAX_COORDINATE;
    if range.contains(&pos.x) && range.contains(&pos.y) {
        Ok(())
    } else {
        Err(Error::PositionOutOfRange {
            x: pos.x.into(),
            y: pos.y.into(),
        })
    }
}
