//! One sticky: drag to move (with the rest of the selection), double-click to edit, resize by
//! its corner, and the arrow tool's clicks.

use super::{vote, WallUi};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use stormwall_core::limits::MAX_TEXT_CHARS;
use stormwall_core::{Command, StickyId};

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
pub(super) fn StickyView(id: StickyId) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let client = ui.client;
    // This sticky's own cell: an event elsewhere on the board never re-runs anything here.
    let Some(sticky) = ui.scene.sticky(id) else {
        return ().into_any();
    };
    if client.edit_on_arrival.get_untracked() == Some(id) {
        client.edit_on_arrival.set(None);
        ui.editing.set(Some(id));
    }
    let rect = move || ui.sticky_rect(id).unwrap_or_default();
    let kind = move || sticky.with(|s| s.kind);
    let text = move || sticky.with(|s| s.text.clone());
    let text_size = move || sticky.with(|s| size_class(&s.text));
    let described = move || sticky.with(|s| !s.description.is_empty());
    let field_count = move || sticky.with(|s| s.fields.len());
    let is_editing = move || ui.editing.get() == Some(id);
    // Someone else with this sticky's editor open: their colour and name on it.
    let edited_by = move || ui.editors.get(id);
    let is_selected = move || ui.selected_flags.get(id);

    let on_pointerdown = move |e: ev::PointerEvent| {
        if ui.is_pan_gesture(&e) {
            return; // the wall pans
        }
        e.stop_propagation();
        if e.button() != 0 || is_editing() || ui.read_only() {
            return;
        }
        ui.press_sticky(id, &e);
    };
    let on_resize = move |e: ev::PointerEvent| {
        if ui.is_pan_gesture(&e) {
            return;
        }
        e.stop_propagation();
        if e.button() != 0 || ui.read_only() {
            return;
        }
        ui.start_resize(id, &e);
    };

    view! {
        <div
            class=move || format!("sticky kind-{} {}", kind().name(), text_size())
            class:selected=is_selected
            class:edited-by-other=move || edited_by().is_some()
            style:--editor-colour=move || edited_by().map(|(_, c)| c).unwrap_or_default()
            class:connect-from=move || ui.connect_from.get() == Some(id)
            class:dragging=move || ui.preview.get(id).is_some() && ui.drag.with_untracked(|d| d.is_some())
            data-id=id.to_string()
            data-kind=move || kind().name()
            title=move || kind().label()
            style:left=move || format!("{}px", rect().x)
            style:top=move || format!("{}px", rect().y)
            style:width=move || format!("{}px", rect().w)
            style:min-height=move || format!("{}px", rect().h)
            // Long text scrolls inside the sticky instead of stretching it down the wall.
            style:max-height=move || format!("{}px", rect().h.max(360))
            style:--kind-colour=move || kind().colour()
            on:pointerdown=on_pointerdown
            on:dblclick=move |e: ev::MouseEvent| {
                e.stop_propagation();
                if !ui.read_only() {
                    ui.editing.set(Some(id));
                }
            }
        >
            <Show when=move || edited_by().is_some()>
                <span class="sticky-editor-tag">
                    {move || edited_by().map(|(name, _)| format!("{name} is editing")).unwrap_or_default()}
                </span>
            </Show>
            <span class="sticky-kind">
                {move || kind().label()}
                <Show when=described>
                    <span class="sticky-badge" title="Has a definition">" · ✎"</span>
                </Show>
                <Show when=move || field_count() != 0>
                    <span class="sticky-badge" title="Payload fields">
                        {move || format!(" · {} fields", field_count())}
                    </span>
                </Show>
            </span>
            <Show
                when=is_editing
                fallback=move || view! { <div class="sticky-text">{text}</div> }
            >
                <StickyEditor id initial=text() />
            </Show>
            <vote::StickyDots id />
            <Show when=move || is_selected() && ui.selected.with(|s| s.len() == 1)>
                <span class="resize-handle" title="Drag to resize" on:pointerdown=on_resize></span>
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
