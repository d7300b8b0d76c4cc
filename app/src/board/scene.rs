//! The board as reactive cells: one signal per sticky, frame and arrow, set only where an
//! event lands. A view reads its own cell, so one remote change re-renders a constant number
//! of views whatever the size of the board; nothing on the wall subscribes to the whole board
//! (with thousands of subscribers on one signal, every change cost time quadratic in the
//! board).
//!
//! [`Keyed`] does the same for per-element UI state (selected, dragged, edited by someone):
//! a change of the selection touches the stickies that entered or left it, not all of them.

use leptos::prelude::*;
use std::collections::HashMap;
use std::hash::Hash;
use stormwall_core::event::Target;
use stormwall_core::{Board, Connector, ConnectorId, Frame, FrameId, Sticky, StickyId};

/// What changed on the shown board since the scene last looked.
#[derive(Clone, Debug, Default)]
pub(crate) struct Changes {
    /// Anything may have changed (a welcome, a rebuild, a history step): diff everything.
    pub full: bool,
    pub targets: Vec<Target>,
}

impl Changes {
    pub fn everything() -> Self {
        Changes {
            full: true,
            targets: Vec::new(),
        }
    }
}

type Cells<K, V> = StoredValue<HashMap<K, ArcRwSignal<V>>>;

#[derive(Clone, Copy)]
pub(crate) struct Scene {
    stickies: Cells<StickyId, Sticky>,
    frames: Cells<FrameId, Frame>,
    connectors: Cells<ConnectorId, Connector>,
    /// In stacking order (later on top), as on the board.
    pub sticky_ids: RwSignal<Vec<StickyId>>,
    pub frame_ids: RwSignal<Vec<FrameId>>,
    pub connector_ids: RwSignal<Vec<ConnectorId>>,
    /// Bumped when anything is added, removed, moved or resized (visibility, minimap).
    pub layout: RwSignal<u64>,
    /// Bumped on every change at all (drawings of the whole board: the zoomed-out canvas).
    pub version: RwSignal<u64>,
}

impl Scene {
    pub fn new() -> Self {
        Scene {
            stickies: StoredValue::new(HashMap::new()),
            frames: StoredValue::new(HashMap::new()),
            connectors: StoredValue::new(HashMap::new()),
            sticky_ids: RwSignal::new(Vec::new()),
            frame_ids: RwSignal::new(Vec::new()),
            connector_ids: RwSignal::new(Vec::new()),
            layout: RwSignal::new(0),
            version: RwSignal::new(0),
        }
    }

    /// The element's cell, as a handle owned by the calling view.
    pub fn sticky(&self, id: StickyId) -> Option<RwSignal<Sticky>> {
        self.stickies
            .with_value(|m| m.get(&id).cloned())
            .map(RwSignal::from)
    }

    /// The element's cell, as a handle owned by the calling view.
    pub fn frame(&self, id: FrameId) -> Option<RwSignal<Frame>> {
        self.frames
            .with_value(|m| m.get(&id).cloned())
            .map(RwSignal::from)
    }

    /// The element's cell, as a handle owned by the calling view.
    pub fn connector(&self, id: ConnectorId) -> Option<RwSignal<Connector>> {
        self.connectors
            .with_value(|m| m.get(&id).cloned())
            .map(RwSignal::from)
    }

    /// Brings the cells in line with `board`: only the targets named, or everything.
    pub fn sync(&self, board: Option<&Board>, changes: &Changes) {
        let empty = Board::new(stormwall_core::BoardId(uuid::Uuid::nil()));
        let board = board.unwrap_or(&empty);
        let mut moved = false;
        let mut sets = (false, false, false);
        if changes.full {
            let (s, f, c) = (&board.stickies, &board.frames, &board.connectors);
            moved |= diff_all(
                self.stickies,
                s.iter(),
                |k| s.contains_key(k),
                &mut sets.0,
                same_place,
            );
            moved |= diff_all(
                self.frames,
                f.iter(),
                |k| f.contains_key(k),
                &mut sets.1,
                |a, b| a.rect == b.rect,
            );
            diff_all(
                self.connectors,
                c.iter(),
                |k| c.contains_key(k),
                &mut sets.2,
                |_, _| true,
            );
        } else {
            for target in &changes.targets {
                match target {
                    Target::Sticky(id) => {
                        moved |= diff_one(
                            self.stickies,
                            *id,
                            board.stickies.get(id),
                            &mut sets.0,
                            same_place,
                        )
                    }
                    Target::Frame(id) => {
                        moved |= diff_one(
                            self.frames,
                            *id,
                            board.frames.get(id),
                            &mut sets.1,
                            |a, b| a.rect == b.rect,
                        )
                    }
                    Target::Connector(id) => {
                        diff_one(
                            self.connectors,
                            *id,
                            board.connectors.get(id),
                            &mut sets.2,
                            |_, _| true,
                        );
                    }
                    Target::Created | Target::Title | Target::Lock | Target::Workshop => {}
                }
            }
        }
        if sets.0 {
            set_if_changed(self.sticky_ids, board.stickies.keys().copied().collect());
        }
        if sets.1 {
            set_if_changed(self.frame_ids, board.frames.keys().copied().collect());
        }
        if sets.2 {
            set_if_changed(
                self.connector_ids,
                board.connectors.keys().copied().collect(),
            );
        }
        if moved || sets.0 || sets.1 || sets.2 {
            self.layout.update(|v| *v += 1);
        }
        self.version.update(|v| *v += 1);
    }
}

fn same_place(a: &Sticky, b: &Sticky) -> bool {
    a.pos == b.pos && a.size == b.size
}

fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|v| *v != value) {
        signal.set(value);
    }
}

/// One element: its cell created, updated or dropped. Returns whether it moved (or came or
/// went); `set_changed` notes that the list of ids changed.
fn diff_one<K, V>(
    cells: Cells<K, V>,
    id: K,
    now: Option<&V>,
    set_changed: &mut bool,
    same_place: impl Fn(&V, &V) -> bool,
) -> bool
where
    K: Eq + Hash + Copy + Send + Sync + 'static,
    V: Clone + PartialEq + Send + Sync + 'static,
{
    let cell = cells.with_value(|m| m.get(&id).cloned());
    match (cell, now) {
        (Some(cell), Some(now)) => {
            let (changed, moved) = cell.with_untracked(|v| (v != now, !same_place(v, now)));
            if changed {
                cell.set(now.clone());
            }
            moved
        }
        (None, Some(now)) => {
            cells.update_value(|m| {
                m.insert(id, ArcRwSignal::new(now.clone()));
            });
            *set_changed = true;
            true
        }
        (Some(_), None) => {
            cells.update_value(|m| {
                m.remove(&id);
            });
            *set_changed = true;
            true
        }
        (None, None) => false,
    }
}

/// Every element: linear in the board, and still only the cells that differ are set.
fn diff_all<'a, K, V>(
    cells: Cells<K, V>,
    now: impl Iterator<Item = (&'a K, &'a V)>,
    contains: impl Fn(&K) -> bool,
    set_changed: &mut bool,
    same_place: impl Fn(&V, &V) -> bool + Copy,
) -> bool
where
    K: Eq + Hash + Copy + Send + Sync + 'static,
    V: Clone + PartialEq + Send + Sync + 'static,
{
    let mut moved = false;
    for (id, v) in now {
        moved |= diff_one(cells, *id, Some(v), set_changed, same_place);
    }
    let gone: Vec<K> = cells.with_value(|m| m.keys().filter(|id| !contains(id)).copied().collect());
    for id in gone {
        moved |= diff_one(cells, id, None, set_changed, same_place);
    }
    moved
}

/// Per-element UI state as one cell per element that asked for it. `set_all` replaces the
/// whole mapping but notifies only the elements whose value changed.
pub(crate) struct Keyed<K: Send + Sync + 'static, V: Send + Sync + 'static> {
    cells: Cells<K, V>,
    current: StoredValue<HashMap<K, V>>,
}

// Handles into the arena: copied whatever K and V are.
impl<K: Send + Sync + 'static, V: Send + Sync + 'static> Clone for Keyed<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: Send + Sync + 'static, V: Send + Sync + 'static> Copy for Keyed<K, V> {}

impl<K, V> Keyed<K, V>
where
    K: Eq + Hash + Copy + Send + Sync + 'static,
    V: Clone + PartialEq + Default + Send + Sync + 'static,
{
    pub fn new() -> Self {
        Keyed {
            cells: StoredValue::new(HashMap::new()),
            current: StoredValue::new(HashMap::new()),
        }
    }

    /// The value for `key`, tracked (the default when the key is not in the mapping).
    pub fn get(&self, key: K) -> V {
        let cell = self.cells.with_value(|m| m.get(&key).cloned());
        let cell = cell.unwrap_or_else(|| {
            let v = self
                .current
                .with_value(|c| c.get(&key).cloned())
                .unwrap_or_default();
            let cell = ArcRwSignal::new(v);
            self.cells.update_value(|m| {
                m.insert(key, cell.clone());
            });
            cell
        });
        cell.get()
    }

    pub fn get_untracked(&self, key: K) -> V {
        self.current
            .with_value(|c| c.get(&key).cloned())
            .unwrap_or_default()
    }

    pub fn set_all(&self, next: HashMap<K, V>) {
        let mut touched: Vec<K> = Vec::new();
        self.current.with_value(|old| {
            touched.extend(old.keys().filter(|k| old.get(*k) != next.get(*k)).copied());
            touched.extend(
                next.keys()
                    .filter(|k| !old.contains_key(*k) && next.get(*k) != Some(&V::default()))
                    .copied(),
            );
        });
        self.current.set_value(next);
        for key in touched {
            if let Some(cell) = self.cells.with_value(|m| m.get(&key).cloned()) {
                let v = self.get_untracked(key);
                if cell.with_untracked(|c| *c != v) {
                    cell.set(v);
                }
            }
        }
    }
}
