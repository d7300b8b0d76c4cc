//! Arrows between stickies, drawn in one SVG layer between the frames and the stickies. An
//! arrow runs from the centre of one sticky to the edge of the other, so its head shows.

use super::WallUi;
use leptos::ev;
use leptos::prelude::*;
use stormwall_core::export::svg::arrow_ends;
use stormwall_core::ConnectorId;

/// The arrows on screen, in one SVG at the board's origin whose content overflows it in every
/// direction (board coordinates may be negative).
#[component]
pub(super) fn Connectors(ids: Memo<Vec<ConnectorId>>) -> impl IntoView {
    view! {
        <svg class="connectors" width="1" height="1">
            <defs>
                <marker
                    id="arrow-head"
                    viewBox="0 0 10 10"
                    refX="9"
                    refY="5"
                    markerWidth="8"
                    markerHeight="8"
                    orient="auto-start-reverse"
                >
                    <path d="M 0 0 L 10 5 L 0 10 z" fill="#3b4252"></path>
                </marker>
            </defs>
            <For each=move || ids.get() key=|id| *id let:id>
                <Arrow id />
            </For>
        </svg>
    }
}

#[component]
fn Arrow(id: ConnectorId) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let Some(cell) = ui.scene.connector(id) else {
        return ().into_any();
    };
    let ends = Memo::new(move |_| cell.with(|c| (c.from, c.to, c.label.clone())));
    let geometry = move || {
        let (from, to, _) = ends.get();
        // The same geometry as the SVG export's arrows.
        Some(arrow_ends(ui.sticky_rect(from)?, ui.sticky_rect(to)?))
    };
    let path = move || {
        geometry()
            .map(|((x1, y1), (x2, y2))| format!("M {x1:.1} {y1:.1} L {x2:.1} {y2:.1}"))
            .unwrap_or_default()
    };
    let label = move || ends.with(|(_, _, l)| l.clone());
    let mid = move || {
        geometry()
            .map(|((x1, y1), (x2, y2))| ((x1 + x2) / 2.0, (y1 + y2) / 2.0))
            .unwrap_or_default()
    };
    let select = move |e: ev::PointerEvent| {
        if ui.is_pan_gesture(&e) {
            return; // the wall pans
        }
        e.stop_propagation();
        if ui.read_only() {
            return;
        }
        ui.selected.set(Vec::new());
        ui.selected_frame.set(None);
        ui.selected_connector.set(Some(id));
    };
    view! {
        <g
            class="connector"
            class:selected=move || ui.selected_connector.get() == Some(id)
            data-id=id.to_string()
        >
            // A wide transparent stroke makes the thin arrow easy to click.
            <path class="connector-hit" d=path on:pointerdown=select></path>
            <path class="connector-line" d=path marker-end="url(#arrow-head)"></path>
            <Show when=move || label().is_some()>
                <text class="connector-label" x=move || mid().0 y=move || mid().1 - 6.0>
                    {label}
                </text>
            </Show>
        </g>
    }
    .into_any()
}
