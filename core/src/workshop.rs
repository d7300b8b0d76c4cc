//! Running a workshop: who may do what (roles), the phase the room is in, the facilitator's
//! timer and dot votes. Pure like the rest of the core: the time a timer starts and the tally
//! a vote reveals are brought in by the caller (the server stamps them; see
//! [`Command::stamp`]).

use crate::{Board, Command, Error, StickyId, StickyKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a board link lets its holder do. Ordered: each role may do what the ones before it may.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// See the board live, with the people on it, and export it.
    #[default]
    View,
    /// Also change it, and vote.
    Edit,
    /// Also lock it, run the timer, phases and votes, lead the room's view and rotate links.
    Facilitator,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Facilitator, Role::Edit, Role::View];

    pub fn name(self) -> &'static str {
        match self {
            Role::View => "view",
            Role::Edit => "edit",
            Role::Facilitator => "facilitator",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::View => "Viewer",
            Role::Edit => "Editor",
            Role::Facilitator => "Facilitator",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl Command {
    /// The least role that may send this command.
    pub fn required_role(&self) -> Role {
        match self {
            Command::LockBoard | Command::UnlockBoard => Role::Facilitator,
            Command::Batch { commands, .. } => commands
                .iter()
                .map(Command::required_role)
                .max()
                .unwrap_or(Role::Edit),
            c if c.is_workshop() => Role::Facilitator,
            _ => Role::Edit,
        }
    }

    /// Whether the server fills in part of this command before deciding it: the time for the
    /// timer, the tally for a reveal (see [`Command::stamp`]).
    pub fn needs_stamp(&self) -> bool {
        matches!(
            self,
            Command::StartTimer { .. }
                | Command::PauseTimer { .. }
                | Command::ResumeTimer { .. }
                | Command::ExtendTimer { .. }
                | Command::RevealVote { .. }
        )
    }

    /// Fills in what only the server may decide: the time on its clock (ms since the Unix
    /// epoch) and, for a reveal, the tally of the ballots it kept.
    pub fn stamp(&mut self, now: i64, tally: impl FnOnce() -> Vec<Tally>) {
        match self {
            Command::StartTimer { at, .. }
            | Command::PauseTimer { at }
            | Command::ResumeTimer { at }
            | Command::ExtendTimer { at, .. } => *at = now,
            Command::RevealVote { tally: t, .. } => *t = tally(),
            _ => {}
        }
    }

    /// Whether this is one of the facilitator's workshop commands (never inside a batch:
    /// undo and restore are about the board's content).
    pub fn is_workshop(&self) -> bool {
        matches!(
            self,
            Command::SetPhase { .. }
                | Command::StartTimer { .. }
                | Command::PauseTimer { .. }
                | Command::ResumeTimer { .. }
                | Command::ExtendTimer { .. }
                | Command::StopTimer
                | Command::OpenVote { .. }
                | Command::RevealVote { .. }
                | Command::CloseVote { .. }
        )
    }
}

/// Whether `role` may send `command`: the rule the board actor applies to every command, and
/// the browser before offering one.
pub fn authorize(role: Role, command: &Command) -> Result<(), Error> {
    require(role, command.required_role())
}

/// Whether `role` reaches `need`, and if not the refusal that says why: a view link is
/// read-only whatever was asked; an edit link lacks only the facilitator's rights. Commands,
/// HTTP requests and the socket's workshop messages all answer with this one rule.
pub fn require(role: Role, need: Role) -> Result<(), Error> {
    match need {
        need if need <= role => Ok(()),
        Role::Facilitator if role == Role::Edit => Err(Error::FacilitatorOnly),
        _ => Err(Error::ReadOnly),
    }
}

/// The phases of a Big Picture workshop (see the EventStorming notation), then the two
/// design levels that follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    ChaoticExploration,
    EnforceTheTimeline,
    Hotspots,
    PivotalEvents,
    PeopleAndSystems,
    WalkThrough,
    ValueAndOpportunities,
    BoundedContexts,
    ProcessModelling,
    SoftwareDesign,
}

impl Phase {
    pub const ALL: [Phase; 10] = [
        Phase::ChaoticExploration,
        Phase::EnforceTheTimeline,
        Phase::Hotspots,
        Phase::PivotalEvents,
        Phase::PeopleAndSystems,
        Phase::WalkThrough,
        Phase::ValueAndOpportunities,
        Phase::BoundedContexts,
        Phase::ProcessModelling,
        Phase::SoftwareDesign,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Phase::ChaoticExploration => "chaotic_exploration",
            Phase::EnforceTheTimeline => "enforce_the_timeline",
            Phase::Hotspots => "hotspots",
            Phase::PivotalEvents => "pivotal_events",
            Phase::PeopleAndSystems => "people_and_systems",
            Phase::WalkThrough => "walk_through",
            Phase::ValueAndOpportunities => "value_and_opportunities",
            Phase::BoundedContexts => "bounded_contexts",
            Phase::ProcessModelling => "process_modelling",
            Phase::SoftwareDesign => "software_design",
        }
    }

    pub fn parse(name: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            Phase::ChaoticExploration => "Chaotic exploration",
            Phase::EnforceTheTimeline => "Enforce the timeline",
            Phase::Hotspots => "Hotspots",
            Phase::PivotalEvents => "Pivotal events and swimlanes",
            Phase::PeopleAndSystems => "People and systems",
            Phase::WalkThrough => "Walk-through",
            Phase::ValueAndOpportunities => "Value and opportunities",
            Phase::BoundedContexts => "Emerging bounded contexts",
            Phase::ProcessModelling => "Process modelling",
            Phase::SoftwareDesign => "Software design",
        }
    }

    /// What the room does now, in one line (the banner everyone sees).
    pub fn instruction(self) -> &'static str {
        match self {
            Phase::ChaoticExploration => {
                "Everyone writes domain events on their own, in silence, in the past tense."
            }
            Phase::EnforceTheTimeline => {
                "Sort the events left to right along the timeline and remove duplicates."
            }
            Phase::Hotspots => "Mark questions, conflicts and pain points with pink hotspots.",
            Phase::PivotalEvents => {
                "Pick the few events that change everything and split the wall into swimlanes."
            }
            Phase::PeopleAndSystems => {
                "Add the actors who act and the external systems the story depends on."
            }
            Phase::WalkThrough => {
                "Tell the story from left to right, then backwards, and fix what does not fit."
            }
            Phase::ValueAndOpportunities => {
                "Mark where value is created or lost, and the opportunities you see."
            }
            Phase::BoundedContexts => {
                "Draw frames around the parts that speak one language: the bounded contexts."
            }
            Phase::ProcessModelling => {
                "For each process: actor, command, system, event, policy, read model."
            }
            Phase::SoftwareDesign => {
                "Find the aggregates that decide each command; name their fields."
            }
        }
    }

    /// The kinds the room works with in this phase, brought forward in the palette.
    pub fn kinds(self) -> &'static [StickyKind] {
        use StickyKind::*;
        match self {
            Phase::ChaoticExploration | Phase::EnforceTheTimeline | Phase::PivotalEvents => {
                &[DomainEvent]
            }
            Phase::Hotspots | Phase::ValueAndOpportunities => &[Hotspot, DomainEvent],
            Phase::PeopleAndSystems => &[Actor, ExternalSystem],
            Phase::WalkThrough => &[DomainEvent, Hotspot, Actor, ExternalSystem],
            Phase::BoundedContexts => &[DomainEvent],
            Phase::ProcessModelling => &[Command, Policy, ReadModel, Actor, ExternalSystem],
            Phase::SoftwareDesign => &[Aggregate, Command, DomainEvent, ReadModel],
        }
    }
}

/// A countdown. Times are milliseconds since the Unix epoch, by the server's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Timer {
    Running { ends_at: i64 },
    Paused { remaining_ms: i64 },
}

impl Timer {
    /// Milliseconds left at `now` (0 once it has run out).
    pub fn remaining_ms(&self, now: i64) -> i64 {
        match *self {
            Timer::Running { ends_at } => (ends_at - now).max(0),
            Timer::Paused { remaining_ms } => remaining_ms.max(0),
        }
    }
}

/// Longest countdown: a long session, not a forgotten one.
pub const MAX_TIMER_SECONDS: u32 = 4 * 60 * 60;
/// Most dots one participant gets in a vote.
pub const MAX_DOTS: u32 = 20;
/// Longest vote question, in characters.
pub const MAX_QUESTION_CHARS: usize = 200;

/// A dot vote's id, chosen by the facilitator's browser like every other id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VoteId(pub uuid::Uuid);

impl std::fmt::Display for VoteId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The dots one sticky got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub sticky: StickyId,
    pub dots: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteStatus {
    /// Participants place dots; nobody sees anyone else's.
    Open,
    /// The tally is on the board; dots can no longer change.
    Revealed,
    /// Over; the result stays on the board until the next vote.
    Closed,
}

/// A dot vote. Before the reveal its ballots are not part of the board (the server keeps them
/// apart, so no welcome, event or history shows them); the reveal brings the tally.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub id: VoteId,
    pub question: String,
    /// Dots per participant.
    pub dots: u32,
    /// Stickies of these kinds may get dots; all kinds when empty.
    pub kinds: Vec<StickyKind>,
    pub status: VoteStatus,
    /// Most dots first; empty until revealed.
    pub tally: Vec<Tally>,
}

impl Vote {
    pub fn allows(&self, kind: StickyKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }

    pub fn dots_on(&self, sticky: StickyId) -> u32 {
        self.tally
            .iter()
            .find(|t| t.sticky == sticky)
            .map_or(0, |t| t.dots)
    }
}

/// The facilitator's part of the board: replayed like the rest of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workshop {
    #[serde(default)]
    pub phase: Option<Phase>,
    #[serde(default)]
    pub timer: Option<Timer>,
    #[serde(default)]
    pub vote: Option<Vote>,
}

/// One participant's dots after placing (`add`) or taking back one dot on `sticky`, or why
/// not. A participant may put several of their dots on one sticky.
pub fn cast(
    board: &Board,
    vote: VoteId,
    mine: &[StickyId],
    sticky: StickyId,
    add: bool,
) -> Result<Vec<StickyId>, Error> {
    let current = board.workshop.vote.as_ref().filter(|v| v.id == vote);
    let Some(current) = current else {
        return Err(Error::UnknownVote);
    };
    if current.status != VoteStatus::Open {
        return Err(Error::VoteNotOpen);
    }
    let mut dots = mine.to_vec();
    if add {
        let s = board.sticky(sticky).ok_or(Error::UnknownSticky(sticky))?;
        if !current.allows(s.kind) {
            return Err(Error::KindNotInVote { kind: s.kind });
        }
        if dots.len() as u32 >= current.dots {
            return Err(Error::NoDotsLeft { dots: current.dots });
        }
        dots.push(sticky);
    } else {
        let Some(i) = dots.iter().rposition(|d| *d == sticky) else {
            return Err(Error::NoDotHere);
        };
        dots.remove(i);
    }
    Ok(dots)
}

/// The tally of every participant's dots on the board as it is: stickies deleted since do not
/// count. Most dots first, then in board order.
pub fn tally<'a>(board: &Board, ballots: impl IntoIterator<Item = &'a [StickyId]>) -> Vec<Tally> {
    let mut counts: HashMap<StickyId, u32> = HashMap::new();
    for ballot in ballots {
        for sticky in ballot {
            if board.sticky(*sticky).is_some() {
                *counts.entry(*sticky).or_default() += 1;
            }
        }
    }
    let mut tally: Vec<(usize, Tally)> = counts
        .into_iter()
        .map(|(sticky, dots)| {
            let order = board.stickies.get_index_of(&sticky).unwrap_or(usize::MAX);
            (order, Tally { sticky, dots })
        })
        .collect();
    tally.sort_by(|(ia, a), (ib, b)| b.dots.cmp(&a.dots).then(ia.cmp(ib)));
    tally.into_iter().map(|(_, t)| t).collect()
}

impl Workshop {
    /// Folds one of the workshop's events in (others are not its business).
    pub(crate) fn apply(&mut self, event: &crate::Event) {
        use crate::Event;
        match event {
            Event::PhaseChanged { phase } => self.phase = *phase,
            Event::TimerStarted { ends_at, .. } | Event::TimerResumed { ends_at } => {
                self.timer = Some(Timer::Running { ends_at: *ends_at })
            }
            Event::TimerPaused { remaining_ms } => {
                self.timer = Some(Timer::Paused {
                    remaining_ms: *remaining_ms,
                })
            }
            Event::TimerExtended {
                ends_at,
                remaining_ms,
                ..
            } => {
                self.timer = match (ends_at, remaining_ms) {
                    (Some(ends_at), _) => Some(Timer::Running { ends_at: *ends_at }),
                    (None, Some(remaining_ms)) => Some(Timer::Paused {
                        remaining_ms: *remaining_ms,
                    }),
                    (None, None) => self.timer,
                }
            }
            Event::TimerStopped => self.timer = None,
            Event::VoteOpened {
                id,
                question,
                dots,
                kinds,
            } => {
                self.vote = Some(Vote {
                    id: *id,
                    question: question.clone(),
                    dots: *dots,
                    kinds: kinds.clone(),
                    status: VoteStatus::Open,
                    tally: Vec::new(),
                })
            }
            Event::VoteRevealed { id, tally } => {
                if let Some(v) = self.vote.as_mut().filter(|v| v.id == *id) {
                    v.status = VoteStatus::Revealed;
                    v.tally = tally.clone();
                }
            }
            Event::VoteClosed { id } => {
                if let Some(v) = self.vote.as_mut().filter(|v| v.id == *id) {
                    v.status = VoteStatus::Closed;
                }
            }
            _ => {}
        }
    }
}
