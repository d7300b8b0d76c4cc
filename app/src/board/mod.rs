//! The board page: the top bar, the palette, the wall (an infinite canvas of frames, arrows
//! and stickies), the inspector and the history bar.
//!
//! # Layout
//! - [`opening`]: the page: the link's key, asking the server what it opens;
//! - this file: the wall's layers and the others' pointers;
//! - [`topbar`]: title, undo and redo, lock, panels, name, the people on the board, status;
//! - [`view`]: zoom, pan, screen ↔ board coordinates, fitting, the remembered view;
//! - [`tools`]: the tool in hand, selection, gestures and keyboard shortcuts;
//! - [`scene`]: the board as one reactive cell per element (what the views read);
//! - [`drawing`]: the zoomed-out cards and the minimap, drawn on canvases;
//! - [`palette`]: the kinds and tools, and the legend;
//! - [`sticky`], [`frame`], [`connector`]: one component per kind of board element;
//! - [`inspector`]: details of the selected sticky (kind, definition, payload fields);
//! - [`history`]: the replay slider and "restore this version";
//! - the facilitator's kit: [`share`] (the board's links), [`workshop`] (the phase and the
//!   kit's panel), [`timer`], [`vote`] (dot votes), [`follow`] (follow me).

mod connector;
mod drawing;
mod exports;
mod follow;
mod frame;
mod history;
mod inspector;
mod opening;
mod palette;
pub(crate) mod scene;
mod share;
mod sticky;
mod timer;
mod tools;
mod topbar;
mod view;
mod vote;
mod workshop;

use crate::client::BoardClient;
use history::HistoryView;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
pub use opening::BoardPage;
use scene::{Changes, Keyed, Scene};
use std::collections::{HashMap, HashSet};
use stormwall_core::protocol::BoardSummary;
use stormwall_core::workshop::Workshop;
use stormwall_core::{Board, ConnectorId, FrameId, Rect, Role, StickyId};
pub(crate) use tools::Tool;
use tools::{Drag, FrameDrag, Resize};
use view::{Camera, PanDrag, CARD_ZOOM};

/// Where the timeline runs across the wall.
const TIMELINE_Y: i32 = 420;
/// Stickies that become elements per frame, at most (the selected and edited ones always do).
const MOUNT_PER_FRAME: usize = 40;
/// How far the paper layer reaches beyond the wall on each side (more than the widest dot
/// spacing, 24 px at 400 %), so shifting it by up to one spacing never shows its edge.
const PAPER_BLEED: f64 = 100.0;
/// Elements this far (in screen sizes) beyond the edges stay drawn, so a pan shows them at
/// once.
const MARGIN: f64 = 0.25;

/// What this user is doing on the wall and how they look at it (never shared).
#[derive(Clone, Copy)]
pub(crate) struct WallUi {
    client: BoardClient,
    scene: Scene,
    tool: RwSignal<Tool>,
    selected: RwSignal<Vec<StickyId>>,
    /// `selected`, one cell per sticky.
    selected_flags: Keyed<StickyId, bool>,
    /// Who else has a sticky's editor open: their name and colour.
    editors: Keyed<StickyId, Option<(String, String)>>,
    /// Where a sticky is being dragged or resized to.
    preview: Keyed<StickyId, Option<Rect>>,
    selected_frame: RwSignal<Option<FrameId>>,
    selected_connector: RwSignal<Option<ConnectorId>>,
    connect_from: RwSignal<Option<StickyId>>,
    editing: RwSignal<Option<StickyId>>,
    editing_frame: RwSignal<Option<FrameId>>,
    frame_edit_on_arrival: RwSignal<Option<FrameId>>,
    drag: RwSignal<Option<Drag>>,
    resize: RwSignal<Option<Resize>>,
    frame_drag: RwSignal<Option<FrameDrag>>,
    legend: RwSignal<bool>,
    history: RwSignal<Option<HistoryView>>,
    /// The export or glossary panel, when open.
    panel: RwSignal<Option<exports::Panel>>,
    camera: RwSignal<Camera>,
    /// The wall's size on screen, in pixels.
    viewport_size: RwSignal<(f64, f64)>,
    viewport: NodeRef<html::Div>,
    /// Space is held: a press pans.
    space: RwSignal<bool>,
    pan: RwSignal<Option<PanDrag>>,
    minimap: RwSignal<bool>,
    /// The stickies that should be elements now ([`WallUi::on_screen`]), and those that are:
    /// a zoom or a long pan brings hundreds at once, so they become elements a frame's worth
    /// at a time, drawn as cards until then.
    wanted: RwSignal<Vec<StickyId>>,
    mounted: RwSignal<Vec<StickyId>>,
    mount_due: StoredValue<bool>,
    /// The board's phase, timer and vote (one memo: they change rarely).
    workshop: Memo<Workshop>,
    /// The kinds the open vote takes dots on (empty: all), or `None` when no vote is open.
    voting: Memo<Option<Vec<stormwall_core::StickyKind>>>,
    /// Dots per sticky: revealed by the vote, and this user's own while it is open.
    tally: Keyed<StickyId, u32>,
    my_dots: Keyed<StickyId, u32>,
    /// The facilitator's kit and the share dialog, when open.
    kit_open: RwSignal<bool>,
    share_open: RwSignal<bool>,
}

impl WallUi {
    /// The board on screen: the one the history slider shows while it is open, else the
    /// live one. Untracked: views read their cells in the [`Scene`] instead.
    fn with_board_untracked<R>(&self, f: impl FnOnce(Option<&Board>) -> R) -> R {
        if self.history.with_untracked(|h| h.is_some()) {
            self.history
                .with_untracked(|h| f(h.as_ref().map(|h| &h.board)))
        } else {
            self.client.board.with_untracked(|b| f(b.as_ref()))
        }
    }

    /// Read-only: while scrubbing history, for a view link, and once the link is refused.
    fn read_only(&self) -> bool {
        self.history.with_untracked(|h| h.is_some())
            || !self.can_edit_untracked()
            || self.client.access.refused.with_untracked(|r| r.is_some())
    }

    /// The link lets this user change the board (tracked).
    fn can_edit(&self) -> bool {
        self.client.access.role.get() >= Role::Edit
    }

    fn can_edit_untracked(&self) -> bool {
        self.client.access.role_untracked() >= Role::Edit
    }

    /// The link is the facilitator's (tracked).
    fn facilitates(&self) -> bool {
        self.client.access.role.get() == Role::Facilitator
    }

    /// What is drawn as elements: the stickies and arrows on screen (plus a margin), and the
    /// selected and edited stickies wherever they are. Zoomed out below [`CARD_ZOOM`] the
    /// stickies are cards on a canvas instead, and only the selected and edited ones stay
    /// elements (to be resized, edited, dragged as they are).
    fn on_screen(&self) -> (Vec<StickyId>, Vec<ConnectorId>) {
        self.scene.layout.track();
        let cam = self.camera.get();
        let (w, h) = self.viewport_size.get();
        let keep: HashSet<StickyId> = self
            .selected
            .get()
            .into_iter()
            .chain(self.editing.get())
            .collect();
        let (l, t, r, b) = cam.visible(w, h);
        let (mx, my) = ((r - l) * MARGIN, (b - t) * MARGIN);
        let (l, t, r, b) = (l - mx, t - my, r + mx, b + my);
        let meets = |x: i32, y: i32, rw: i32, rh: i32| {
            let (x, y) = (f64::from(x), f64::from(y));
            x < r && y < b && x + f64::from(rw) > l && y + f64::from(rh) > t
        };
        let cards = cam.zoom < CARD_ZOOM;
        self.with_board_untracked(|board| {
            let Some(board) = board else {
                return (Vec::new(), Vec::new());
            };
            let stickies = board
                .stickies
                .values()
                .filter(|s| {
                    keep.contains(&s.id) || (!cards && meets(s.pos.x, s.pos.y, s.size.w, s.size.h))
                })
                .map(|s| s.id)
                .collect();
            let connectors = if cards {
                Vec::new()
            } else {
                board
                    .connectors
                    .values()
                    .filter(|c| {
                        let (Some(a), Some(z)) = (board.sticky(c.from), board.sticky(c.to)) else {
                            return false;
                        };
                        let x0 = a.pos.x.min(z.pos.x);
                        let y0 = a.pos.y.min(z.pos.y);
                        let x1 = (a.pos.x + a.size.w).max(z.pos.x + z.size.w);
                        let y1 = (a.pos.y + a.size.h).max(z.pos.y + z.size.h);
                        keep.contains(&c.from)
                            || keep.contains(&c.to)
                            || meets(x0, y0, x1 - x0, y1 - y0)
                    })
                    .map(|c| c.id)
                    .collect()
            };
            (stickies, connectors)
        })
    }
}

impl WallUi {
    /// Brings the sticky elements towards `wanted`: every one that left goes at once, and up to
    /// [`MOUNT_PER_FRAME`] new ones come, in stacking order; the rest next frame.
    fn mount_step(&self) {
        let keep: HashSet<StickyId> = self
            .selected
            .get_untracked()
            .into_iter()
            .chain(self.editing.get_untracked())
            .collect();
        let have: HashSet<StickyId> = self.mounted.with_untracked(|m| m.iter().copied().collect());
        let mut budget = MOUNT_PER_FRAME;
        let mut all = true;
        let next: Vec<StickyId> = self.wanted.with_untracked(|w| {
            w.iter()
                .copied()
                .filter(|id| {
                    if have.contains(id) || keep.contains(id) {
                        return true;
                    }
                    if budget == 0 {
                        all = false;
                        return false;
                    }
                    budget -= 1;
                    true
                })
                .collect()
        });
        if self.mounted.with_untracked(|m| *m != next) {
            self.mounted.set(next);
        }
        if !all && !self.mount_due.get_value() {
            self.mount_due.set_value(true);
            let ui = *self;
            request_animation_frame(move || {
                if ui.mount_due.try_set_value(false).is_none() {
                    ui.mount_step();
                }
            });
        }
    }
}

#[component]
fn Wall(summary: BoardSummary, role: Role, key: String) -> impl IntoView {
    let client = BoardClient::new(summary.id, key, role);
    let history: RwSignal<Option<HistoryView>> = RwSignal::new(None);
    let workshop = Memo::new(move |_| {
        client
            .board
            .with(|b| b.as_ref().map(|b| b.workshop.clone()).unwrap_or_default())
    });
    let ui = WallUi {
        client,
        scene: Scene::new(),
        tool: RwSignal::new(Tool::Select),
        selected: RwSignal::new(Vec::new()),
        selected_flags: Keyed::new(),
        editors: Keyed::new(),
        preview: Keyed::new(),
        selected_frame: RwSignal::new(None),
        selected_connector: RwSignal::new(None),
        connect_from: RwSignal::new(None),
        editing: RwSignal::new(None),
        editing_frame: RwSignal::new(None),
        frame_edit_on_arrival: RwSignal::new(None),
        drag: RwSignal::new(None),
        resize: RwSignal::new(None),
        frame_drag: RwSignal::new(None),
        legend: RwSignal::new(false),
        history,
        panel: RwSignal::new(None),
        // The server renders the default view; the browser's own comes after hydration.
        camera: RwSignal::new(Camera::default()),
        viewport_size: RwSignal::new((0.0, 0.0)),
        viewport: NodeRef::new(),
        space: RwSignal::new(false),
        pan: RwSignal::new(None),
        minimap: RwSignal::new(false),
        wanted: RwSignal::new(Vec::new()),
        mounted: RwSignal::new(Vec::new()),
        mount_due: StoredValue::new(false),
        workshop,
        voting: vote::voting(workshop),
        tally: Keyed::new(),
        my_dots: Keyed::new(),
        kit_open: RwSignal::new(false),
        share_open: RwSignal::new(false),
    };
    provide_context(ui);
    let scene = ui.scene;

    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            #[cfg(feature = "hydrate")]
            {
                client.name.set(crate::client::stored_name());
                client.connect();
            }
        }
    });
    on_cleanup(move || client.close());
    // The others see which sticky this user is editing.
    Effect::new(move |_| {
        let editing = ui.editing.get();
        let cursor = client.presence_cursor();
        client.share_presence(cursor, editing);
    });

    // The cells follow the board on screen: only where events landed, or all of them when the
    // board was replaced (a welcome, a rebuild, the history view opening or stepping).
    Effect::new(move |prev: Option<bool>| {
        let replaying = history.with(|h| h.is_some());
        let mut changes = client
            .changes
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if replaying || prev != Some(replaying) {
            changes = Changes::everything();
        }
        if replaying {
            history.with(|h| scene.sync(h.as_ref().map(|h| &h.board), &changes));
        } else {
            client.board.with(|b| scene.sync(b.as_ref(), &changes));
        }
        replaying
    });
    Effect::new(move |_| {
        let flags = ui
            .selected
            .with(|s| s.iter().map(|id| (*id, true)).collect());
        ui.selected_flags.set_all(flags);
    });
    Effect::new(move |_| {
        let me = client.me.get();
        let editors: HashMap<StickyId, Option<(String, String)>> = client.people.with(|people| {
            people
                .iter()
                .filter(|p| Some(p.id) != me)
                .filter_map(|p| Some((p.editing?, Some((p.name.clone(), p.colour.clone())))))
                .collect()
        });
        ui.editors.set_all(editors);
    });

    // The view: measured on mount; a fresh visit fits the board once it has arrived; every
    // change is remembered (a little later, not on every frame of a pan).
    let fitted = StoredValue::new(false);
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            if let Some(v) = view::stored_view(client.board_id) {
                fitted.set_value(true);
                ui.set_camera(v);
            }
        }
    });
    // The wall's size changes with the window and when side panels open or close.
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            if let Some(el) = ui.viewport.get() {
                view::observe_size(ui, &el);
            }
        }
    });
    let loaded = Memo::new(move |_| client.board.with(|b| b.is_some()));
    Effect::new(move |_| {
        let (w, h) = ui.viewport_size.get();
        if client.room.following.get() {
            fitted.set_value(true); // the leader's view, not this one
        }
        if loaded.get() && !fitted.get_value() && w > 0.0 {
            fitted.set_value(true);
            let first = client
                .board
                .with_untracked(|b| b.as_ref().map(|b| view::first_view(b, w, h)));
            ui.set_camera(first.unwrap_or_default());
        }
    });
    let save_due = StoredValue::new(false);
    Effect::new(move |prev: Option<()>| {
        ui.camera.track();
        if prev.is_none() || save_due.get_value() {
            return;
        }
        save_due.set_value(true);
        set_timeout(
            move || {
                if save_due.try_set_value(false).is_none() {
                    view::store_view(client.board_id, ui.camera.get_untracked());
                }
            },
            std::time::Duration::from_millis(300),
        );
    });

    follow::effects(ui);
    vote::effects(ui);
    remember_title(client);

    let on_screen = Memo::new(move |_| ui.on_screen());
    let connector_ids = Memo::new(move |_| on_screen.with(|(_, c)| c.clone()));
    Effect::new(move |_| {
        let wanted = on_screen.with(|(s, _)| s.clone());
        ui.wanted.set(wanted);
        ui.mount_step();
    });

    let move_handle = window_event_listener(ev::pointermove, move |e| tools::on_pointermove(ui, e));
    let up_handle = window_event_listener(ev::pointerup, move |_| tools::on_pointerup(ui));
    let key_handle = window_event_listener(ev::keydown, move |e| tools::on_key(ui, e));
    let keyup_handle = window_event_listener(ev::keyup, move |e| tools::on_keyup(ui, e));
    let resize_handle = window_event_listener(ev::resize, move |_| ui.measure());
    let blur_handle = window_event_listener(ev::blur, move |_| ui.space.set(false));
    // Leaving with changes the server has not confirmed: the browser asks first (they are
    // also kept for the next visit, see `BoardClient::persist`).
    let unload_handle = window_event_listener(ev::beforeunload, move |e| {
        let refused = client.access.refused.with_untracked(|r| r.is_some());
        if client.unsaved.get_untracked() > 0 && !refused {
            e.prevent_default();
            e.set_return_value("Some changes are not saved yet.");
        }
    });
    on_cleanup(move || {
        move_handle.remove();
        up_handle.remove();
        key_handle.remove();
        keyup_handle.remove();
        resize_handle.remove();
        blur_handle.remove();
        unload_handle.remove();
    });

    let title = summary.title.clone();
    let count = move || scene.sticky_ids.with(|ids| ids.len());
    let locked = Memo::new(move |_| client.board.with(|b| b.as_ref().is_some_and(|b| b.locked)));
    // The paper's dots and the timeline move with the wall by transforms only: a pan repaints
    // nothing (the dots' spacing changes with the zoom alone).
    let paper = move || {
        let c = ui.camera.get();
        // Zoomed out, every fourth dot, so dots never crowd closer than 12 px (a pixel-sized
        // pattern costs more to paint than the whole wall).
        let mut step = 24.0 * c.zoom;
        while step < 12.0 {
            step *= 4.0;
        }
        let phase = |origin: f64| ((PAPER_BLEED - origin * c.zoom) % step + step) % step;
        format!(
            "background-size: {step:.2}px {step:.2}px; transform: translate({:.2}px, {:.2}px)",
            phase(c.x),
            phase(c.y)
        )
    };
    let transform = move || ui.camera.get().transform();
    // For tests and tools: the view as "x,y,zoom".
    let view_attr = move || {
        let c = ui.camera.get();
        format!("{:.2},{:.2},{:.4}", c.x, c.y, c.zoom)
    };
    view! {
        <Title text=format!("{} · Stormwall", summary.title) />
        <div
            class="board-page"
            class:armed=move || ui.tool.get() != Tool::Select
            class:connecting=move || ui.tool.get() == Tool::Connect
            class:replaying=move || ui.history.with(|h| h.is_some())
            class:locked=move || locked.get()
            class:panning=move || ui.space.get() || ui.pan.with(|p| p.is_some())
            class:viewer=move || !ui.can_edit()
            data-role=move || client.access.role.get().name()
        >
            <topbar::TopBar title count />
            <Show when=move || ui.can_edit()>
                <palette::Palette />
            </Show>
            <div class="wall-area">
                <div
                    class="wall"
                    node_ref=ui.viewport
                    class:zoomed-out=move || ui.camera.with(|c| c.zoom < CARD_ZOOM)
                    data-drawn=move || loaded.get().to_string()
                    data-view=view_attr
                    on:pointerdown=move |e| tools::on_wall_pointerdown(ui, e)
                    on:wheel=move |e: ev::WheelEvent| ui.on_wheel(&e)
                    on:dragover=|e: ev::DragEvent| e.prevent_default()
                    on:drop=move |e| tools::on_drop(ui, e)
                >
                    <div class="paper" style=paper></div>
                    <div
                        class="timeline"
                        style:transform=move || {
                            let y = ui.camera.with(|c| c.to_screen(0.0, f64::from(TIMELINE_Y)).1);
                            format!("translateY({y:.1}px)")
                        }
                    >
                        <span class="timeline-label">"time →"</span>
                    </div>
                    // Two layers with one transform: frames behind the zoomed-out cards,
                    // arrows and sticky elements in front of them.
                    <div class="world" style:transform=transform>
                        <For each=move || scene.frame_ids.get() key=|id| *id let:id>
                            <frame::FrameView id />
                        </For>
                    </div>
                    <drawing::Cards />
                    <div class="world" style:transform=transform>
                        <connector::Connectors ids=connector_ids />
                        <For each=move || ui.mounted.get() key=|id| *id let:id>
                            <sticky::StickyView id />
                        </For>
                        <Cursors />
                    </div>
                    <Show when=move || !loaded.get()>
                        <p class="wall-empty">"Loading the wall…"</p>
                    </Show>
                    <Show when=move || loaded.get() && count() == 0>
                        <p class="wall-empty">
                            {move || if ui.can_edit() {
                                "An empty wall. Pick a kind on the left (or press E for an event), then click on the wall, or drag it here. Start with orange domain events on the timeline."
                            } else {
                                "Nothing on the wall yet. What the others add appears here as they add it."
                            }}
                        </p>
                    </Show>
                </div>
                <workshop::Overlay />
                <view::ZoomControl />
                <Show when=move || ui.minimap.get()>
                    <drawing::Minimap />
                </Show>
            </div>
            <Show
                when=move || ui.panel.with(|p| p.is_none())
                fallback=|| view! { <exports::Panels /> }
            >
                <inspector::Inspector />
            </Show>
            <history::HistoryBar />
            <Show when=move || ui.legend.get()>
                <palette::Legend />
            </Show>
            <Show when=move || ui.kit_open.get() && ui.facilitates()>
                <workshop::KitPanel />
            </Show>
            <Show when=move || ui.share_open.get()>
                <share::ShareDialog />
            </Show>
            <Show when=move || client.notice.with(|n| n.is_some())>
                <div class="notice" role="alert">
                    {move || client.notice.get().unwrap_or_default()}
                    <button class="notice-close" on:click=move |_| client.notice.set(None)>
                        "×"
                    </button>
                </div>
            </Show>
            {move || client.access.refused.get().map(|r| view! {
                <div class="access-ended" role="alertdialog" aria-modal="true">
                    {opening::closed(r.title(), r.message())}
                </div>
            })}
        </div>
    }
    .into_any()
}

/// Keeps the board's title in this browser's list of boards as it is renamed.
fn remember_title(client: BoardClient) {
    let title = Memo::new(move |_| client.board.with(|b| b.as_ref().map(|b| b.title.clone())));
    Effect::new(move |_| {
        if let Some(t) = title.get() {
            crate::recent::update(client.board_id, |e| e.title = t);
        }
    });
}

/// The other people's pointers on the wall, with their names.
#[component]
fn Cursors() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let others = move || {
        let me = ui.client.me.get();
        ui.client.people.with(|people| {
            people
                .iter()
                .filter(|p| Some(p.id) != me)
                .filter_map(|p| {
                    p.cursor
                        .map(|c| (p.id, p.name.clone(), p.colour.clone(), c))
                })
                .collect::<Vec<_>>()
        })
    };
    // Inside the zoomed layer at board coordinates; scaled back so a pointer keeps its size.
    let zoom = Memo::new(move |_| ui.camera.with(|c| c.zoom));
    let unscale = move || format!("scale({})", 1.0 / zoom.get());
    view! {
        <For each=others key=|c| c.clone() let:c>
            <div
                class="cursor"
                data-name=c.1.clone()
                style:left=format!("{}px", c.3.x)
                style:top=format!("{}px", c.3.y)
                style:transform=unscale
                style:--person-colour=c.2.clone()
            >
                <svg class="cursor-arrow" viewBox="0 0 16 16" aria-hidden="true">
                    <path d="M1 1 L6 15 L8.5 9 L15 7 Z" />
                </svg>
                <span class="cursor-name">{c.1.clone()}</span>
            </div>
        </For>
    }
}
