//! Batches: several commands decided as one step, after their expectations are checked.

use super::decide;
use crate::board::weight_added;
use crate::limits::{MAX_BATCH, MAX_BOARD_BYTES};
use crate::{Board, Command, Error, Event, Expect};

pub(super) fn run(
    board: &Board,
    expect: Vec<Expect>,
    commands: Vec<Command>,
) -> Result<Vec<Event>, Error> {
    if commands.len() > MAX_BATCH {
        return Err(Error::BatchTooLarge {
            count: commands.len(),
        });
    }
    for e in &expect {
        check(board, e)?;
    }
    // Each command sees the board as the ones before it left it; nothing is kept on failure.
    let mut scratch = board.clone();
    let mut events = Vec::new();
    for command in commands {
        if matches!(command, Command::Batch { .. } | Command::CreateBoard { .. }) {
            return Err(Error::NestedBatch);
        }
        if command.is_workshop() {
            return Err(Error::WorkshopInBatch);
        }
        let decided = decide(&scratch, command)?;
        for e in &decided {
            scratch.apply_mut(e);
        }
        events.extend(decided);
    }
    if events.iter().any(|e| weight_added(e) > 0) {
        let bytes = scratch.weight();
        if bytes > MAX_BOARD_BYTES {
            return Err(Error::BoardFull { bytes });
        }
    }
    Ok(events)
}

fn check(board: &Board, expect: &Expect) -> Result<(), Error> {
    let conflict = |what: String| Err(Error::Conflict(what));
    match expect {
        Expect::Title { title } if board.title != *title => {
            conflict("the board was renamed since".into())
        }
        Expect::Locked { locked } if board.locked != *locked => {
            conflict("the board was locked or unlocked since".into())
        }
        Expect::Sticky { sticky } => match board.sticky(sticky.id) {
            Some(s) if s == sticky => Ok(()),
            Some(s) => conflict(format!(
                "the sticky \"{}\" was changed by someone since",
                short(&s.text)
            )),
            None => conflict(format!(
                "the sticky \"{}\" was deleted since",
                short(&sticky.text)
            )),
        },
        Expect::NoSticky { id } => match board.sticky(*id) {
            Some(s) => conflict(format!(
                "the sticky \"{}\" is back on the board",
                short(&s.text)
            )),
            None => Ok(()),
        },
        Expect::Frame { frame } => match board.frames.get(&frame.id) {
            Some(f) if f == frame => Ok(()),
            Some(f) => conflict(format!(
                "the frame \"{}\" was changed by someone since",
                short(&f.name)
            )),
            None => conflict(format!(
                "the frame \"{}\" was deleted since",
                short(&frame.name)
            )),
        },
        Expect::NoFrame { id } => match board.frames.get(id) {
            Some(f) => conflict(format!(
                "the frame \"{}\" is back on the board",
                short(&f.name)
            )),
            None => Ok(()),
        },
        Expect::Connector { connector } => match board.connectors.get(&connector.id) {
            Some(c) if c == connector => Ok(()),
            _ => conflict("an arrow was changed or deleted since".into()),
        },
        Expect::NoConnector { id } => match board.connectors.get(id) {
            Some(_) => conflict("an arrow is back on the board".into()),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Sticky text in an error message: the first words, on one line.
fn short(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 40 {
        format!("{}…", line.chars().take(40).collect::<String>())
    } else {
        line
    }
}
