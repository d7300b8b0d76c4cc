//! The board state and `apply`, which folds one event into it.

use crate::event::Target;
use crate::{BoardId, ConnectorId, Event, FrameId, StickyId, StickyKind};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A point on the wall, in board units (CSS pixels at 100 % zoom).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Position {
    pub x: i32,
    pub y: i32,
}

impl Position {
    pub fn new(x: i32, y: i32) -> Self {
        Self { x, y }
    }
}

/// Width and height, in board units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Size {
    pub w: i32,
    pub h: i32,
}

impl Size {
    pub fn new(w: i32, h: i32) -> Self {
        Self { w, h }
    }
}

/// An axis-aligned rectangle: top-left corner and size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

impl Rect {
    pub fn new(x: i32, y: i32, w: i32, h: i32) -> Self {
        Self { x, y, w, h }
    }

    /// Whether the point lies inside (edges included). Computed in i64: no overflow.
    pub fn contains(&self, x: i64, y: i64) -> bool {
        let (x0, y0) = (i64::from(self.x), i64::from(self.y));
        x >= x0 && y >= y0 && x <= x0 + i64::from(self.w) && y <= y0 + i64::from(self.h)
    }

    pub fn area(&self) -> i64 {
        i64::from(self.w) * i64::from(self.h)
    }
}

/// A typed payload field, `name: Type`, as written on an event, command, aggregate (its
/// state) or read model.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

impl Field {
    pub fn new(name: impl Into<String>, ty: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ty: ty.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sticky {
    pub id: StickyId,
    pub kind: StickyKind,
    pub text: String,
    pub pos: Position,
    pub size: Size,
    /// The definition of the term, for the glossary. Empty when nobody wrote one.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub fields: Vec<Field>,
}

impl Sticky {
    /// The sticky's centre: what decides which frame it lies in.
    pub fn centre(&self) -> (i64, i64) {
        (
            i64::from(self.pos.x) + i64::from(self.size.w) / 2,
            i64::from(self.pos.y) + i64::from(self.size.h) / 2,
        )
    }
}

/// Allowances per element in `Board::weight`, for its ids, geometry and JSON punctuation.
const STICKY_ALLOWANCE: usize = 160;
const FIELD_ALLOWANCE: usize = 24;
const FRAME_ALLOWANCE: usize = 120;
const CONNECTOR_ALLOWANCE: usize = 160;

fn fields_weight(fields: &[Field]) -> usize {
    fields
        .iter()
        .map(|f| FIELD_ALLOWANCE + f.name.len() + f.ty.len())
        .sum()
}

impl Sticky {
    pub fn weight(&self) -> usize {
        STICKY_ALLOWANCE + self.text.len() + self.description.len() + fields_weight(&self.fields)
    }
}

impl Frame {
    pub fn weight(&self) -> usize {
        FRAME_ALLOWANCE + self.name.len()
    }
}

impl Connector {
    pub fn weight(&self) -> usize {
        CONNECTOR_ALLOWANCE + self.label.as_ref().map_or(0, String::len)
    }
}

/// The most an event can add to `Board::weight` (what it replaces is not subtracted, so
/// this errs on the side of "full" only within a few kilobytes of the budget).
pub(crate) fn weight_added(event: &Event) -> usize {
    match event {
        Event::BoardCreated { title } | Event::BoardRenamed { title } => title.len(),
        Event::StickyAdded { text, .. } => STICKY_ALLOWANCE + text.len(),
        Event::StickyTextEdited { text, .. } => text.len(),
        Event::StickyDescribed { description, .. } => description.len(),
        Event::StickyFieldsSet { fields, .. } => fields_weight(fields),
        Event::FrameAdded { name, .. } => FRAME_ALLOWANCE + name.len(),
        Event::FrameRenamed { name, .. } => name.len(),
        Event::VoteOpened { question, .. } => question.len(),
        Event::ConnectorAdded { label, .. } => {
            CONNECTOR_ALLOWANCE + label.as_ref().map_or(0, String::len)
        }
        _ => 0,
    }
}

/// A bounded context drawn on the wall.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub id: FrameId,
    pub name: String,
    pub rect: Rect,
}

/// An arrow between two stickies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Connector {
    pub id: ConnectorId,
    pub from: StickyId,
    pub to: StickyId,
    pub label: Option<String>,
}

/// Everything the board knows. Built only by `apply`, so replaying the log always gives the
/// same board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub id: BoardId,
    /// False until `BoardCreated` has been applied.
    pub created: bool,
    pub title: String,
    /// A locked board refuses every change but unlocking.
    #[serde(default)]
    pub locked: bool,
    /// In insertion order, which is also the stacking order on screen (later on top).
    pub stickies: IndexMap<StickyId, Sticky>,
    #[serde(default)]
    pub frames: IndexMap<FrameId, Frame>,
    #[serde(default)]
    pub connectors: IndexMap<ConnectorId, Connector>,
    /// The facilitator's phase, timer and vote.
    #[serde(default)]
    pub workshop: crate::workshop::Workshop,
    /// `weight()`, once asked for, kept up to date by `apply_mut`. Derived: never serialised,
    /// and only valid for a board changed through `apply` (as every board is).
    #[serde(skip)]
    weight: WeightCache,
}

/// The cached weight of a board. Two boards are equal whatever their caches hold.
#[derive(Default)]
struct WeightCache(std::sync::OnceLock<usize>);

impl Clone for WeightCache {
    fn clone(&self) -> Self {
        Self(self.0.get().map(|w| (*w).into()).unwrap_or_default())
    }
}

impl PartialEq for WeightCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for WeightCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.get().fmt(f)
    }
}

impl Board {
    /// The board before its first event.
    pub fn new(id: BoardId) -> Self {
        Self {
            id,
            created: false,
            title: String::new(),
            locked: false,
            stickies: IndexMap::new(),
            frames: IndexMap::new(),
            connectors: IndexMap::new(),
            workshop: Default::default(),
            weight: WeightCache::default(),
        }
    }

    /// Replays a history from the empty board.
    pub fn replay<'a>(id: BoardId, events: impl IntoIterator<Item = &'a Event>) -> Self {
        events.into_iter().fold(Board::new(id), apply)
    }

    pub fn sticky(&self, id: StickyId) -> Option<&Sticky> {
        self.stickies.get(&id)
    }

    /// The frame a sticky belongs to: the smallest frame that holds its centre. Derived, never
    /// stored, so moving a sticky or a frame can never leave them disagreeing.
    pub fn frame_of(&self, sticky: StickyId) -> Option<&Frame> {
        let (x, y) = self.sticky(sticky)?.centre();
        self.frames
            .values()
            .filter(|f| f.rect.contains(x, y))
            .min_by_key(|f| f.rect.area())
    }

    /// Connectors that start or end at a sticky, in board order.
    pub fn connectors_of(&self, sticky: StickyId) -> impl Iterator<Item = &Connector> {
        self.connectors
            .values()
            .filter(move |c| c.from == sticky || c.to == sticky)
    }

    /// What the board weighs against `limits::MAX_BOARD_BYTES`: the bytes of all its text plus
    /// a fixed allowance per element. Computed once (linear in the board), then kept up to date
    /// by `apply_mut` event by event.
    pub fn weight(&self) -> usize {
        *self.weight.0.get_or_init(|| {
            self.title.len()
                + self.workshop.vote.as_ref().map_or(0, |v| v.question.len())
                + self.stickies.values().map(Sticky::weight).sum::<usize>()
                + self.frames.values().map(Frame::weight).sum::<usize>()
                + self
                    .connectors
                    .values()
                    .map(Connector::weight)
                    .sum::<usize>()
        })
    }

    /// The weight of the one element an event changes.
    fn touched_weight(&self, event: &Event) -> usize {
        match event.target() {
            Target::Created | Target::Title => self.title.len(),
            Target::Lock => 0,
            Target::Workshop => self.workshop.vote.as_ref().map_or(0, |v| v.question.len()),
            Target::Sticky(id) => self.sticky(id).map_or(0, Sticky::weight),
            Target::Frame(id) => self.frames.get(&id).map_or(0, Frame::weight),
            Target::Connector(id) => self.connectors.get(&id).map_or(0, Connector::weight),
        }
    }

    /// Folds one event into the board in place. Events are facts, so `apply` never fails: an
    /// event that names a missing element (which `execute` never emits) is ignored.
    pub fn apply_mut(&mut self, event: &Event) {
        let rest = self
            .weight
            .0
            .take()
            .map(|w| w.saturating_sub(self.touched_weight(event)));
        self.fold(event);
        if let Some(rest) = rest {
            self.weight = WeightCache((rest + self.touched_weight(event)).into());
        }
    }

    fn fold(&mut self, event: &Event) {
        match event {
            Event::BoardCreated { title } => {
                self.created = true;
                self.title = title.clone();
            }
            Event::BoardRenamed { title } => self.title = title.clone(),
            Event::BoardLocked => self.locked = true,
            Event::BoardUnlocked => self.locked = false,
            Event::StickyAdded {
                id,
                kind,
                text,
                pos,
                size,
            } => {
                self.stickies.insert(
                    *id,
                    Sticky {
                        id: *id,
                        kind: *kind,
                        text: text.clone(),
                        pos: *pos,
                        size: *size,
                        description: String::new(),
                        fields: Vec::new(),
                    },
                );
            }
            Event::StickyMoved { id, pos } => self.with_sticky(id, |s| s.pos = *pos),
            Event::StickyTextEdited { id, text } => self.with_sticky(id, |s| s.text = text.clone()),
            Event::StickyResized { id, size } => self.with_sticky(id, |s| s.size = *size),
            Event::StickyKindChanged { id, kind } => self.with_sticky(id, |s| s.kind = *kind),
            Event::StickyDescribed { id, description } => {
                self.with_sticky(id, |s| s.description = description.clone())
            }
            Event::StickyFieldsSet { id, fields } => {
                self.with_sticky(id, |s| s.fields = fields.clone())
            }
            Event::StickyDeleted { id } => {
                // shift_remove keeps the stacking order of the others.
                self.stickies.shift_remove(id);
            }
            Event::FrameAdded { id, name, rect } => {
                self.frames.insert(
                    *id,
                    Frame {
                        id: *id,
                        name: name.clone(),
                        rect: *rect,
                    },
                );
            }
            Event::FrameRenamed { id, name } => {
                if let Some(f) = self.frames.get_mut(id) {
                    f.name = name.clone();
                }
            }
            Event::FrameReshaped { id, rect } => {
                if let Some(f) = self.frames.get_mut(id) {
                    f.rect = *rect;
                }
            }
            Event::FrameDeleted { id } => {
                self.frames.shift_remove(id);
            }
            Event::ConnectorAdded {
                id,
                from,
                to,
                label,
            } => {
                self.connectors.insert(
                    *id,
                    Connector {
                        id: *id,
                        from: *from,
                        to: *to,
                        label: label.clone(),
                    },
                );
            }
            Event::ConnectorDeleted { id } => {
                self.connectors.shift_remove(id);
            }
            _ => self.workshop.apply(event),
        }
    }

    fn with_sticky(&mut self, id: &StickyId, f: impl FnOnce(&mut Sticky)) {
        if let Some(s) = self.stickies.get_mut(id) {
            f(s);
        }
    }
}

/// The article's shape: `apply(state, &event) -> state`.
pub fn apply(mut board: Board, event: &Event) -> Board {
    board.apply_mut(event);
    board
}
