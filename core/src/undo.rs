//! Undo, redo and "restore this version", as batches of ordinary commands.
//!
//! Nothing here rewrites history. To take the board from its current state back to an earlier
//! one, [`plan`] compares the two and returns the commands that get there, with expectations
//! that the current state is still what the plan was made from. Undo plans only over the
//! elements the change touched, so it never reverts someone else's work; if one of them was
//! changed since, the batch is refused with [`crate::Error::Conflict`] and nothing happens.

use crate::event::Target;
use crate::{Board, Command, ConnectorId, Event, Expect, FrameId, Sticky, StickyId, StickyKind};
use std::collections::BTreeSet;

/// The parts of a board a plan may change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub title: bool,
    pub stickies: BTreeSet<StickyId>,
    pub frames: BTreeSet<FrameId>,
    pub connectors: BTreeSet<ConnectorId>,
}

impl Scope {
    /// Everything on either board (used by "restore this version"). The lock is never part of
    /// a restore: it belongs to the facilitator, not to the board's content.
    pub fn everything(a: &Board, b: &Board) -> Self {
        Scope {
            title: true,
            stickies: a
                .stickies
                .keys()
                .chain(b.stickies.keys())
                .copied()
                .collect(),
            frames: a.frames.keys().chain(b.frames.keys()).copied().collect(),
            connectors: a
                .connectors
                .keys()
                .chain(b.connectors.keys())
                .copied()
                .collect(),
        }
    }

    /// What a list of events touched.
    pub fn of(events: &[Event]) -> Self {
        let mut scope = Scope::default();
        for event in events {
            match event.target() {
                Target::Created | Target::Lock | Target::Workshop => {}
                Target::Title => scope.title = true,
                Target::Sticky(id) => {
                    scope.stickies.insert(id);
                }
                Target::Frame(id) => {
                    scope.frames.insert(id);
                }
                Target::Connector(id) => {
                    scope.connectors.insert(id);
                }
            }
        }
        scope
    }
}

/// The command that undoes `events`, which took the board from `before` to `after`; `None`
/// when there is nothing to undo. Creating the board and locking or unlocking it are not
/// undone: they are the facilitator's, not a participant's slip.
pub fn undo(before: &Board, after: &Board, events: &[Event]) -> Option<Command> {
    let scope = Scope::of(events);
    if scope == Scope::default() {
        return None;
    }
    Some(plan(after, before, scope))
}

/// The command that brings `current` back to `target` (history is never rewritten: this only
/// appends new events).
pub fn restore(current: &Board, target: &Board) -> Command {
    plan(current, target, Scope::everything(current, target))
}

/// The batch that makes the scoped parts of `current` equal to those of `target`.
pub fn plan(current: &Board, target: &Board, mut scope: Scope) -> Command {
    // Deleting a sticky deletes its arrows too: bring them into scope so that they are expected
    // (not silently lost) and come back with the sticky on redo.
    for id in &scope.stickies {
        if target.sticky(*id).is_none() {
            scope
                .connectors
                .extend(current.connectors_of(*id).map(|c| c.id));
        }
    }
    let mut expect = Vec::new();
    let mut commands = Vec::new();

    if scope.title {
        expect.push(Expect::Title {
            title: current.title.clone(),
        });
        if current.title != target.title {
            commands.push(Command::RenameBoard {
                title: target.title.clone(),
            });
        }
    }

    // Arrows first out (an arrow has no update command: a changed one is replaced)...
    for id in &scope.connectors {
        let (now, want) = (current.connectors.get(id), target.connectors.get(id));
        expect.push(match now {
            Some(c) => Expect::Connector {
                connector: c.clone(),
            },
            None => Expect::NoConnector { id: *id },
        });
        if now.is_some() && now != want {
            commands.push(Command::DeleteConnector { id: *id });
        }
    }
    for id in &in_order(
        &scope.stickies,
        current.stickies.keys(),
        target.stickies.keys(),
    ) {
        let (now, want) = (current.sticky(*id), target.sticky(*id));
        expect.push(match now {
            Some(s) => Expect::Sticky { sticky: s.clone() },
            None => Expect::NoSticky { id: *id },
        });
        match (now, want) {
            (Some(_), None) => commands.push(Command::DeleteSticky { id: *id }),
            (None, Some(w)) => add_sticky(&mut commands, w),
            (Some(n), Some(w)) => update_sticky(&mut commands, n, w),
            (None, None) => {}
        }
    }
    for id in &in_order(&scope.frames, current.frames.keys(), target.frames.keys()) {
        let (now, want) = (current.frames.get(id), target.frames.get(id));
        expect.push(match now {
            Some(f) => Expect::Frame { frame: f.clone() },
            None => Expect::NoFrame { id: *id },
        });
        match (now, want) {
            (Some(_), None) => commands.push(Command::DeleteFrame { id: *id }),
            (None, Some(w)) => commands.push(Command::AddFrame {
                id: w.id,
                name: w.name.clone(),
                rect: w.rect,
            }),
            (Some(n), Some(w)) => {
                if n.name != w.name {
                    commands.push(Command::RenameFrame {
                        id: w.id,
                        name: w.name.clone(),
                    });
                }
                if n.rect != w.rect {
                    commands.push(Command::ReshapeFrame {
                        id: w.id,
                        rect: w.rect,
                    });
                }
            }
            (None, None) => {}
        }
    }
    // ...and last in, once both of their stickies are there.
    for id in &in_order(
        &scope.connectors,
        current.connectors.keys(),
        target.connectors.keys(),
    ) {
        let (now, want) = (current.connectors.get(id), target.connectors.get(id));
        if let Some(w) = want {
            if now != want {
                commands.push(Command::AddConnector {
                    id: w.id,
                    from: w.from,
                    to: w.to,
                    label: w.label.clone(),
                });
            }
        }
    }
    Command::Batch { expect, commands }
}

/// The scoped ids in board order: those on the current board first, then the ones only the
/// target has, in its order (so a restored or imported board stacks as the original did).
fn in_order<'a, T: Ord + Copy + 'a>(
    scope: &BTreeSet<T>,
    current: impl Iterator<Item = &'a T>,
    target: impl Iterator<Item = &'a T>,
) -> Vec<T> {
    let mut seen = BTreeSet::new();
    let mut out: Vec<T> = current
        .chain(target)
        .filter(|id| scope.contains(id) && seen.insert(**id))
        .copied()
        .collect();
    // Scoped ids on neither board: nothing to do, but they are still expected to be absent.
    out.extend(scope.iter().filter(|id| seen.insert(**id)).copied());
    out
}

fn add_sticky(commands: &mut Vec<Command>, want: &Sticky) {
    // Fields kept on a kind that shows none can only be set while the sticky has such a kind.
    let hidden_fields = !want.fields.is_empty() && !want.kind.has_fields();
    commands.push(Command::AddSticky {
        id: want.id,
        kind: if hidden_fields {
            StickyKind::DomainEvent
        } else {
            want.kind
        },
        text: want.text.clone(),
        pos: want.pos,
        size: Some(want.size),
    });
    if !want.fields.is_empty() {
        commands.push(Command::SetStickyFields {
            id: want.id,
            fields: want.fields.clone(),
        });
    }
    if hidden_fields {
        commands.push(Command::ChangeStickyKind {
            id: want.id,
            kind: want.kind,
        });
    }
    if !want.description.is_empty() {
        commands.push(Command::DescribeSticky {
            id: want.id,
            description: want.description.clone(),
        });
    }
}

fn update_sticky(commands: &mut Vec<Command>, now: &Sticky, want: &Sticky) {
    let id = want.id;
    if now.pos != want.pos {
        commands.push(Command::MoveSticky { id, pos: want.pos });
    }
    if now.text != want.text {
        commands.push(Command::EditStickyText {
            id,
            text: want.text.clone(),
        });
    }
    if now.size != want.size {
        commands.push(Command::ResizeSticky {
            id,
            size: want.size,
        });
    }
    // Fields can only be set (non-empty) while the sticky has a kind that shows them.
    let mut kind = now.kind;
    if now.fields != want.fields {
        if !kind.has_fields() && !want.fields.is_empty() {
            kind = if want.kind.has_fields() {
                want.kind
            } else {
                StickyKind::DomainEvent
            };
            commands.push(Command::ChangeStickyKind { id, kind });
        }
        commands.push(Command::SetStickyFields {
            id,
            fields: want.fields.clone(),
        });
    }
    if kind != want.kind {
        commands.push(Command::ChangeStickyKind {
            id,
            kind: want.kind,
        });
    }
    if now.description != want.description {
        commands.push(Command::DescribeSticky {
            id,
            description: want.description.clone(),
        });
    }
}
