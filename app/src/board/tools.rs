//! What this user does on the wall: the tool in hand, the selection, and the gestures
//! (placing, dragging, resizing, connecting, panning) and keyboard shortcuts. Pointer
//! movements arrive in screen pixels and are turned into board units here, through the view.

use super::view::CARD_ZOOM;
use super::{palette, WallUi};
use crate::client::random_uuid;
use leptos::ev;
use leptos::prelude::*;
use std::collections::HashMap;
use stormwall_core::{Command, ConnectorId, FrameId, Position, Rect, Size, StickyId, StickyKind};

/// A press that moves less than this (screen pixels) is a click, not a drag.
const DRAG_THRESHOLD: f64 = 4.0;
/// A new bounded context's size.
const NEW_FRAME: Size = Size { w: 640, h: 400 };

/// What a press on the wall does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    Select,
    Place(StickyKind),
    Frame,
    Connect,
}

/// An ongoing drag of the selected stickies (delta in board units).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Drag {
    origins: Vec<(StickyId, Position)>,
    start: (f64, f64),
    delta: (i32, i32),
    moved: bool,
}

/// An ongoing resize of one sticky.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Resize {
    id: StickyId,
    start: (f64, f64),
    origin: Size,
    now: Size,
}

/// An ongoing move or resize of a frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct FrameDrag {
    id: FrameId,
    resize: bool,
    start: (f64, f64),
    origin: Rect,
    now: Rect,
    moved: bool,
}

impl WallUi {
    /// Where a sticky is drawn: dragged, resized, or stored (tracked, one cell each).
    pub(super) fn sticky_rect(&self, id: StickyId) -> Option<Rect> {
        if let Some(r) = self.preview.get(id) {
            return Some(r);
        }
        let cell = self.scene.sticky(id)?;
        let r = cell.with(|s| Rect::new(s.pos.x, s.pos.y, s.size.w, s.size.h));
        Some(r)
    }

    pub(super) fn sticky_rect_untracked(&self, id: StickyId) -> Option<Rect> {
        if let Some(r) = self.preview.get_untracked(id) {
            return Some(r);
        }
        self.with_board_untracked(|b| {
            b.and_then(|b| b.sticky(id))
                .map(|s| Rect::new(s.pos.x, s.pos.y, s.size.w, s.size.h))
        })
    }

    /// Stickies shown where they are being dragged or resized to, before the command goes.
    pub(super) fn update_preview(&self) {
        let mut next = HashMap::new();
        self.drag.with_untracked(|d| {
            if let Some(d) = d.as_ref().filter(|d| d.moved) {
                for (id, o) in &d.origins {
                    if let Some(r) = self.sticky_rect_stored(*id) {
                        next.insert(
                            *id,
                            Some(Rect::new(o.x + d.delta.0, o.y + d.delta.1, r.w, r.h)),
                        );
                    }
                }
            }
        });
        if let Some(r) = self.resize.get_untracked() {
            if let Some(stored) = self.sticky_rect_stored(r.id) {
                next.insert(r.id, Some(Rect::new(stored.x, stored.y, r.now.w, r.now.h)));
            }
        }
        self.preview.set_all(next);
    }

    fn sticky_rect_stored(&self, id: StickyId) -> Option<Rect> {
        self.with_board_untracked(|b| {
            b.and_then(|b| b.sticky(id))
                .map(|s| Rect::new(s.pos.x, s.pos.y, s.size.w, s.size.h))
        })
    }

    /// Places a sticky centred on the pointer and opens its editor when it arrives.
    pub(super) fn place(&self, kind: StickyKind, at: Position) {
        let id = StickyId(random_uuid());
        let size = kind.default_size();
        let pos = Position::new(at.x - size.w / 2, at.y - size.h / 2);
        let command = Command::AddSticky {
            id,
            kind,
            text: kind.placeholder().to_owned(),
            pos,
            size: None,
        };
        // Set first: the sticky is applied (and may be drawn) before `send` returns.
        self.client.edit_on_arrival.set(Some(id));
        if self.client.send(command).is_some() {
            self.select_only(Some(id));
        } else {
            self.client.edit_on_arrival.set(None);
        }
    }

    fn place_frame(&self, at: Position) {
        let id = FrameId(random_uuid());
        let command = Command::AddFrame {
            id,
            name: "Bounded context".into(),
            rect: Rect::new(at.x, at.y, NEW_FRAME.w, NEW_FRAME.h),
        };
        self.frame_edit_on_arrival.set(Some(id));
        if self.client.send(command).is_some() {
            self.tool.set(Tool::Select);
        } else {
            self.frame_edit_on_arrival.set(None);
        }
    }

    pub(super) fn select_only(&self, id: Option<StickyId>) {
        self.selected.set(id.into_iter().collect());
        self.selected_frame.set(None);
        self.selected_connector.set(None);
    }

    pub(super) fn clear_selection(&self) {
        self.select_only(None);
    }

    pub(super) fn delete_selection(&self) {
        let stickies = self.selected.get_untracked();
        if let Some(id) = self.selected_connector.get_untracked() {
            self.client.send(Command::DeleteConnector { id });
        } else if let Some(id) = self.selected_frame.get_untracked() {
            self.client.send(Command::DeleteFrame { id });
        } else if let [id] = stickies.as_slice() {
            self.client.send(Command::DeleteSticky { id: *id });
        } else if !stickies.is_empty() {
            self.client.send(Command::DeleteStickies { ids: stickies });
        } else {
            return;
        }
        self.clear_selection();
    }

    /// A press on a sticky (or, zoomed out, on its card): connect, add to the selection with
    /// Shift, or select and start dragging.
    pub(super) fn press_sticky(&self, id: StickyId, e: &ev::PointerEvent) {
        if self.tool.get_untracked() == Tool::Connect {
            match self.connect_from.get_untracked() {
                Some(from) if from != id => {
                    self.client.send(Command::AddConnector {
                        id: ConnectorId(random_uuid()),
                        from,
                        to: id,
                        label: None,
                    });
                    self.connect_from.set(None);
                }
                _ => self.connect_from.set(Some(id)),
            }
            return;
        }
        if e.shift_key() {
            self.selected_frame.set(None);
            self.selected_connector.set(None);
            self.selected.update(|s| {
                if let Some(i) = s.iter().position(|x| *x == id) {
                    s.remove(i);
                } else {
                    s.push(id);
                }
            });
            return;
        }
        if !self.selected.with_untracked(|s| s.contains(&id)) {
            self.select_only(Some(id));
        }
        let origins = self
            .selected
            .get_untracked()
            .into_iter()
            .filter_map(|s| {
                self.sticky_rect_untracked(s)
                    .map(|r| (s, Position::new(r.x, r.y)))
            })
            .collect();
        self.drag.set(Some(Drag {
            origins,
            start: (f64::from(e.client_x()), f64::from(e.client_y())),
            delta: (0, 0),
            moved: false,
        }));
    }

    pub(super) fn start_resize(&self, id: StickyId, e: &ev::PointerEvent) {
        let Some(r) = self.sticky_rect_untracked(id) else {
            return;
        };
        let size = Size::new(r.w, r.h);
        self.resize.set(Some(Resize {
            id,
            start: (f64::from(e.client_x()), f64::from(e.client_y())),
            origin: size,
            now: size,
        }));
    }

    pub(super) fn start_frame_drag(
        &self,
        id: FrameId,
        rect: Rect,
        resize: bool,
        e: &ev::PointerEvent,
    ) {
        self.selected.set(Vec::new());
        self.selected_connector.set(None);
        self.selected_frame.set(Some(id));
        self.frame_drag.set(Some(FrameDrag {
            id,
            resize,
            start: (f64::from(e.client_x()), f64::from(e.client_y())),
            origin: rect,
            now: rect,
            moved: false,
        }));
    }

    /// A frame's rectangle while it is being moved or resized.
    pub(super) fn frame_preview(&self, id: FrameId) -> Option<Rect> {
        self.frame_drag
            .with(|d| d.filter(|d| d.id == id && d.moved).map(|d| d.now))
    }

    /// The topmost sticky under a board point (the zoomed-out cards are not elements).
    fn sticky_at(&self, at: Position) -> Option<StickyId> {
        self.with_board_untracked(|b| {
            b?.stickies
                .values()
                .rev()
                .find(|s| {
                    at.x >= s.pos.x
                        && at.y >= s.pos.y
                        && at.x < s.pos.x + s.size.w
                        && at.y < s.pos.y + s.size.h
                })
                .map(|s| s.id)
        })
    }
}

/// A press on the wall itself (not on an element, or on a zoomed-out card).
pub(super) fn on_wall_pointerdown(ui: WallUi, e: ev::PointerEvent) {
    if ui.is_pan_gesture(&e) {
        ui.start_pan(&e);
        return;
    }
    if e.button() != 0 || ui.read_only() {
        return;
    }
    let at = ui.board_pos(e.client_x(), e.client_y());
    match (ui.tool.get_untracked(), at) {
        (Tool::Place(kind), Some(at)) => {
            // The sticky (and its focused editor) appears under the pointer at once: the
            // rest of this click must not move the focus away from it.
            e.prevent_default();
            ui.place(kind, at);
            if !e.shift_key() {
                ui.tool.set(Tool::Select);
            }
        }
        (Tool::Frame, Some(at)) => {
            e.prevent_default();
            ui.place_frame(at)
        }
        (_, Some(at)) if ui.camera.get_untracked().zoom < CARD_ZOOM => match ui.sticky_at(at) {
            Some(id) => ui.press_sticky(id, &e),
            None if ui.tool.get_untracked() == Tool::Connect => ui.connect_from.set(None),
            None => ui.clear_selection(),
        },
        (Tool::Connect, _) => ui.connect_from.set(None),
        _ => ui.clear_selection(),
    }
}

pub(super) fn on_drop(ui: WallUi, e: ev::DragEvent) {
    e.prevent_default();
    if ui.read_only() {
        return;
    }
    let kind = e
        .data_transfer()
        .and_then(|dt| dt.get_data("text/plain").ok())
        .and_then(|k| k.parse::<StickyKind>().ok());
    if let (Some(kind), Some(at)) = (kind, ui.board_pos(e.client_x(), e.client_y())) {
        ui.place(kind, at);
    }
}

/// Dragging follows the pointer anywhere on the page, not only over what is dragged.
pub(super) fn on_pointermove(ui: WallUi, e: ev::PointerEvent) {
    let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
    ui.client.share_presence(
        ui.board_pos(e.client_x(), e.client_y()),
        ui.editing.get_untracked(),
    );
    if ui.pan_to(x, y) {
        return;
    }
    if let Some(mut d) = ui.drag.get_untracked() {
        let (dx, dy) = (x - d.start.0, y - d.start.1);
        if !d.moved && dx.abs() + dy.abs() < DRAG_THRESHOLD {
            return;
        }
        d.moved = true;
        d.delta = ui.board_delta(dx, dy);
        ui.drag.set(Some(d));
        ui.update_preview();
    } else if let Some(mut r) = ui.resize.get_untracked() {
        let (dx, dy) = ui.board_delta(x - r.start.0, y - r.start.1);
        r.now = Size::new(
            (r.origin.w + dx).clamp(60, 1000),
            (r.origin.h + dy).clamp(40, 1000),
        );
        ui.resize.set(Some(r));
        ui.update_preview();
    } else if let Some(mut f) = ui.frame_drag.get_untracked() {
        if !f.moved && (x - f.start.0).abs() + (y - f.start.1).abs() < DRAG_THRESHOLD {
            return;
        }
        let (dx, dy) = ui.board_delta(x - f.start.0, y - f.start.1);
        f.moved = true;
        f.now = if f.resize {
            Rect::new(
                f.origin.x,
                f.origin.y,
                (f.origin.w + dx).max(120),
                (f.origin.h + dy).max(80),
            )
        } else {
            Rect::new(f.origin.x + dx, f.origin.y + dy, f.origin.w, f.origin.h)
        };
        ui.frame_drag.set(Some(f));
    }
}

pub(super) fn on_pointerup(ui: WallUi) {
    ui.pan.set(None);
    if let Some(d) = ui.drag.get_untracked() {
        ui.drag.set(None);
        if d.moved && d.delta != (0, 0) {
            let moves = d
                .origins
                .iter()
                .map(|(id, o)| (*id, Position::new(o.x + d.delta.0, o.y + d.delta.1)))
                .collect();
            ui.client.move_stickies(moves);
        }
    }
    if let Some(r) = ui.resize.get_untracked() {
        ui.resize.set(None);
        if r.now != r.origin {
            ui.client.send(Command::ResizeSticky {
                id: r.id,
                size: r.now,
            });
        }
    }
    // After the command: the sticky stays where it was dropped (the command applied it).
    ui.update_preview();
    if let Some(f) = ui.frame_drag.get_untracked() {
        ui.frame_drag.set(None);
        if f.moved && f.now != f.origin {
            ui.client.send(Command::ReshapeFrame {
                id: f.id,
                rect: f.now,
            });
        }
    }
}

pub(super) fn on_keyup(ui: WallUi, e: ev::KeyboardEvent) {
    if e.key() == " " && ui.space.get_untracked() {
        // Not also a click on whatever button has the focus.
        e.prevent_default();
        ui.space.set(false);
    }
}

pub(super) fn on_key(ui: WallUi, e: ev::KeyboardEvent) {
    // Typing in a field is never a shortcut.
    let in_field = e
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .map(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
        .unwrap_or(false);
    if in_field || ui.editing.get_untracked().is_some() {
        return;
    }
    let key = e.key();
    let modifier = e.ctrl_key() || e.meta_key();
    if modifier {
        match key.to_lowercase().as_str() {
            // Not on a read-only wall (nothing of this user's to undo; the keys do nothing).
            "z" | "y" if ui.read_only() => {}
            "z" if e.shift_key() => ui.client.redo(),
            "z" => ui.client.undo(),
            "y" => ui.client.redo(),
            // The browser's own page zoom would scale the toolbars too: zoom the wall.
            "=" | "+" => ui.zoom_step(true),
            "-" => ui.zoom_step(false),
            "0" => ui.zoom_to(1.0),
            _ => return,
        }
        e.prevent_default();
        return;
    }
    if key == "?" {
        ui.legend.update(|l| *l = !*l);
        return;
    }
    if key == "Escape" {
        ui.tool.set(Tool::Select);
        ui.connect_from.set(None);
        ui.legend.set(false);
        ui.clear_selection();
        return;
    }
    if e.alt_key() {
        return;
    }
    // Looking around works on a read-only (history) wall too.
    let nothing_selected = ui.selected.with_untracked(|s| s.is_empty())
        && ui.selected_frame.get_untracked().is_none()
        && ui.selected_connector.get_untracked().is_none();
    match key.as_str() {
        " " => {
            e.prevent_default();
            ui.space.set(true);
            return;
        }
        "+" | "=" => return ui.zoom_step(true),
        "-" | "_" => return ui.zoom_step(false),
        "0" => return ui.zoom_to(1.0),
        "1" => return ui.fit_board(),
        "2" => return ui.fit_selection(),
        "m" | "M" => return ui.minimap.update(|m| *m = !*m),
        k if nothing_selected && ui.key_pan(k) => {
            e.prevent_default();
            return;
        }
        _ => {}
    }
    if ui.read_only() {
        return;
    }
    match key.as_str() {
        "Delete" | "Backspace" => {
            e.prevent_default();
            ui.delete_selection();
        }
        "Enter" => {
            if let [id] = ui.selected.get_untracked().as_slice() {
                e.prevent_default();
                ui.editing.set(Some(*id));
            }
        }
        k => {
            if let Some(tool) = palette::tool_for_key(k) {
                ui.tool
                    .update(|t| *t = if *t == tool { Tool::Select } else { tool });
                ui.connect_from.set(None);
            }
        }
    }
}
