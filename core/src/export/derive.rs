//! The rules that turn a board into aggregates for code generation.
//!
//! 1. Connectors first: a command belongs to the aggregate it points to; an event to the
//!    aggregate that points to it; a hotspot connected to a command (either way) becomes one
//!    of that command's errors.
//! 2. Placement second, for commands and events with no such connector: on the same row (their
//!    vertical centres closer than half the taller of the two), inside the same bounded
//!    context, a command belongs to the nearest aggregate to its right, an event to the nearest
//!    aggregate to its left.
//! 3. Anything ambiguous or left over is generated as well as it can be and listed in the
//!    warnings (a command connected to two aggregates goes to the first; a command reaching no
//!    aggregate is not generated).

use crate::{Board, Frame, FrameId, Sticky, StickyId, StickyKind};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Every bounded context's name as the exports show it: the frame's name, and " (2)", " (3)"
/// after later frames of the same name (in board order), so that the glossary and the crate
/// tell them apart in the same way.
pub fn context_names(board: &Board) -> HashMap<FrameId, String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    board
        .frames
        .values()
        .map(|f| {
            let n = seen.entry(f.name.as_str()).or_insert(0);
            *n += 1;
            let name = match *n {
                1 => f.name.clone(),
                n => format!("{} ({n})", f.name),
            };
            (f.id, name)
        })
        .collect()
}

/// One bounded context's aggregates. `frame` is `None` for stickies outside every frame;
/// `name` is the context's name from `context_names`.
pub struct Context<'a> {
    pub frame: Option<&'a Frame>,
    pub name: Option<String>,
    pub aggregates: Vec<Aggregate<'a>>,
}

pub struct Aggregate<'a> {
    pub sticky: &'a Sticky,
    pub commands: Vec<&'a Sticky>,
    pub events: Vec<&'a Sticky>,
    /// Hotspots connected to each command, by command id.
    pub errors: HashMap<StickyId, Vec<&'a Sticky>>,
}

pub struct Model<'a> {
    pub contexts: Vec<Context<'a>>,
    pub warnings: Vec<String>,
}

fn quote(s: &Sticky) -> String {
    let line: String = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("“{}”", line.chars().take(60).collect::<String>())
}

fn same_row(a: &Sticky, b: &Sticky) -> bool {
    let (_, ay) = a.centre();
    let (_, by) = b.centre();
    (ay - by).abs() * 2 <= i64::from(a.size.h.max(b.size.h))
}

pub fn model(board: &Board) -> Model<'_> {
    let mut warnings = Vec::new();
    let of_kind = |k: StickyKind| board.stickies.values().filter(move |s| s.kind == k);
    // Computed once: which frame each sticky is in, the arrows at each sticky, and the
    // aggregates of each frame (a board of thousands of stickies stays fast).
    let frames: HashMap<StickyId, Option<crate::FrameId>> = board
        .stickies
        .keys()
        .map(|id| (*id, board.frame_of(*id).map(|f| f.id)))
        .collect();
    let frame_id = |s: &Sticky| frames.get(&s.id).copied().flatten();
    let kind_of = |id: StickyId| board.sticky(id).map(|s| s.kind);
    let mut arrows_at: HashMap<StickyId, Vec<&crate::Connector>> = HashMap::new();
    for c in board.connectors.values() {
        arrows_at.entry(c.from).or_default().push(c);
        if c.to != c.from {
            arrows_at.entry(c.to).or_default().push(c);
        }
    }
    let mut aggregates_in: HashMap<Option<crate::FrameId>, Vec<&Sticky>> = HashMap::new();
    for a in of_kind(StickyKind::Aggregate) {
        aggregates_in.entry(frame_id(a)).or_default().push(a);
    }

    // Command -> aggregate, event -> aggregate.
    let mut owner: HashMap<StickyId, StickyId> = HashMap::new();
    for (kind, forward) in [
        (StickyKind::Command, true),
        (StickyKind::DomainEvent, false),
    ] {
        for s in of_kind(kind) {
            let linked: Vec<StickyId> = arrows_at
                .get(&s.id)
                .into_iter()
                .flatten()
                .filter_map(|c| {
                    let other = if forward && c.from == s.id {
                        c.to
                    } else if !forward && c.to == s.id {
                        c.from
                    } else {
                        return None;
                    };
                    (kind_of(other) == Some(StickyKind::Aggregate)).then_some(other)
                })
                .collect();
            match linked.as_slice() {
                [one] => {
                    owner.insert(s.id, *one);
                }
                [first, ..] => {
                    let names: Vec<String> = linked
                        .iter()
                        .filter_map(|id| board.sticky(*id))
                        .map(quote)
                        .collect();
                    warnings.push(format!(
                        "{} {} is connected to {} aggregates ({}); it is generated on the first only",
                        kind.label(),
                        quote(s),
                        linked.len(),
                        names.join(", ")
                    ));
                    owner.insert(s.id, *first);
                }
                [] => {
                    let candidate = aggregates_in
                        .get(&frame_id(s))
                        .into_iter()
                        .flatten()
                        .filter(|a| same_row(a, s))
                        .filter(|a| {
                            if forward {
                                a.pos.x > s.pos.x
                            } else {
                                a.pos.x < s.pos.x
                            }
                        })
                        .min_by_key(|a| (i64::from(a.pos.x) - i64::from(s.pos.x)).abs());
                    match candidate {
                        Some(a) => {
                            owner.insert(s.id, a.id);
                        }
                        None if forward => warnings.push(format!(
                            "Command {} reaches no aggregate (no arrow, none to its right on its row): not generated",
                            quote(s)
                        )),
                        None => warnings.push(format!(
                            "Domain event {} reaches no aggregate (no arrow from one, none to its left on its row): not generated",
                            quote(s)
                        )),
                    }
                }
            }
        }
    }

    // Hotspots connected to a command become its errors.
    let mut errors: HashMap<StickyId, Vec<&Sticky>> = HashMap::new();
    for c in board.connectors.values() {
        let pair = [(c.from, c.to), (c.to, c.from)];
        for (cmd, hot) in pair {
            if kind_of(cmd) == Some(StickyKind::Command)
                && kind_of(hot) == Some(StickyKind::Hotspot)
            {
                if let Some(h) = board.sticky(hot) {
                    let list = errors.entry(cmd).or_default();
                    if !list.iter().any(|x| x.id == h.id) {
                        list.push(h);
                    }
                }
            }
        }
    }

    // Group aggregates by frame, in board order; stickies outside frames last.
    let mut by_frame: BTreeMap<usize, Vec<Aggregate<'_>>> = BTreeMap::new();
    let frame_index = |s: &Sticky| {
        frame_id(s)
            .and_then(|f| board.frames.get_index_of(&f))
            .unwrap_or(usize::MAX)
    };
    // Each aggregate's commands and events, in board order.
    let mut owned: HashMap<StickyId, (Vec<&Sticky>, Vec<&Sticky>)> = HashMap::new();
    for s in board.stickies.values() {
        if let Some(a) = owner.get(&s.id) {
            let entry = owned.entry(*a).or_default();
            match s.kind {
                StickyKind::Command => entry.0.push(s),
                _ => entry.1.push(s),
            }
        }
    }
    for a in of_kind(StickyKind::Aggregate) {
        let (commands, events) = owned.remove(&a.id).unwrap_or_default();
        if commands.is_empty() {
            warnings.push(format!(
                "Aggregate {} handles no command: its Command enum is empty",
                quote(a)
            ));
        }
        let errors = commands
            .iter()
            .filter_map(|c| errors.get(&c.id).map(|e| (c.id, e.clone())))
            .collect();
        by_frame.entry(frame_index(a)).or_default().push(Aggregate {
            sticky: a,
            commands,
            events,
            errors,
        });
    }
    if board
        .stickies
        .values()
        .all(|s| s.kind != StickyKind::Aggregate)
    {
        warnings.push(
            "The board has no aggregates: the crate contains only the Aggregate trait".into(),
        );
    }
    if let Some(cycle) = policy_cycle(board) {
        warnings.push(format!(
            "Arrows run in a cycle through a policy ({}); policies are not generated, so the cycle only matters to the workshop",
            cycle.iter().filter_map(|id| board.sticky(*id)).map(quote).collect::<Vec<_>>().join(" → ")
        ));
    }
    let names = context_names(board);
    for f in board.frames.values() {
        if names[&f.id] != f.name {
            warnings.push(format!(
                "Two bounded contexts are named “{}”: the later one is “{}” in the glossary and the crate",
                f.name.split_whitespace().collect::<Vec<_>>().join(" "),
                names[&f.id].split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
    }
    let contexts = by_frame
        .into_iter()
        .map(|(index, aggregates)| {
            let frame = board.frames.get_index(index).map(|(_, f)| f);
            Context {
                frame,
                name: frame.map(|f| names[&f.id].clone()),
                aggregates,
            }
        })
        .collect();
    Model { contexts, warnings }
}

/// A cycle of arrows that passes through a policy, if there is one.
fn policy_cycle(board: &Board) -> Option<Vec<StickyId>> {
    let mut next: HashMap<StickyId, Vec<StickyId>> = HashMap::new();
    for c in board.connectors.values() {
        next.entry(c.from).or_default().push(c.to);
    }
    let mut done = HashSet::new();
    for start in board.stickies.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = dfs(*start, &next, &mut path, &mut done) {
            let through_policy = cycle.iter().any(|id| {
                board
                    .sticky(*id)
                    .is_some_and(|s| s.kind == StickyKind::Policy)
            });
            if through_policy {
                return Some(cycle);
            }
        }
    }
    None
}

fn dfs(
    at: StickyId,
    next: &HashMap<StickyId, Vec<StickyId>>,
    path: &mut Vec<StickyId>,
    done: &mut HashSet<StickyId>,
) -> Option<Vec<StickyId>> {
    if let Some(i) = path.iter().position(|p| *p == at) {
        let mut cycle = path[i..].to_vec();
        cycle.push(at);
        return Some(cycle);
    }
    if !done.insert(at) {
        return None;
    }
    path.push(at);
    for n in next.get(&at).into_iter().flatten() {
        if let Some(c) = dfs(*n, next, path, done) {
            return Some(c);
        }
    }
    path.pop();
    None
}
