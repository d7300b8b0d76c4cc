//! A bounded-context frame: a named rectangle behind the stickies. Its body lets clicks through
//! to the wall (so stickies can be placed inside); its name bar moves it, its corner resizes it.

use super::WallUi;
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use stormwall_core::limits::MAX_NAME_CHARS;
use stormwall_core::{Command, FrameId};

#[component]
pub(super) fn FrameView(id: FrameId) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let Some(frame) = ui.scene.frame(id) else {
        return ().into_any();
    };
    if ui.frame_edit_on_arrival.get_untracked() == Some(id) {
        ui.frame_edit_on_arrival.set(None);
        ui.editing_frame.set(Some(id));
        ui.selected_frame.set(Some(id));
    }
    let rect = move || {
        ui.frame_preview(id)
            .unwrap_or_else(|| frame.with(|f| f.rect))
    };
    let name = move || frame.with(|f| f.name.clone());
    let start_drag = move |e: ev::PointerEvent, resize: bool| {
        if ui.is_pan_gesture(&e) {
            return; // the wall pans
        }
        e.stop_propagation();
        if e.button() != 0 || ui.read_only() || ui.editing_frame.get_untracked() == Some(id) {
            return;
        }
        ui.start_frame_drag(id, rect(), resize, &e);
    };
    view! {
        <div
            class="frame"
            class:selected=move || ui.selected_frame.get() == Some(id)
            data-id=id.to_string()
            style:left=move || format!("{}px", rect().x)
            style:top=move || format!("{}px", rect().y)
            style:width=move || format!("{}px", rect().w)
            style:height=move || format!("{}px", rect().h)
        >
            <div
                class="frame-name"
                title="Bounded context: drag to move, double-click to rename"
                on:pointerdown=move |e| start_drag(e, false)
                on:dblclick=move |e: ev::MouseEvent| {
                    e.stop_propagation();
                    if !ui.read_only() {
                        ui.editing_frame.set(Some(id));
                    }
                }
            >
                <Show
                    when=move || ui.editing_frame.get() == Some(id)
                    fallback=move || view! { <span>{name}</span> }
                >
                    <FrameNameEditor id initial=name() />
                </Show>
            </div>
            <span
                class="frame-resize"
                title="Drag to resize"
                on:pointerdown=move |e| start_drag(e, true)
            ></span>
        </div>
    }
    .into_any()
}

#[component]
fn FrameNameEditor(id: FrameId, initial: String) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let node = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
            el.select();
        }
    });
    let commit = move || {
        if ui.editing_frame.get_untracked() != Some(id) {
            return;
        }
        ui.editing_frame.set(None);
        if let Some(el) = node.get_untracked() {
            ui.client.send(Command::RenameFrame {
                id,
                name: el.value(),
            });
        }
    };
    view! {
        <input
            class="frame-name-input"
            node_ref=node
            prop:value=initial
            maxlength=MAX_NAME_CHARS.to_string()
            aria-label="Bounded context name"
            on:pointerdown=|e: ev::PointerEvent| e.stop_propagation()
            on:blur=move |_| commit()
            on:keydown=move |e: ev::KeyboardEvent| match e.key().as_str() {
                "Enter" => commit(),
                "Escape" => ui.editing_frame.set(None),
                _ => {}
            }
        />
    }
}
