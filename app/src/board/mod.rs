//! The board page: palette, wall with timeline, frames, arrows and stickies, the inspector,
//! and the history bar.
//!
//! # Layout
//! - this file: the page, the wall, tools, selection, dragging and keyboard shortcuts;
//! - [`palette`]: the kinds and tools, and the legend;
//! - [`sticky`], [`frame`], [`connector`]: one component per kind of board element;
//! - [`inspector`]: details of the selected sticky (kind, definition, payload fields);
//! - [`history`]: the replay slider and "restore this version".

mod connector;
mod exports;
mod frame;
mod history;
mod inspector;
mod palette;
mod sticky;

use crate::api::find_board;
use crate::client::{random_uuid, BoardClient};
use crate::NotFound;
use history::HistoryView;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use stormwall_core::protocol::BoardSummary;
use stormwall_core::{
    Board, Command, ConnectorId, FrameId, Position, Rect, Size, StickyId, StickyKind,
};

/// Where the timeline runs across the wall.
const TIMELINE_Y: i32 = 420;
/// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD: f64 = 4.0;
/// A new bounded context's size.
const NEW_FRAME: Size = Size { w: 640, h: 400 };

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

/// What a press on the wall does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    Select,
    Place(StickyKind),
    Frame,
    Connect,
}

/// An ongoing drag of the selected stickies.
#[derive(Clone, Debug, PartialEq)]
struct Drag {
    origins: Vec<(StickyId, Position)>,
    start: (f64, f64),
    delta: (i32, i32),
    moved: bool,
}

/// An ongoing resize of one sticky.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Resize {
    id: StickyId,
    start: (f64, f64),
    origin: Size,
    now: Size,
}

/// An ongoing move or resize of a frame.
#[derive(Clone, Copy, Debug, PartialEq)]
struct FrameDrag {
    id: FrameId,
    resize: bool,
    start: (f64, f64),
    origin: Rect,
    now: Rect,
    moved: bool,
}

/// What this user is doing on the wall (never shared).
#[derive(Clone, Copy)]
pub(crate) struct WallUi {
    client: BoardClient,
    tool: RwSignal<Tool>,
    selected: RwSignal<Vec<StickyId>>,
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
    /// Top-left of the visible wall in board units (moves left/up when stickies go negative).
    origin: Memo<(i32, i32)>,
    world: NodeRef<html::Div>,
}

/// The board on screen: the one the history slider shows while it is open, else the live one.
fn with_shown<R>(
    history: RwSignal<Option<HistoryView>>,
    live: RwSignal<Option<Board>>,
    f: impl FnOnce(Option<&Board>) -> R,
) -> R {
    if history.with(|h| h.is_some()) {
        history.with(|h| f(h.as_ref().map(|h| &h.board)))
    } else {
        live.with(|b| f(b.as_ref()))
    }
}

impl WallUi {
    /// The board on screen (see [`with_shown`]).
    fn with_board<R>(&self, f: impl FnOnce(Option<&Board>) -> R) -> R {
        with_shown(self.history, self.client.board, f)
    }

    /// While scrubbing history the wall is read-only.
    fn read_only(&self) -> bool {
        self.history.with_untracked(|h| h.is_some())
    }

    /// Board coordinates under a pointer, from its viewport coordinates.
    fn board_pos(&self, client_x: i32, client_y: i32) -> Option<Position> {
        let rect = self.world.get_untracked()?.get_bounding_client_rect();
        let (ox, oy) = self.origin.get_untracked();
        Some(Position::new(
            client_x - rect.left() as i32 + ox,
            client_y - rect.top() as i32 + oy,
        ))
    }

    /// Keeps a position on the visible wall (not left of or above its top-left corner).
    fn clamp(&self, pos: Position) -> Position {
        let (ox, oy) = self.origin.get_untracked();
        Position::new(pos.x.max(ox), pos.y.max(oy))
    }

    /// Where a sticky is drawn: dragged, dropped-but-unconfirmed, or stored (tracked).
    fn sticky_rect(&self, id: StickyId) -> Option<Rect> {
        let (pos, size) =
            self.with_board(|b| b.and_then(|b| b.sticky(id)).map(|s| (s.pos, s.size)))?;
        let pos = self
            .drag
            .with(|d| {
                d.as_ref().filter(|d| d.moved).and_then(|d| {
                    d.origins
                        .iter()
                        .find(|(i, _)| *i == id)
                        .map(|(_, o)| Position::new(o.x + d.delta.0, o.y + d.delta.1))
                })
            })
            .unwrap_or(pos);
        let size = self
            .resize
            .with(|r| r.filter(|r| r.id == id).map(|r| r.now))
            .unwrap_or(size);
        Some(Rect::new(pos.x, pos.y, size.w, size.h))
    }

    /// Places a sticky centred on the pointer and opens its editor when it arrives.
    fn place(&self, kind: StickyKind, at: Position) {
        let id = StickyId(random_uuid());
        let size = kind.default_size();
        let pos = self.clamp(Position::new(at.x - size.w / 2, at.y - size.h / 2));
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
        let pos = self.clamp(at);
        let command = Command::AddFrame {
            id,
            name: "Bounded context".into(),
            rect: Rect::new(pos.x, pos.y, NEW_FRAME.w, NEW_FRAME.h),
        };
        self.frame_edit_on_arrival.set(Some(id));
        if self.client.send(command).is_some() {
            self.tool.set(Tool::Select);
        } else {
            self.frame_edit_on_arrival.set(None);
        }
    }

    fn select_only(&self, id: Option<StickyId>) {
        self.selected.set(id.into_iter().collect());
        self.selected_frame.set(None);
        self.selected_connector.set(None);
    }

    fn clear_selection(&self) {
        self.select_only(None);
    }

    fn delete_selection(&self) {
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
}

#[component]
fn Wall(summary: BoardSummary) -> impl IntoView {
    let client = BoardClient::new(summary.id);
    let history: RwSignal<Option<HistoryView>> = RwSignal::new(None);
    // The wall grows with its content and always has room to the right and below.
    let extent = Memo::new(move |_| {
        let from_board = |b: Option<&Board>| {
            // The UI never places at negative coordinates, so the wall only grows leftwards or
            // upwards for elements other clients put there; nothing shifts under the pointer.
            let mut min = (0, 0);
            let mut max = (2400, 1200);
            for b in b.iter() {
                for s in b.stickies.values() {
                    min = (min.0.min(s.pos.x), min.1.min(s.pos.y));
                    max = (
                        max.0.max(s.pos.x + s.size.w + 600),
                        max.1.max(s.pos.y + s.size.h + 500),
                    );
                }
                for f in b.frames.values() {
                    min = (min.0.min(f.rect.x), min.1.min(f.rect.y));
                    max = (
                        max.0.max(f.rect.x + f.rect.w + 400),
                        max.1.max(f.rect.y + f.rect.h + 400),
                    );
                }
            }
            (min, max)
        };
        with_shown(history, client.board, from_board)
    });
    let ui = WallUi {
        client,
        tool: RwSignal::new(Tool::Select),
        selected: RwSignal::new(Vec::new()),
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
        origin: Memo::new(move |_| extent.get().0),
        world: NodeRef::new(),
    };
    provide_context(ui);

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

    let ids = Memo::new(move |_| {
        ui.with_board(|b| {
            b.map(|b| b.stickies.keys().copied().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let frame_ids = Memo::new(move |_| {
        ui.with_board(|b| {
            b.map(|b| b.frames.keys().copied().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });

    // Dragging follows the pointer anywhere on the page, not only over what is dragged.
    let move_handle = window_event_listener(ev::pointermove, move |e| {
        let (x, y) = (f64::from(e.client_x()), f64::from(e.client_y()));
        ui.client.share_presence(
            ui.board_pos(e.client_x(), e.client_y()),
            ui.editing.get_untracked(),
        );
        if let Some(mut d) = ui.drag.get_untracked() {
            let (dx, dy) = (x - d.start.0, y - d.start.1);
            if !d.moved && dx.abs() + dy.abs() < DRAG_THRESHOLD {
                return;
            }
            // Keep the whole group on the visible wall.
            let (ox, oy) = ui.origin.get_untracked();
            let min_x = d.origins.iter().map(|(_, p)| p.x).min().unwrap_or(0);
            let min_y = d.origins.iter().map(|(_, p)| p.y).min().unwrap_or(0);
            d.moved = true;
            d.delta = ((dx as i32).max(ox - min_x), (dy as i32).max(oy - min_y));
            ui.drag.set(Some(d));
        } else if let Some(mut r) = ui.resize.get_untracked() {
            let (dx, dy) = ((x - r.start.0) as i32, (y - r.start.1) as i32);
            r.now = Size::new(
                (r.origin.w + dx).clamp(60, 1000),
                (r.origin.h + dy).clamp(40, 1000),
            );
            ui.resize.set(Some(r));
        } else if let Some(mut f) = ui.frame_drag.get_untracked() {
            let (dx, dy) = ((x - f.start.0) as i32, (y - f.start.1) as i32);
            if !f.moved && dx.abs() + dy.abs() < DRAG_THRESHOLD as i32 {
                return;
            }
            f.moved = true;
            f.now = if f.resize {
                Rect::new(
                    f.origin.x,
                    f.origin.y,
                    (f.origin.w + dx).max(120),
                    (f.origin.h + dy).max(80),
                )
            } else {
                let p = ui.clamp(Position::new(f.origin.x + dx, f.origin.y + dy));
                Rect::new(p.x, p.y, f.origin.w, f.origin.h)
            };
            ui.frame_drag.set(Some(f));
        }
    });
    let up_handle = window_event_listener(ev::pointerup, move |_| {
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
        if let Some(f) = ui.frame_drag.get_untracked() {
            ui.frame_drag.set(None);
            if f.moved && f.now != f.origin {
                ui.client.send(Command::ReshapeFrame {
                    id: f.id,
                    rect: f.now,
                });
            }
        }
    });
    let key_handle = window_event_listener(ev::keydown, move |e| on_key(ui, e));
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
        unload_handle.remove();
    });

    let on_wall_pointerdown = move |e: ev::PointerEvent| {
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
            (Tool::Connect, _) => ui.connect_from.set(None),
            _ => ui.clear_selection(),
        }
    };
    let on_drop = move |e: ev::DragEvent| {
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
    };

    let title = summary.title.clone();
    let count = move || ids.with(|ids| ids.len());
    let locked = move || client.board.with(|b| b.as_ref().is_some_and(|b| b.locked));
    view! {
        <Title text=format!("{} · Stormwall", summary.title) />
        <div
            class="board-page"
            class:armed=move || ui.tool.get() != Tool::Select
            class:connecting=move || ui.tool.get() == Tool::Connect
            class:replaying=move || ui.history.with(|h| h.is_some())
            class:locked=locked
        >
            <TopBar title count />
            <palette::Palette />
            <div class="wall-scroll">
                <div
                    class="wall"
                    node_ref=ui.world
                    style:width=move || {
                        let ((x0, _), (x1, _)) = extent.get();
                        format!("{}px", x1 - x0)
                    }
                    style:height=move || {
                        let ((_, y0), (_, y1)) = extent.get();
                        format!("{}px", y1 - y0)
                    }
                    on:pointerdown=on_wall_pointerdown
                    on:dragover=|e: ev::DragEvent| e.prevent_default()
                    on:drop=on_drop
                >
                    <div
                        class="timeline"
                        style:top=move || format!("{}px", TIMELINE_Y - ui.origin.get().1)
                    >
                        <span class="timeline-label">"time →"</span>
                    </div>
                    <For each=move || frame_ids.get() key=|id| *id let:id>
                        <frame::FrameView id />
                    </For>
                    <connector::Connectors />
                    <For each=move || ids.get() key=|id| *id let:id>
                        <sticky::StickyView id />
                    </For>
                    <Cursors />
                    <Show when=move || client.board.with(|b| b.is_none())>
                        <p class="wall-empty">"Loading the wall…"</p>
                    </Show>
                    <Show when=move || client.board.with(|b| b.is_some()) && count() == 0>
                        <p class="wall-empty">
                            "An empty wall. Pick a kind on the left (or press E for an event), then click on the wall, or drag it here. Start with orange domain events on the timeline."
                        </p>
                    </Show>
                </div>
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
    let locked = move || client.board.with(|b| b.as_ref().is_some_and(|b| b.locked));
    let title = StoredValue::new(title);
    let board_title = move || {
        client
            .board
            .with(|b| b.as_ref().map(|b| b.title.clone()))
            .unwrap_or_else(|| title.get_value())
    };
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
            <Show when=locked>
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
                    data-locked=move || locked().to_string()
                    title="Lock the board against changes, or unlock it"
                    on:click=move |_| {
                        client.send(if locked() { Command::UnlockBoard } else { Command::LockBoard });
                    }
                >
                    {move || if locked() { "Unlock" } else { "Lock" }}
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
    view! {
        <For each=others key=|c| c.clone() let:c>
            <div
                class="cursor"
                data-name=c.1.clone()
                style:left=move || format!("{}px", c.3.x - ui.origin.get().0)
                style:top=move || format!("{}px", c.3.y - ui.origin.get().1)
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

fn on_key(ui: WallUi, e: ev::KeyboardEvent) {
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
            "z" if e.shift_key() => ui.client.redo(),
            "z" => ui.client.undo(),
            "y" => ui.client.redo(),
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
    if ui.read_only() || e.alt_key() {
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
