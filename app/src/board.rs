//! The board page: a palette of the eight kinds, the wall with its timeline, and the stickies.

use crate::api::find_board;
use crate::client::{random_uuid, BoardClient};
use crate::NotFound;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use stormwall_core::limits::MAX_TEXT_CHARS;
use stormwall_core::protocol::BoardSummary;
use stormwall_core::{Command, Position, StickyId, StickyKind};

/// Size of a sticky at rest, in board units; the text wraps inside it (see `style/main.css`).
const STICKY_W: i32 = 160;
const STICKY_H: i32 = 110;
/// Where the timeline runs across the wall.
const TIMELINE_Y: i32 = 420;
/// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD: f64 = 4.0;

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

/// An ongoing drag of one sticky.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Drag {
    id: StickyId,
    start: (f64, f64),
    origin: Position,
    now: Position,
    moved: bool,
}

/// What this user is doing on the wall (never shared).
#[derive(Clone, Copy)]
struct WallUi {
    client: BoardClient,
    armed: RwSignal<Option<StickyKind>>,
    selected: RwSignal<Option<StickyId>>,
    editing: RwSignal<Option<StickyId>>,
    drag: RwSignal<Option<Drag>>,
    /// Top-left of the visible wall in board units (moves left/up when stickies go negative).
    origin: Memo<(i32, i32)>,
    world: NodeRef<html::Div>,
}

impl WallUi {
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

    /// Places a sticky centred on the pointer and opens its editor when it arrives.
    fn place(&self, kind: StickyKind, at: Position) {
        let id = StickyId(random_uuid());
        let pos = self.clamp(Position::new(at.x - STICKY_W / 2, at.y - STICKY_H / 2));
        if self
            .client
            .send(Command::AddSticky {
                id,
                kind,
                text: kind.placeholder().to_owned(),
                pos,
                size: None,
            })
            .is_some()
        {
            self.client.edit_on_arrival.set(Some(id));
            self.selected.set(Some(id));
        }
    }
}

#[component]
fn Wall(summary: BoardSummary) -> impl IntoView {
    let client = BoardClient::new(summary.id);
    let ids = Memo::new(move |_| {
        client.board.with(|b| {
            b.as_ref()
                .map(|b| b.stickies.keys().copied().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    // The wall grows with its content and always has room to the right and below.
    let extent = Memo::new(move |_| {
        client.board.with(|b| {
            // The UI never places at negative coordinates, so the wall only grows leftwards
            // or upwards for stickies other clients put there; nothing shifts under the pointer.
            let mut min = (0, 0);
            let mut max = (2400, 1200);
            for s in b.iter().flat_map(|b| b.stickies.values()) {
                min = (min.0.min(s.pos.x), min.1.min(s.pos.y));
                max = (max.0.max(s.pos.x + 800), max.1.max(s.pos.y + 600));
            }
            (min, max)
        })
    });
    let ui = WallUi {
        client,
        armed: RwSignal::new(None),
        selected: RwSignal::new(None),
        editing: RwSignal::new(None),
        drag: RwSignal::new(None),
        origin: Memo::new(move |_| extent.get().0),
        world: NodeRef::new(),
    };
    provide_context(ui);

    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            #[cfg(feature = "hydrate")]
            client.connect();
        }
    });
    on_cleanup(move || client.close());

    // Dragging follows the pointer anywhere on the page, not only over the sticky.
    let move_handle = window_event_listener(ev::pointermove, move |e| {
        if let Some(mut d) = ui.drag.get_untracked() {
            let (dx, dy) = (
                f64::from(e.client_x()) - d.start.0,
                f64::from(e.client_y()) - d.start.1,
            );
            if !d.moved && dx.abs() + dy.abs() < DRAG_THRESHOLD {
                return;
            }
            d.moved = true;
            d.now = ui.clamp(Position::new(
                d.origin.x + dx as i32,
                d.origin.y + dy as i32,
            ));
            ui.drag.set(Some(d));
        }
    });
    let up_handle = window_event_listener(ev::pointerup, move |_| {
        if let Some(d) = ui.drag.get_untracked() {
            ui.drag.set(None);
            if d.moved && d.now != d.origin {
                ui.client.move_sticky(d.id, d.now);
            }
        }
    });
    let key_handle = window_event_listener(ev::keydown, move |e| on_key(ui, e));
    on_cleanup(move || {
        move_handle.remove();
        up_handle.remove();
        key_handle.remove();
    });

    let on_wall_pointerdown = move |e: ev::PointerEvent| {
        if e.button() != 0 {
            return;
        }
        match ui.armed.get_untracked() {
            Some(kind) => {
                if let Some(at) = ui.board_pos(e.client_x(), e.client_y()) {
                    ui.place(kind, at);
                }
                if !e.shift_key() {
                    ui.armed.set(None);
                }
            }
            None => ui.selected.set(None),
        }
    };
    let on_drop = move |e: ev::DragEvent| {
        e.prevent_default();
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
    view! {
        <Title text=format!("{} · Stormwall", summary.title) />
        <div class="board-page" class:armed=move || ui.armed.get().is_some()>
            <header class="topbar">
                <a class="back" href="/" title="All boards">"←"</a>
                <span class="brand-mark small" aria-hidden="true"></span>
                <h1 class="board-name">
                    {move || {
                        client
                            .board
                            .with(|b| b.as_ref().map(|b| b.title.clone()))
                            .unwrap_or_else(|| title.clone())
                    }}
                </h1>
                <span class="count">
                    {move || match count() {
                        1 => "1 sticky".to_owned(),
                        n => format!("{n} stickies"),
                    }}
                </span>
                <span class="spacer"></span>
                <span class="hint">"Double-click to edit · Delete removes · drag to move"</span>
                <span
                    class="status"
                    data-status=move || client.status.get().as_str()
                    role="status"
                    aria-live="polite"
                >
                    <span class="dot"></span>
                    {move || client.status.get().label()}
                </span>
            </header>
            <Palette />
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
                    <For each=move || ids.get() key=|id| *id let:id>
                        <StickyView id />
                    </For>
                    <Show when=move || client.board.with(|b| b.is_none())>
                        <p class="wall-empty">"Loading the wall…"</p>
                    </Show>
                    <Show when=move || client.board.with(|b| b.is_some()) && count() == 0>
                        <p class="wall-empty">
                            "An empty wall. Pick a kind on the left, then click on the wall, or drag it here. Start with orange domain events on the timeline."
                        </p>
                    </Show>
                </div>
            </div>
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
}

fn on_key(ui: WallUi, e: ev::KeyboardEvent) {
    // Typing in a field is never a shortcut.
    let in_field = e
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .map(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA")
                || el.has_attribute("contenteditable")
        })
        .unwrap_or(false);
    if in_field || ui.editing.get_untracked().is_some() {
        return;
    }
    match e.key().as_str() {
        "Delete" | "Backspace" => {
            if let Some(id) = ui.selected.get_untracked() {
                e.prevent_default();
                ui.selected.set(None);
                ui.client.send(Command::DeleteSticky { id });
            }
        }
        "Enter" => {
            if let Some(id) = ui.selected.get_untracked() {
                e.prevent_default();
                ui.editing.set(Some(id));
            }
        }
        "Escape" => {
            ui.armed.set(None);
            ui.selected.set(None);
        }
        _ => {}
    }
}

#[component]
fn Palette() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    view! {
        <nav class="palette" aria-label="Sticky kinds">
            <p class="palette-title">"Add"</p>
            {StickyKind::ALL
                .into_iter()
                .map(|kind| {
                    view! {
                        <button
                            class="palette-item"
                            class:active=move || ui.armed.get() == Some(kind)
                            data-kind=kind.name()
                            draggable="true"
                            title=format!("{}: click, then click on the wall; or drag onto the wall", kind.label())
                            style:--kind-colour=kind.colour()
                            on:click=move |_| {
                                ui.armed.update(|a| *a = if *a == Some(kind) { None } else { Some(kind) })
                            }
                            on:dragstart=move |e: ev::DragEvent| {
                                if let Some(dt) = e.data_transfer() {
                                    let _ = dt.set_data("text/plain", kind.name());
                                }
                            }
                        >
                            <span class="swatch"></span>
                            <span class="palette-label">{kind.label()}</span>
                        </button>
                    }
                })
                .collect_view()}
            <Show when=move || ui.armed.get().is_some()>
                <p class="palette-hint">"Click on the wall to place it. Shift-click places several. Esc cancels."</p>
            </Show>
        </nav>
    }
}

/// Text size steps down as text grows, so a sticky stays legible at any length.
fn size_class(text: &str) -> &'static str {
    match text.chars().count() {
        0..=40 => "text-l",
        41..=120 => "text-m",
        121..=300 => "text-s",
        _ => "text-xs",
    }
}

#[component]
fn StickyView(id: StickyId) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let client = ui.client;
    let sticky = Memo::new(move |_| {
        client
            .board
            .with(|b| b.as_ref().and_then(|b| b.sticky(id).cloned()))
    });
    if client.edit_on_arrival.get_untracked() == Some(id) {
        client.edit_on_arrival.set(None);
        ui.editing.set(Some(id));
    }
    let pos = move || {
        if let Some(d) = ui.drag.get().filter(|d| d.id == id && d.moved) {
            return d.now;
        }
        if let Some((_, p)) = client.moving.with(|m| m.get(&id).copied()) {
            return p;
        }
        sticky.with(|s| s.as_ref().map(|s| s.pos).unwrap_or_default())
    };
    let kind = move || {
        sticky.with(|s| {
            s.as_ref()
                .map(|s| s.kind)
                .unwrap_or(StickyKind::DomainEvent)
        })
    };
    let text = move || sticky.with(|s| s.as_ref().map(|s| s.text.clone()).unwrap_or_default());
    let is_editing = move || ui.editing.get() == Some(id);

    view! {
        <div
            class=move || format!("sticky kind-{} {}", kind().name(), sticky.with(|s| size_class(s.as_ref().map(|s| s.text.as_str()).unwrap_or(""))))
            class:selected=move || ui.selected.get() == Some(id)
            class:dragging=move || ui.drag.get().is_some_and(|d| d.id == id && d.moved)
            data-id=id.to_string()
            data-kind=move || kind().name()
            title=move || kind().label()
            style:left=move || format!("{}px", pos().x - ui.origin.get().0)
            style:top=move || format!("{}px", pos().y - ui.origin.get().1)
            style:--kind-colour=move || kind().colour()
            style:width=move || sticky.with(|s| s.as_ref().map(|s| format!("{}px", s.size.w)))
            style:min-height=move || sticky.with(|s| s.as_ref().map(|s| format!("{}px", s.size.h)))
            // Long text scrolls inside the sticky instead of stretching it down the wall.
            style:max-height=move || {
                sticky.with(|s| s.as_ref().map(|s| format!("{}px", s.size.h.max(360))))
            }
            on:pointerdown=move |e: ev::PointerEvent| {
                e.stop_propagation();
                if e.button() != 0 || is_editing() {
                    return;
                }
                ui.selected.set(Some(id));
                let origin = pos();
                ui.drag.set(Some(Drag {
                    id,
                    start: (f64::from(e.client_x()), f64::from(e.client_y())),
                    origin,
                    now: origin,
                    moved: false,
                }));
            }
            on:dblclick=move |e: ev::MouseEvent| {
                e.stop_propagation();
                ui.editing.set(Some(id));
            }
        >
            <span class="sticky-kind">{move || kind().label()}</span>
            <Show
                when=is_editing
                fallback=move || view! { <div class="sticky-text">{text}</div> }
            >
                <StickyEditor id initial=text() />
            </Show>
        </div>
    }
    .into_any()
}

#[component]
fn StickyEditor(id: StickyId, initial: String) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let node = NodeRef::<html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
            el.select();
        }
    });
    let original = initial.clone();
    let commit = move || {
        // Escape or an earlier commit already closed this editor.
        if ui.editing.get_untracked() != Some(id) {
            return;
        }
        ui.editing.set(None);
        let Some(el) = node.get_untracked() else {
            return;
        };
        let text = el.value();
        if text == original {
            return;
        }
        if text.trim().is_empty() {
            ui.client
                .show_notice("A sticky needs some text; the old text was kept.".into());
            return;
        }
        ui.client.send(Command::EditStickyText { id, text });
    };
    let commit_on_enter = commit.clone();
    view! {
        <textarea
            class="sticky-editor"
            node_ref=node
            prop:value=initial
            maxlength=MAX_TEXT_CHARS.to_string()
            aria-label="Sticky text"
            on:pointerdown=|e: ev::PointerEvent| e.stop_propagation()
            on:dblclick=|e: ev::MouseEvent| e.stop_propagation()
            on:blur=move |_| commit()
            on:keydown=move |e: ev::KeyboardEvent| {
                match e.key().as_str() {
                    // Enter saves, Shift+Enter is a line break, as in chat and most whiteboards.
                    "Enter" if !e.shift_key() => {
                        e.prevent_default();
                        commit_on_enter();
                    }
                    "Escape" => {
                        e.prevent_default();
                        ui.editing.set(None);
                    }
                    _ => {}
                }
            }
        ></textarea>
    }
}
