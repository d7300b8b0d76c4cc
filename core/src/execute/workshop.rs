//! The facilitator's commands: phase, timer, votes. Who may send them is checked before
//! (`workshop::authorize`); here only whether they make sense on this board.

use super::check;
use crate::workshop::{Phase, Tally, VoteId, VoteStatus, MAX_DOTS, MAX_TIMER_SECONDS};
use crate::{Board, Error, Event, StickyKind};

pub(super) fn set_phase(board: &Board, phase: Option<Phase>) -> Vec<Event> {
    if board.workshop.phase == phase {
        return Vec::new();
    }
    vec![Event::PhaseChanged { phase }]
}

fn seconds(seconds: u32) -> Result<u32, Error> {
    if seconds == 0 || seconds > MAX_TIMER_SECONDS {
        return Err(Error::TimerOutOfRange {
            seconds: u64::from(seconds),
        });
    }
    Ok(seconds)
}

fn ms(seconds: u32) -> i64 {
    i64::from(seconds) * 1000
}

pub(super) fn start_timer(secs: u32, at: i64) -> Result<Vec<Event>, Error> {
    let secs = seconds(secs)?;
    Ok(vec![Event::TimerStarted {
        seconds: secs,
        ends_at: at.saturating_add(ms(secs)),
    }])
}

pub(super) fn pause_timer(board: &Board, at: i64) -> Result<Vec<Event>, Error> {
    match board.workshop.timer {
        None => Err(Error::NoTimer),
        Some(t @ crate::workshop::Timer::Running { .. }) => Ok(vec![Event::TimerPaused {
            remaining_ms: t.remaining_ms(at),
        }]),
        Some(_) => Err(Error::TimerNotRunning),
    }
}

pub(super) fn resume_timer(board: &Board, at: i64) -> Result<Vec<Event>, Error> {
    match board.workshop.timer {
        None => Err(Error::NoTimer),
        Some(crate::workshop::Timer::Paused { remaining_ms }) => Ok(vec![Event::TimerResumed {
            ends_at: at.saturating_add(remaining_ms),
        }]),
        Some(_) => Err(Error::TimerNotPaused),
    }
}

/// A minute more: from now if the countdown had already run out.
pub(super) fn extend_timer(board: &Board, secs: u32, at: i64) -> Result<Vec<Event>, Error> {
    let secs = seconds(secs)?;
    let (ends_at, remaining_ms) = match board.workshop.timer {
        None => return Err(Error::NoTimer),
        Some(crate::workshop::Timer::Running { ends_at }) => {
            (Some(ends_at.max(at).saturating_add(ms(secs))), None)
        }
        Some(crate::workshop::Timer::Paused { remaining_ms }) => {
            let left = remaining_ms.saturating_add(ms(secs));
            (None, Some(left.min(ms(MAX_TIMER_SECONDS))))
        }
    };
    Ok(vec![Event::TimerExtended {
        seconds: secs,
        ends_at,
        remaining_ms,
    }])
}

pub(super) fn stop_timer(board: &Board) -> Result<Vec<Event>, Error> {
    match board.workshop.timer {
        None => Err(Error::NoTimer),
        Some(_) => Ok(vec![Event::TimerStopped]),
    }
}

pub(super) fn open_vote(
    board: &Board,
    id: VoteId,
    question: String,
    dots: u32,
    mut kinds: Vec<StickyKind>,
) -> Result<Vec<Event>, Error> {
    if board
        .workshop
        .vote
        .as_ref()
        .is_some_and(|v| v.status != VoteStatus::Closed)
    {
        return Err(Error::VoteInProgress);
    }
    let question = check::question(question)?;
    if dots == 0 || dots > MAX_DOTS {
        return Err(Error::DotsOutOfRange { dots });
    }
    let mut seen = Vec::new();
    kinds.retain(|k| {
        let new = !seen.contains(k);
        seen.push(*k);
        new
    });
    Ok(vec![Event::VoteOpened {
        id,
        question,
        dots,
        kinds,
    }])
}

pub(super) fn reveal_vote(
    board: &Board,
    id: VoteId,
    tally: Vec<Tally>,
) -> Result<Vec<Event>, Error> {
    match &board.workshop.vote {
        Some(v) if v.id == id && v.status == VoteStatus::Open => {
            // Only stickies on the board, each once: the tally is the server's, but the board
            // must hold whatever it is told.
            let mut seen = std::collections::HashSet::new();
            let tally = tally
                .into_iter()
                .filter(|t| t.dots > 0 && board.sticky(t.sticky).is_some() && seen.insert(t.sticky))
                .collect();
            Ok(vec![Event::VoteRevealed { id, tally }])
        }
        Some(v) if v.id == id => Err(Error::VoteNotOpen),
        _ => Err(Error::UnknownVote),
    }
}

pub(super) fn close_vote(board: &Board, id: VoteId) -> Result<Vec<Event>, Error> {
    match &board.workshop.vote {
        Some(v) if v.id == id && v.status == VoteStatus::Revealed => {
            Ok(vec![Event::VoteClosed { id }])
        }
        Some(v) if v.id == id && v.status == VoteStatus::Open => Err(Error::VoteNotRevealed),
        Some(v) if v.id == id => Err(Error::VoteNotOpen),
        _ => Err(Error::UnknownVote),
    }
}
