//! The board page: the top bar, the palette, the wall (an infinite canvas of frames, arrows
//! and stickies), the inspector and the history bar.
//!
//! # Layout
//! - this file: the page, the wall's layers, the top bar and the people on the board;
//! - [`view`]: zoom, pan, screen ↔ board coordinates, fitting, the remembered view;
//! - [`tools`]: the tool in hand, selection, gestures and keyboard shortcuts;
//! - [`scene`]: the board as one reactive cell per element (what the views read);
//! - [`drawing`]: the zoomed-out cards and the minimap, drawn on canvases;
//! - [`palette`]: the kinds and tools, and the legend;
//! - [`sticky`], [`frame`], [`connector`]: one component per kind of board element;
//! - [`inspector`]: details of the selected sticky (kind, definition, payload fields);
//! - [`history`]: the replay slider and "restore this version".

mod connector;
mod drawing;
mod exports;
mod frame;
mod history;
mod inspector;
mod palette;
pub(crate) mod scene;
mod sticky;
mod tools;
mod view;

use crate::api::find_board;
use crate::client::BoardClient;
use crate::NotFound;
use history::HistoryView;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use scene::{Changes, Keyed, Scene};
use std::collections::{HashMap, HashSet};
use stormwall_core::protocol::BoardSummary;
use stormwall_core::{Board, Command, ConnectorId, FrameId, Rect, StickyId};
pub(crate) use tools::Tool;
use tools::{Drag, FrameDrag, Resize};
use view::{Camera, PanDrag, CARD_ZOOM};

/// Where the timeline runs across the wall.
const TIMELINE_Y: i32 = 420;
/// How far the paper layer reaches beyond the wall on each side (more than the widest dot
/// spacing, 24 px at 400 %), so shifting it by up to one spacing never shows its edge.
const PAPER_BLEED: f64 = 100.0;
/// Elements this far (in screen sizes) beyond the edges stay drawn, so a pan shows them at
/// once.
const MARGIN: f64 = 0.25;

#[component]
pub fn BoardPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let summary = Resource::new(id, find_board);
    view! {
        <Suspense fallback=|| view! { <p class="muted loading">"Opening board…"</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(Some(s)) => view! { <Wall summary=s /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) => {
                        view! {
                            <main class="not-found">
                                <h1>"The board could not be opened"</h1>
                                <p>{e.to_string()}</p>
                                <a class="button" href="/">"Back to boards"</a>
                            </main>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

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

    /// While scrubbing history the wall is read-only.
    fn read_only(&self) -> bool {
        self.history.with_untracked(|h| h.is_some())
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

#[component]
fn Wall(summary: BoardSummary) -> impl IntoView {
    let client = BoardClient::new(summary.id);
    let history: RwSignal<Option<HistoryView>> = RwSignal::new(None);
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

    let on_screen = Memo::new(move |_| ui.on_screen());
    let sticky_ids = Memo::new(move |_| on_screen.with(|(s, _)| s.clone()));
    let connector_ids = Memo::new(move |_| on_screen.with(|(_, c)| c.clone()));

    let move_handle = window_event_listener(ev::pointermove, move |e| tools::on_pointermove(ui, e));
    let up_handle = window_event_listener(ev::pointerup, move |_| tools::on_pointerup(ui));
    let key_handle = window_event_listener(ev::keydown, move |e| tools::on_key(ui, e));
    let keyup_handle = window_event_listener(ev::keyup, move |e| tools::on_keyup(ui, e));
    let resize_handle = window_event_listener(ev::resize, move |_| ui.measure());
    let blur_handle = window_event_listener(ev::blur, move |_| ui.space.set(false));
    // Leaving with changes the server has not confirmed: the browser asks first (they are
    // also kept for the next visit, see `BoardClient::persist`).
    let unload_handle = window_event_listener(ev::beforeunload, move |e| {
        if client.unsaved.get_untracked() > 0 {
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
        let step = 24.0 * c.zoom;
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
        >
            <TopBar title count />
            <palette::Palette />
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
                        <For each=move || sticky_ids.get() key=|id| *id let:id>
                            <sticky::StickyView id />
                        </For>
                        <Cursors />
                    </div>
                    <Show when=move || !loaded.get()>
                        <p class="wall-empty">"Loading the wall…"</p>
                    </Show>
                    <Show when=move || loaded.get() && count() == 0>
                        <p class="wall-empty">
                            "An empty wall. Pick a kind on the left (or press E for an event), then click on the wall, or drag it here. Start with orange domain events on the timeline."
                        </p>
                    </Show>
                </div>
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
            <Show when=move || client.notice.with(|n| n.is_some())>
                <div class="notice" role="alert">
                    {move || client.notice.get().unwrap_or_default()}
                    <button class="notice-close" on:click=move |_| client.notice.set(None)>
                        "×"
                    </button>
                </div>
            </Show>
        </div>
    }
    .into_any()
}

#[component]
fn TopBar(title: String, count: impl Fn() -> usize + Send + Sync + 'static) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let client = ui.client;
    let renaming = RwSignal::new(false);
    let name_node = NodeRef::<html::Input>::new();
    let title_node = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = title_node.get() {
            let _ = el.focus();
            el.select();
        }
    });
    let commit_title = move || {
        if !renaming.get_untracked() {
            return;
        }
        renaming.set(false);
        if let Some(el) = title_node.get_untracked() {
            client.send(Command::RenameBoard { title: el.value() });
        }
    };
    let locked = Memo::new(move |_| client.board.with(|b| b.as_ref().is_some_and(|b| b.locked)));
    let title = StoredValue::new(title);
    let stored_title =
        Memo::new(move |_| client.board.with(|b| b.as_ref().map(|b| b.title.clone())));
    let board_title = move || stored_title.get().unwrap_or_else(|| title.get_value());
    view! {
        <header class="topbar">
            <a class="back" href="/" title="All boards">"←"</a>
            <span class="brand-mark small" aria-hidden="true"></span>
            <Show
                when=move || renaming.get()
                fallback=move || {
                    view! {
                        <h1
                            class="board-name"
                            title="Double-click to rename"
                            on:dblclick=move |_| {
                                if !ui.read_only() {
                                    renaming.set(true)
                                }
                            }
                        >
                            {board_title}
                        </h1>
                    }
                }
            >
                <input
                    class="board-name-input"
                    node_ref=title_node
                    prop:value=board_title
                    aria-label="Board title"
                    on:blur=move |_| commit_title()
                    on:keydown=move |e: ev::KeyboardEvent| match e.key().as_str() {
                        "Enter" => commit_title(),
                        "Escape" => renaming.set(false),
                        _ => {}
                    }
                />
            </Show>
            <span class="count">
                {move || match count() {
                    1 => "1 sticky".to_owned(),
                    n => format!("{n} stickies"),
                }}
            </span>
            <Show when=move || locked.get()>
                <span class="locked-badge" title="Nobody can change this board until it is unlocked">
                    "🔒 Locked"
                </span>
            </Show>
            <span class="spacer"></span>
            <div class="toolbar">
                <button
                    class="tool-button"
                    title="Undo your last change (Ctrl+Z)"
                    disabled=move || client.undo_stack.with(|s| s.is_empty())
                    on:click=move |_| client.undo()
                >
                    "↶ Undo"
                </button>
                <button
                    class="tool-button"
                    title="Redo (Shift+Ctrl+Z)"
                    disabled=move || client.redo_stack.with(|s| s.is_empty())
                    on:click=move |_| client.redo()
                >
                    "↷ Redo"
                </button>
                <button
                    class="tool-button lock-toggle"
                    data-locked=move || locked.get().to_string()
                    title="Lock the board against changes, or unlock it"
                    on:click=move |_| {
                        client.send(if locked.get_untracked() { Command::UnlockBoard } else { Command::LockBoard });
                    }
                >
                    {move || if locked.get() { "Unlock" } else { "Lock" }}
                </button>
                <button
                    class="tool-button history-toggle"
                    title="Replay how the board grew"
                    on:click=move |_| history::toggle(ui)
                >
                    "History"
                </button>
                <button
                    class="tool-button glossary-toggle"
                    title="The ubiquitous language of this board"
                    on:click=move |_| exports::toggle(ui, exports::Panel::Glossary)
                >
                    "Glossary"
                </button>
                <button
                    class="tool-button export-toggle"
                    title="Glossary, Rust code and board JSON"
                    on:click=move |_| exports::toggle(ui, exports::Panel::Export)
                >
                    "Export"
                </button>
                <button
                    class="tool-button"
                    title="Keyboard shortcuts and notation (?)"
                    on:click=move |_| ui.legend.update(|l| *l = !*l)
                >
                    "?"
                </button>
            </div>
            <input
                class="name-input"
                node_ref=name_node
                prop:value=move || client.name.get()
                placeholder="Your name"
                aria-label="Your name"
                maxlength="40"
                on:change=move |_| {
                    if let Some(el) = name_node.get_untracked() {
                        let name = el.value();
                        #[cfg(feature = "hydrate")]
                        crate::client::store_name(&name);
                        client.name.set(name);
                        client.reconnect_now();
                    }
                }
            />
            <People />
            <span
                class="status"
                data-status=move || client.status.get().as_str()
                data-unsaved=move || client.unsaved.get()
                role="status"
                aria-live="polite"
            >
                <span class="dot"></span>
                {move || client.status_label()}
            </span>
        </header>
    }
}

/// Everyone on the board: a coloured chip per person, this user marked "(you)".
#[component]
fn People() -> impl IntoView {
    let client = expect_context::<WallUi>().client;
    view! {
        <ul class="people" aria-label="People on this board">
            <For
                each=move || client.people.get()
                key=|p| (p.id, p.name.clone(), p.colour.clone())
                let:person
            >
                <li
                    class="person"
                    class:me=move || client.me.get() == Some(person.id)
                    style:--person-colour=person.colour.clone()
                    title=person.name.clone()
                >
                    {initials(&person.name)}
                    <span class="person-name">
                        {person.name.clone()}
                        {move || if client.me.get() == Some(person.id) { " (you)" } else { "" }}
                    </span>
                </li>
            </For>
        </ul>
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
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
