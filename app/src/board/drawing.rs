//! Drawings of the whole board on canvases: the zoomed-out wall, where stickies are plain
//! coloured cards (text would be unreadable, and thousands of elements would be noise), and
//! the minimap. One canvas each, redrawn in one pass, instead of an element per sticky.

use super::view::{content_bounds, CARD_ZOOM};
use super::WallUi;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use std::collections::HashSet;
#[cfg(feature = "hydrate")]
use stormwall_core::{Board, StickyKind};
use stormwall_core::{Rect, StickyId};

/// The minimap's size on screen.
const MAP_W: f64 = 240.0;
const MAP_H: f64 = 150.0;

/// Each kind's cards as one path: eight fills for the whole board, not one per sticky.
#[cfg(feature = "hydrate")]
fn fill_cards(
    ctx: &web_sys::CanvasRenderingContext2d,
    board: &Board,
    wanted: impl Fn(&stormwall_core::Sticky) -> bool,
    rect_of: impl Fn(&stormwall_core::Sticky) -> Rect,
    min_size: f64,
) {
    for kind in StickyKind::ALL {
        ctx.begin_path();
        let mut any = false;
        for s in board
            .stickies
            .values()
            .filter(|s| s.kind == kind && wanted(s))
        {
            add_rect(ctx, rect_of(s), min_size);
            any = true;
        }
        if any {
            ctx.set_fill_style_str(kind.colour());
            ctx.fill();
        }
    }
}

/// A rectangle added to the current path, at least `min_size` wide and high.
#[cfg(feature = "hydrate")]
fn add_rect(ctx: &web_sys::CanvasRenderingContext2d, r: Rect, min_size: f64) {
    ctx.rect(
        f64::from(r.x),
        f64::from(r.y),
        f64::from(r.w).max(min_size),
        f64::from(r.h).max(min_size),
    );
}

#[cfg(feature = "hydrate")]
fn context_2d(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    use wasm_bindgen::JsCast;
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// Sizes a canvas for the screen's pixel density; returns that density.
#[cfg(feature = "hydrate")]
fn fit_canvas(canvas: &web_sys::HtmlCanvasElement, w: f64, h: f64) -> f64 {
    let dpr = window().device_pixel_ratio().max(1.0);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw {
        canvas.set_width(pw);
    }
    if canvas.height() != ph {
        canvas.set_height(ph);
    }
    dpr
}

/// Arrows as thin lines and stickies as cards, in board units on a context scaled by `z`
/// device pixels per unit; only what meets `view` (left, top, right, bottom) when given.
#[cfg(feature = "hydrate")]
fn draw_board(
    ctx: &web_sys::CanvasRenderingContext2d,
    board: &Board,
    rect_of: impl Fn(&stormwall_core::Sticky) -> Rect + Copy,
    z: f64,
    view: Option<(f64, f64, f64, f64)>,
) {
    let meets = |r: Rect| {
        view.is_none_or(|(l, t, rr, b)| {
            f64::from(r.x) < rr
                && f64::from(r.y) < b
                && f64::from(r.x + r.w) > l
                && f64::from(r.y + r.h) > t
        })
    };
    ctx.begin_path();
    for c in board.connectors.values() {
        let (Some(a), Some(b)) = (board.sticky(c.from), board.sticky(c.to)) else {
            continue;
        };
        let (a, b) = (rect_of(a), rect_of(b));
        if !meets(a) && !meets(b) && view.is_some() {
            continue;
        }
        ctx.move_to(
            f64::from(a.x) + f64::from(a.w) / 2.0,
            f64::from(a.y) + f64::from(a.h) / 2.0,
        );
        ctx.line_to(
            f64::from(b.x) + f64::from(b.w) / 2.0,
            f64::from(b.y) + f64::from(b.h) / 2.0,
        );
    }
    ctx.set_stroke_style_str("rgba(59, 66, 82, 0.55)");
    ctx.set_line_width(1.5 / z);
    ctx.stroke();
    // At least two device pixels, however far out.
    fill_cards(ctx, board, |s| meets(rect_of(s)), rect_of, 2.0 / z);
}

/// The zoomed-out board drawn once, at `scale` device pixels per board unit, its top-left
/// corner at board point (`x`, `y`).
#[cfg(feature = "hydrate")]
struct CardCache {
    canvas: web_sys::HtmlCanvasElement,
    x: f64,
    y: f64,
    scale: f64,
    version: u64,
}

#[cfg(feature = "hydrate")]
impl CardCache {
    /// Larger pictures cost more to keep than to draw anew.
    const MAX_SIDE: f64 = 4096.0;

    fn build(board: &Board, z: f64, version: u64) -> Option<CardCache> {
        use wasm_bindgen::JsCast;
        let area = content_bounds(board)?;
        let (w, h) = (
            f64::from(area.w.max(1)) + 8.0,
            f64::from(area.h.max(1)) + 8.0,
        );
        let scale = z.min(Self::MAX_SIDE / w).min(Self::MAX_SIDE / h);
        if z > scale * 1.25 {
            return None; // too coarse to stand for this zoom: drawn directly
        }
        let canvas: web_sys::HtmlCanvasElement =
            document().create_element("canvas").ok()?.dyn_into().ok()?;
        canvas.set_width((w * scale).ceil() as u32);
        canvas.set_height((h * scale).ceil() as u32);
        let ctx = context_2d(&canvas)?;
        let (x, y) = (f64::from(area.x) - 4.0, f64::from(area.y) - 4.0);
        let _ = ctx.set_transform(scale, 0.0, 0.0, scale, -x * scale, -y * scale);
        let stored = |s: &stormwall_core::Sticky| Rect::new(s.pos.x, s.pos.y, s.size.w, s.size.h);
        draw_board(&ctx, board, stored, scale, None);
        Some(CardCache {
            canvas,
            x,
            y,
            scale,
            version,
        })
    }
}

/// The wall zoomed out below [`CARD_ZOOM`]: every sticky a card, every arrow a thin line.
#[component]
pub(super) fn Cards() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let canvas = NodeRef::<html::Canvas>::new();
    let cards = Memo::new(move |_| ui.camera.with(|c| c.zoom < CARD_ZOOM));
    #[cfg(feature = "hydrate")]
    let cache = StoredValue::new_local(None::<CardCache>);
    // Zoomed in: the stickies on screen that are not elements yet (they come a few per frame).
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let waiting = Memo::new(move |_| {
        if cards.get() {
            return Vec::new();
        }
        let mounted: HashSet<StickyId> = ui.mounted.with(|m| m.iter().copied().collect());
        ui.wanted.with(|w| {
            w.iter()
                .copied()
                .filter(|id| !mounted.contains(id))
                .collect::<Vec<_>>()
        })
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |prev: Option<bool>| {
        let Some(canvas) = canvas.get() else {
            return false;
        };
        let all = cards.get();
        let waiting = waiting.get();
        // Nothing to draw, and nothing drawn: a pan costs nothing here.
        if !all && waiting.is_empty() && prev == Some(false) {
            return false;
        }
        let cam = ui.camera.get();
        let (w, h) = ui.viewport_size.get();
        ui.scene.version.track();
        ui.drag.track();
        ui.selected.track();
        let Some(ctx) = context_2d(&canvas) else {
            return false;
        };
        let dpr = fit_canvas(&canvas, w, h);
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, w * dpr, h * dpr);
        let z = cam.zoom * dpr;
        let _ = ctx.set_transform(z, 0.0, 0.0, z, -cam.x * z, -cam.y * z);
        let selected = ui.selected.get_untracked();
        ui.with_board_untracked(|board| {
            let Some(board) = board else { return };
            let rect_of = |s: &stormwall_core::Sticky| {
                ui.preview
                    .get_untracked(s.id)
                    .unwrap_or(Rect::new(s.pos.x, s.pos.y, s.size.w, s.size.h))
            };
            if !all {
                let waiting: HashSet<StickyId> = waiting.iter().copied().collect();
                fill_cards(&ctx, board, |s| waiting.contains(&s.id), rect_of, 0.0);
                return;
            }
            // Far out, the whole board is on screen and its drawing only changes with the
            // board: it is drawn once into a picture that every frame of a zoom or pan blits.
            let moving = ui.drag.with_untracked(|d| d.is_some())
                || ui.resize.with_untracked(|r| r.is_some());
            let version = ui.scene.version.get_untracked();
            let fresh = |c: &CardCache| c.version == version && z <= c.scale * 1.25;
            if !moving && !cache.with_value(|c| c.as_ref().is_some_and(fresh)) {
                let built = CardCache::build(board, z, version);
                cache.set_value(built);
            }
            let blitted = !moving
                && cache.with_value(|c| match c.as_ref().filter(|c| fresh(c)) {
                    Some(c) => {
                        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
                        let k = z / c.scale;
                        let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                            &c.canvas,
                            (c.x - cam.x) * z,
                            (c.y - cam.y) * z,
                            f64::from(c.canvas.width()) * k,
                            f64::from(c.canvas.height()) * k,
                        );
                        let _ = ctx.set_transform(z, 0.0, 0.0, z, -cam.x * z, -cam.y * z);
                        true
                    }
                    None => false,
                });
            if !blitted {
                let view = cam.visible(w, h);
                draw_board(&ctx, board, rect_of, z, Some(view));
            }
            ctx.begin_path();
            for id in &selected {
                if let Some(s) = board.sticky(*id) {
                    add_rect(&ctx, rect_of(s), 0.0);
                }
            }
            ctx.set_stroke_style_str("#3d5afe");
            ctx.set_line_width(3.0 / z * dpr);
            ctx.stroke();
        });
        true
    });
    view! {
        <canvas
            class="cards-canvas"
            node_ref=canvas
            aria-hidden="true"
        ></canvas>
    }
}

/// How the minimap maps the board: the area it shows and its scale.
#[derive(Clone, Copy, Debug, PartialEq)]
struct MapFrame {
    x: f64,
    y: f64,
    scale: f64,
}

impl MapFrame {
    fn of(content: Option<Rect>) -> MapFrame {
        let r = content.unwrap_or(Rect::new(0, 0, 2400, 1200));
        let (w, h) = (f64::from(r.w.max(1)), f64::from(r.h.max(1)));
        // A margin of a tenth, and the board centred.
        let scale = (MAP_W / (w * 1.2)).min(MAP_H / (h * 1.2));
        MapFrame {
            x: f64::from(r.x) + w / 2.0 - MAP_W / 2.0 / scale,
            y: f64::from(r.y) + h / 2.0 - MAP_H / 2.0 / scale,
            scale,
        }
    }

    fn to_map(self, bx: f64, by: f64) -> (f64, f64) {
        ((bx - self.x) * self.scale, (by - self.y) * self.scale)
    }

    fn to_board(self, mx: f64, my: f64) -> (f64, f64) {
        (self.x + mx / self.scale, self.y + my / self.scale)
    }
}

/// The whole board in miniature (M): frames, stickies as coloured dots, other people's
/// pointers, and this view as a rectangle to drag.
#[component]
pub(super) fn Minimap() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let canvas = NodeRef::<html::Canvas>::new();
    // The map's frame holds still while its rectangle is dragged.
    let dragging: RwSignal<Option<(f64, f64)>> = RwSignal::new(None);
    let frame = Memo::new(move |prev: Option<&MapFrame>| {
        ui.scene.layout.track();
        if let (Some(prev), true) = (prev, dragging.with(|d| d.is_some())) {
            return *prev;
        }
        MapFrame::of(ui.with_board_untracked(|b| b.and_then(content_bounds)))
    });
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else { return };
        let f = frame.get();
        ui.scene.version.track();
        let Some(ctx) = context_2d(&canvas) else {
            return;
        };
        let dpr = fit_canvas(&canvas, MAP_W, MAP_H);
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, MAP_W * dpr, MAP_H * dpr);
        let s = f.scale * dpr;
        let _ = ctx.set_transform(s, 0.0, 0.0, s, -f.x * s, -f.y * s);
        ui.with_board_untracked(|board| {
            let Some(board) = board else { return };
            ctx.begin_path();
            for fr in board.frames.values() {
                add_rect(&ctx, fr.rect, 0.0);
            }
            ctx.set_stroke_style_str("rgba(31, 36, 48, 0.6)");
            ctx.set_line_width(1.0 / f.scale);
            ctx.stroke();
            fill_cards(
                &ctx,
                board,
                |_| true,
                |st| Rect::new(st.pos.x, st.pos.y, st.size.w, st.size.h),
                2.0 / f.scale,
            );
        });
    });
    let viewport = move || {
        let f = frame.get();
        let cam = ui.camera.get();
        let (w, h) = ui.viewport_size.get();
        let (l, t, r, b) = cam.visible(w, h);
        let (x0, y0) = f.to_map(l, t);
        let (x1, y1) = f.to_map(r, b);
        // Kept on the map even when the view is far from the board.
        let x0 = x0.clamp(-2.0, MAP_W - 6.0);
        let y0 = y0.clamp(-2.0, MAP_H - 6.0);
        format!(
            "left: {x0:.1}px; top: {y0:.1}px; width: {:.1}px; height: {:.1}px",
            (x1 - x0).clamp(4.0, MAP_W + 4.0),
            (y1 - y0).clamp(4.0, MAP_H + 4.0)
        )
    };
    let others = move || {
        let me = ui.client.me.get();
        let f = frame.get();
        ui.client.people.with(|people| {
            people
                .iter()
                .filter(|p| Some(p.id) != me)
                .filter_map(|p| {
                    let c = p.cursor?;
                    let (x, y) = f.to_map(f64::from(c.x), f64::from(c.y));
                    Some((p.id, p.colour.clone(), x, y))
                })
                .collect::<Vec<_>>()
        })
    };
    // Centres the view on the point under the pointer (keeping where in the rectangle it was
    // grabbed).
    let centre_on = move |e: &ev::PointerEvent, grab: (f64, f64)| {
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let r = el.get_bounding_client_rect();
        let (mx, my) = (
            f64::from(e.client_x()) - r.left(),
            f64::from(e.client_y()) - r.top(),
        );
        let (bx, by) = frame.get_untracked().to_board(mx, my);
        let (w, h) = ui.viewport_size.get_untracked();
        let cam = ui.camera.get_untracked();
        ui.set_camera(super::view::Camera {
            x: bx + grab.0 - w / 2.0 / cam.zoom,
            y: by + grab.1 - h / 2.0 / cam.zoom,
            ..cam
        });
    };
    let on_down = move |e: ev::PointerEvent| {
        e.stop_propagation();
        e.prevent_default();
        if e.button() != 0 {
            return;
        }
        let Some(el) = canvas.get_untracked() else {
            return;
        };
        let r = el.get_bounding_client_rect();
        let (bx, by) = frame.get_untracked().to_board(
            f64::from(e.client_x()) - r.left(),
            f64::from(e.client_y()) - r.top(),
        );
        let cam = ui.camera.get_untracked();
        let (w, h) = ui.viewport_size.get_untracked();
        let (l, t, rr, b) = cam.visible(w, h);
        // Grabbed inside the rectangle: it moves by the pointer's movement; elsewhere the
        // view jumps there.
        let grab = if bx >= l && bx <= rr && by >= t && by <= b {
            ((l + rr) / 2.0 - bx, (t + b) / 2.0 - by)
        } else {
            (0.0, 0.0)
        };
        dragging.set(Some(grab));
        if let Some(target) = e.current_target() {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target) {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
        }
        centre_on(&e, grab);
    };
    let on_move = move |e: ev::PointerEvent| {
        if let Some(grab) = dragging.get_untracked() {
            centre_on(&e, grab);
        }
    };
    let on_up = move |_: ev::PointerEvent| dragging.set(None);
    view! {
        <div
            class="minimap"
            aria-label="Minimap"
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
        >
            <canvas
                node_ref=canvas
                style:width=format!("{MAP_W}px")
                style:height=format!("{MAP_H}px")
            ></canvas>
            <For each=others key=|o| (o.0, o.1.clone(), o.2.to_bits(), o.3.to_bits()) let:o>
                <span
                    class="minimap-person"
                    style:left=format!("{:.1}px", o.2)
                    style:top=format!("{:.1}px", o.3)
                    style:background=o.1.clone()
                ></span>
            </For>
            <div class="minimap-viewport" style=viewport></div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimap_shows_the_whole_board_and_maps_back() {
        let f = MapFrame::of(Some(Rect::new(-20_000, -500, 40_000, 3_000)));
        let (x0, y0) = f.to_map(-20_000.0, -500.0);
        let (x1, y1) = f.to_map(20_000.0, 2_500.0);
        assert!(x0 >= 0.0 && y0 >= 0.0 && x1 <= MAP_W && y1 <= MAP_H);
        let (bx, by) = f.to_board(x0, y0);
        assert!((bx + 20_000.0).abs() < 1e-6 && (by + 500.0).abs() < 1e-6);
    }
}
