//! The decision function: given the board and a command, which events happen (or why not).
//! `execute` only routes; each group of commands is decided in its own module.

mod batch;
mod board;
mod check;
mod connector;
mod frame;
mod sticky;
mod workshop;

use crate::board::weight_added;
use crate::limits::MAX_BOARD_BYTES;
use crate::{Board, Command, Error, Event};

/// Decides what a command means for this board. Pure: it reads the board and returns events;
/// applying them is the caller's job, after they are stored. A refused command returns the
/// reason and no events: nothing partial is ever decided.
pub fn execute(board: &Board, command: Command) -> Result<Vec<Event>, Error> {
    // A batch checks the content budget itself, exactly, on the board it leaves.
    let batch = matches!(command, Command::Batch { .. });
    let events = decide(board, command)?;
    let added: usize = events.iter().map(weight_added).sum();
    if added > 0 && !batch {
        let bytes = board.weight() + added;
        if bytes > MAX_BOARD_BYTES {
            return Err(Error::BoardFull { bytes });
        }
    }
    Ok(events)
}

/// `execute` without the content budget: the routing to each group's rules.
fn decide(board: &Board, command: Command) -> Result<Vec<Event>, Error> {
    if let Command::CreateBoard { title } = command {
        return board::create(board, title);
    }
    if !board.created {
        return Err(Error::BoardNotCreated);
    }
    // A locked wall still runs its workshop: a vote on a frozen board is the point of it.
    if board.locked
        && !matches!(command, Command::UnlockBoard | Command::LockBoard)
        && !command.is_workshop()
    {
        return Err(Error::BoardLocked);
    }
    match command {
        Command::CreateBoard { .. } => unreachable!("handled above"),
        Command::RenameBoard { title } => board::rename(board, title),
        Command::LockBoard => Ok(board::lock(board)),
        Command::UnlockBoard => Ok(board::unlock(board)),
        Command::AddSticky {
            id,
            kind,
            text,
            pos,
            size,
        } => sticky::add(board, id, kind, text, pos, size),
        Command::MoveSticky { id, pos } => sticky::move_one(board, id, pos),
        Command::EditStickyText { id, text } => sticky::edit_text(board, id, text),
        Command::ResizeSticky { id, size } => sticky::resize(board, id, size),
        Command::ChangeStickyKind { id, kind } => sticky::change_kind(board, id, kind),
        Command::DescribeSticky { id, description } => sticky::describe(board, id, description),
        Command::SetStickyFields { id, fields } => sticky::set_fields(board, id, fields),
        Command::DeleteSticky { id } => sticky::delete(board, &[id]),
        Command::MoveStickies { moves } => sticky::move_many(board, moves),
        Command::DeleteStickies { ids } => {
            check::selection(ids.iter().copied())?;
            sticky::delete(board, &ids)
        }
        Command::AddFrame { id, name, rect } => frame::add(board, id, name, rect),
        Command::RenameFrame { id, name } => frame::rename(board, id, name),
        Command::ReshapeFrame { id, rect } => frame::reshape(board, id, rect),
        Command::DeleteFrame { id } => frame::delete(board, id),
        Command::AddConnector {
            id,
            from,
            to,
            label,
        } => connector::add(board, id, from, to, label),
        Command::DeleteConnector { id } => connector::delete(board, id),
        Command::SetPhase { phase } => Ok(workshop::set_phase(board, phase)),
        Command::StartTimer { seconds, at } => workshop::start_timer(seconds, at),
        Command::PauseTimer { at } => workshop::pause_timer(board, at),
        Command::ResumeTimer { at } => workshop::resume_timer(board, at),
        Command::ExtendTimer { seconds, at } => workshop::extend_timer(board, seconds, at),
        Command::StopTimer => workshop::stop_timer(board),
        Command::OpenVote {
            id,
            question,
            dots,
            kinds,
        } => workshop::open_vote(board, id, question, dots, kinds),
        Command::RevealVote { id, tally } => workshop::reveal_vote(board, id, tally),
        Command::CloseVote { id } => workshop::close_vote(board, id),
        Command::Batch { expect, commands } => batch::run(board, expect, commands),
    }
}
