//! The view of the wall: which board point sits at the screen's top-left and how far the wall
//! is zoomed. Screen and board coordinates, zoom and pan gestures, fitting, the zoom control,
//! and the view each browser remembers per board.
//!
//! Board coordinates are world coordinates: any integer, negative ones included. Everything
//! on the wall is positioned at its board coordinates inside one transformed layer, so a pan
//! or a zoom changes one CSS transform, never the elements.

use super::WallUi;
use leptos::ev;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use stormwall_core::{Board, Position, Rect};

pub const MIN_ZOOM: f64 = 0.05;
pub const MAX_ZOOM: f64 = 4.0;
/// Below this zoom a sticky's text is too small to read: stickies become plain coloured cards
/// drawn on one canvas (level of detail).
pub const CARD_ZOOM: f64 = 0.4;
/// The steps of `+` and `-` and of the zoom control's buttons.
const STEPS: [f64; 15] = [
    0.05, 0.1, 0.15, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0,
];
/// Room left around what is fitted, in screen pixels.
const FIT_MARGIN: f64 = 48.0;
/// How far an arrow key pans, in screen pixels.
const KEY_PAN: f64 = 120.0;

/// Where the screen looks: the board point at the viewport's top-left, and the zoom (screen
/// pixels per board unit).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Camera {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera {
            x: 0.0,
            y: 0.0,
            zoom: 1.0,
        }
    }
}

pub fn clamp_zoom(zoom: f64) -> f64 {
    if zoom.is_finite() {
        zoom.clamp(MIN_ZOOM, MAX_ZOOM)
    } else {
        1.0
    }
}

impl Camera {
    /// The board point under a point of the viewport (in screen pixels from its top-left).
    pub fn to_board(self, sx: f64, sy: f64) -> (f64, f64) {
        (self.x + sx / self.zoom, self.y + sy / self.zoom)
    }

    pub fn to_screen(self, bx: f64, by: f64) -> (f64, f64) {
        ((bx - self.x) * self.zoom, (by - self.y) * self.zoom)
    }

    /// Zoomed to `zoom` (clamped) with the board point under `(sx, sy)` staying put.
    pub fn zoomed_at(self, sx: f64, sy: f64, zoom: f64) -> Camera {
        let zoom = clamp_zoom(zoom);
        let (bx, by) = self.to_board(sx, sy);
        Camera {
            x: bx - sx / zoom,
            y: by - sy / zoom,
            zoom,
        }
    }

    /// Moved by a distance on screen (the content moves the other way).
    pub fn panned(self, dx: f64, dy: f64) -> Camera {
        Camera {
            x: self.x + dx / self.zoom,
            y: self.y + dy / self.zoom,
            ..self
        }
    }

    /// The next zoom step in (`up`) or out from the current zoom.
    pub fn step(self, up: bool) -> f64 {
        let z = self.zoom;
        let next = if up {
            STEPS.iter().copied().find(|s| *s > z * 1.001)
        } else {
            STEPS.iter().rev().copied().find(|s| *s < z / 1.001)
        };
        next.unwrap_or(z)
    }

    /// The board area on screen, as (left, top, right, bottom).
    pub fn visible(self, w: f64, h: f64) -> (f64, f64, f64, f64) {
        (
            self.x,
            self.y,
            self.x + w / self.zoom,
            self.y + h / self.zoom,
        )
    }

    /// The view that shows `area` whole in a viewport of `w` × `h`, centred, at most at
    /// `max_zoom`.
    pub fn fit(area: Rect, w: f64, h: f64, max_zoom: f64) -> Camera {
        let (aw, ah) = (f64::from(area.w.max(1)), f64::from(area.h.max(1)));
        let zoom = clamp_zoom(
            ((w - 2.0 * FIT_MARGIN).max(1.0) / aw)
                .min((h - 2.0 * FIT_MARGIN).max(1.0) / ah)
                .min(max_zoom),
        );
        let (cx, cy) = (f64::from(area.x) + aw / 2.0, f64::from(area.y) + ah / 2.0);
        Camera {
            x: cx - w / 2.0 / zoom,
            y: cy - h / 2.0 / zoom,
            zoom,
        }
    }

    /// The CSS transform of the board layer.
    pub fn transform(self) -> String {
        format!(
            "translate({:.2}px, {:.2}px) scale({})",
            -self.x * self.zoom,
            -self.y * self.zoom,
            self.zoom
        )
    }
}

/// The smallest rectangle around everything on the board (`None` when it is empty).
pub fn content_bounds(board: &Board) -> Option<Rect> {
    let rects = board
        .stickies
        .values()
        .map(|s| Rect::new(s.pos.x, s.pos.y, s.size.w, s.size.h))
        .chain(board.frames.values().map(|f| f.rect));
    bounds(rects)
}

pub fn bounds(rects: impl IntoIterator<Item = Rect>) -> Option<Rect> {
    let mut it = rects.into_iter();
    let first = it.next()?;
    let (mut x0, mut y0) = (i64::from(first.x), i64::from(first.y));
    let (mut x1, mut y1) = (x0 + i64::from(first.w), y0 + i64::from(first.h));
    for r in it {
        x0 = x0.min(i64::from(r.x));
        y0 = y0.min(i64::from(r.y));
        x1 = x1.max(i64::from(r.x) + i64::from(r.w));
        y1 = y1.max(i64::from(r.y) + i64::from(r.h));
    }
    let clip = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    Some(Rect::new(clip(x0), clip(y0), clip(x1 - x0), clip(y1 - y0)))
}

/// The view of a fresh visit: the board as it is at 100 % when it already fits the screen
/// from the origin, else the whole board fitted.
pub fn first_view(board: &Board, w: f64, h: f64) -> Camera {
    match content_bounds(board) {
        None => Camera::default(),
        Some(r)
            if r.x >= 0 && r.y >= 0 && f64::from(r.x + r.w) <= w && f64::from(r.y + r.h) <= h =>
        {
            Camera::default()
        }
        Some(r) => Camera::fit(r, w, h, 1.0),
    }
}

impl WallUi {
    /// The viewport's size in screen pixels.
    fn viewport_rect(&self) -> Option<web_sys::DomRect> {
        Some(self.viewport.get_untracked()?.get_bounding_client_rect())
    }

    /// Measures the viewport again (on mount and when the window is resized).
    pub(super) fn measure(&self) {
        if let Some(r) = self.viewport_rect() {
            let size = (r.width(), r.height());
            if self.viewport_size.get_untracked() != size {
                self.viewport_size.set(size);
            }
        }
    }

    /// Viewport coordinates of a pointer.
    pub(super) fn screen_pos(&self, client_x: i32, client_y: i32) -> Option<(f64, f64)> {
        let r = self.viewport_rect()?;
        Some((
            f64::from(client_x) - r.left(),
            f64::from(client_y) - r.top(),
        ))
    }

    /// Board coordinates under a pointer.
    pub(super) fn board_pos(&self, client_x: i32, client_y: i32) -> Option<Position> {
        let (sx, sy) = self.screen_pos(client_x, client_y)?;
        let (bx, by) = self.camera.get_untracked().to_board(sx, sy);
        Some(Position::new(bx.round() as i32, by.round() as i32))
    }

    /// A distance the pointer moved on screen, in board units.
    pub(super) fn board_delta(&self, dx: f64, dy: f64) -> (i32, i32) {
        let z = self.camera.get_untracked().zoom;
        ((dx / z).round() as i32, (dy / z).round() as i32)
    }

    pub(super) fn set_camera(&self, camera: Camera) {
        let camera = Camera {
            zoom: clamp_zoom(camera.zoom),
            x: if camera.x.is_finite() { camera.x } else { 0.0 },
            y: if camera.y.is_finite() { camera.y } else { 0.0 },
        };
        if self.camera.get_untracked() != camera {
            self.camera.set(camera);
        }
    }

    /// Zooms to `zoom` around the viewport's centre.
    pub(super) fn zoom_to(&self, zoom: f64) {
        let (w, h) = self.viewport_size.get_untracked();
        let cam = self.camera.get_untracked();
        self.set_camera(cam.zoomed_at(w / 2.0, h / 2.0, zoom));
    }

    pub(super) fn zoom_step(&self, up: bool) {
        self.zoom_to(self.camera.get_untracked().step(up));
    }

    /// Fits an area of the board to the screen (up to 100 %).
    pub(super) fn fit(&self, area: Option<Rect>) {
        let (w, h) = self.viewport_size.get_untracked();
        match area {
            Some(area) if w > 0.0 && h > 0.0 => self.set_camera(Camera::fit(area, w, h, 1.0)),
            _ => self.set_camera(Camera::default()),
        }
    }

    pub(super) fn fit_board(&self) {
        let area = self.with_board_untracked(|b| b.and_then(content_bounds));
        self.fit(area);
    }

    pub(super) fn fit_selection(&self) {
        let ids = self.selected.get_untracked();
        if ids.is_empty() {
            if let Some(f) = self.selected_frame.get_untracked() {
                let rect =
                    self.with_board_untracked(|b| b.and_then(|b| b.frames.get(&f)).map(|f| f.rect));
                self.fit(rect);
            }
            return;
        }
        let area = bounds(
            ids.into_iter()
                .filter_map(|id| self.sticky_rect_untracked(id)),
        );
        self.fit(area);
    }

    /// Arrow keys pan when nothing is selected.
    pub(super) fn key_pan(&self, key: &str) -> bool {
        let (dx, dy) = match key {
            "ArrowLeft" => (-KEY_PAN, 0.0),
            "ArrowRight" => (KEY_PAN, 0.0),
            "ArrowUp" => (0.0, -KEY_PAN),
            "ArrowDown" => (0.0, KEY_PAN),
            _ => return false,
        };
        self.set_camera(self.camera.get_untracked().panned(dx, dy));
        true
    }

    /// The wheel: Ctrl/Cmd + wheel and trackpad pinch (which the browser reports as a wheel
    /// with Ctrl) zoom around the pointer; a plain wheel or two-finger swipe pans.
    pub(super) fn on_wheel(&self, e: &ev::WheelEvent) {
        e.prevent_default();
        // Lines or pages (some mice) to pixels.
        let unit = match e.delta_mode() {
            1 => 16.0,
            2 => self.viewport_size.get_untracked().1,
            _ => 1.0,
        };
        let (dx, dy) = (e.delta_x() * unit, e.delta_y() * unit);
        let cam = self.camera.get_untracked();
        if e.ctrl_key() || e.meta_key() {
            let Some((sx, sy)) = self.screen_pos(e.client_x(), e.client_y()) else {
                return;
            };
            let factor = (-dy * 0.0025).clamp(-0.5, 0.5).exp();
            self.set_camera(cam.zoomed_at(sx, sy, cam.zoom * factor));
        } else if e.shift_key() && dx == 0.0 {
            self.set_camera(cam.panned(dy, 0.0));
        } else {
            self.set_camera(cam.panned(dx, dy));
        }
    }

    /// Space held or the middle button: the press pans the wall whatever is under it.
    pub(super) fn is_pan_gesture(&self, e: &ev::PointerEvent) -> bool {
        e.button() == 1 || (e.button() == 0 && self.space.get_untracked())
    }

    pub(super) fn start_pan(&self, e: &ev::PointerEvent) {
        e.prevent_default();
        self.pan.set(Some(PanDrag {
            start: (f64::from(e.client_x()), f64::from(e.client_y())),
            camera: self.camera.get_untracked(),
        }));
    }

    /// Follows the pointer during a pan; false when no pan is going on.
    pub(super) fn pan_to(&self, x: f64, y: f64) -> bool {
        let Some(p) = self.pan.get_untracked() else {
            return false;
        };
        self.set_camera(p.camera.panned(p.start.0 - x, p.start.1 - y));
        true
    }
}

/// Measures the wall again whenever its size changes (the window, a side panel).
pub(super) fn observe_size(ui: WallUi, el: &web_sys::HtmlDivElement) {
    ui.measure();
    #[cfg(feature = "hydrate")]
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let alive = Arc::new(AtomicBool::new(true));
        let flag = alive.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            if flag.load(Ordering::Relaxed) {
                ui.measure();
            }
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(el);
        }
        // The observer lives as long as the element; the page's cleanup silences it.
        callback.forget();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = el;
}

/// An ongoing pan by dragging.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PanDrag {
    start: (f64, f64),
    camera: Camera,
}

#[cfg(feature = "hydrate")]
fn view_key(board: stormwall_core::BoardId) -> String {
    format!("stormwall.view.{board}")
}

/// The view this browser last had of the board.
pub(super) fn stored_view(board: stormwall_core::BoardId) -> Option<Camera> {
    #[cfg(feature = "hydrate")]
    {
        let json = window()
            .local_storage()
            .ok()
            .flatten()?
            .get_item(&view_key(board))
            .ok()
            .flatten()?;
        let cam: Camera = serde_json::from_str(&json).ok()?;
        (cam.x.is_finite() && cam.y.is_finite() && cam.zoom.is_finite()).then_some(Camera {
            zoom: clamp_zoom(cam.zoom),
            ..cam
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = board;
        None
    }
}

pub(super) fn store_view(board: stormwall_core::BoardId, camera: Camera) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = window().local_storage().ok().flatten() {
        if let Ok(json) = serde_json::to_string(&camera) {
            let _ = storage.set_item(&view_key(board), &json);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (board, camera);
}

/// The zoom level in a corner: out, the level (click: 100 %), in, and fit.
#[component]
pub(super) fn ZoomControl() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    // Not re-rendered by a pan.
    let zoom = Memo::new(move |_| ui.camera.with(|c| c.zoom));
    let zoom = move || zoom.get();
    view! {
        <div class="zoom-control" on:pointerdown=|e: ev::PointerEvent| e.stop_propagation()>
            <button class="zoom-out" title="Zoom out (-)" on:click=move |_| ui.zoom_step(false)>
                "−"
            </button>
            <button
                class="zoom-level"
                title="Zoom to 100 % (0)"
                data-zoom=move || format!("{:.4}", zoom())
                on:click=move |_| ui.zoom_to(1.0)
            >
                {move || format!("{:.0} %", zoom() * 100.0)}
            </button>
            <button class="zoom-in" title="Zoom in (+)" on:click=move |_| ui.zoom_step(true)>
                "+"
            </button>
            <button class="zoom-fit" title="Fit the whole board (1)" on:click=move |_| ui.fit_board()>
                "Fit"
            </button>
            <button
                class="minimap-toggle"
                class:on=move || ui.minimap.get()
                title="Minimap (M)"
                on:click=move |_| ui.minimap.update(|m| *m = !*m)
            >
                "Map"
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6
    }

    #[test]
    fn screen_and_board_coordinates_are_inverse_at_any_zoom_and_anywhere() {
        for zoom in [0.05, 0.25, 1.0, 2.0, 4.0] {
            let cam = Camera {
                x: -5000.5,
                y: 300.0,
                zoom,
            };
            let b = cam.to_board(123.0, 456.0);
            assert!(close(cam.to_screen(b.0, b.1), (123.0, 456.0)));
        }
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let cam = Camera {
            x: -200.0,
            y: -100.0,
            zoom: 1.0,
        };
        let before = cam.to_board(300.0, 200.0);
        let zoomed = cam.zoomed_at(300.0, 200.0, 0.25);
        assert_eq!(zoomed.zoom, 0.25);
        assert!(close(zoomed.to_board(300.0, 200.0), before));
    }

    #[test]
    fn zoom_is_kept_between_5_and_400_percent() {
        let cam = Camera::default();
        assert_eq!(cam.zoomed_at(0.0, 0.0, 0.001).zoom, MIN_ZOOM);
        assert_eq!(cam.zoomed_at(0.0, 0.0, 99.0).zoom, MAX_ZOOM);
        assert_eq!(cam.zoomed_at(0.0, 0.0, f64::NAN).zoom, 1.0);
    }

    #[test]
    fn steps_go_through_100_percent_and_stop_at_the_ends() {
        let cam = Camera::default();
        assert_eq!(cam.step(true), 1.25);
        assert_eq!(cam.step(false), 0.8);
        let min = Camera {
            zoom: MIN_ZOOM,
            ..cam
        };
        assert_eq!(min.step(false), MIN_ZOOM);
    }

    #[test]
    fn fit_shows_the_whole_area_centred() {
        let area = Rect::new(-10_000, -2_000, 20_000, 4_000);
        let cam = Camera::fit(area, 1400.0, 900.0, 1.0);
        let (l, t, r, b) = cam.visible(1400.0, 900.0);
        assert!(l <= -10_000.0 && r >= 10_000.0 && t <= -2_000.0 && b >= 2_000.0);
        assert!(close(((l + r) / 2.0, (t + b) / 2.0), (0.0, 0.0)));
        // A small area is shown at 100 %, not blown up.
        assert_eq!(
            Camera::fit(Rect::new(0, 0, 100, 100), 1400.0, 900.0, 1.0).zoom,
            1.0
        );
    }

    #[test]
    fn bounds_cover_negative_and_far_coordinates() {
        let r = bounds([Rect::new(-50, -60, 10, 10), Rect::new(100, 200, 20, 30)]).unwrap();
        assert_eq!(r, Rect::new(-50, -60, 170, 290));
        assert_eq!(bounds([]), None);
    }
}
