//! The palette of kinds and tools, its keyboard shortcuts, and the legend. The kinds of the
//! workshop's current phase come first, marked.

use super::{Tool, WallUi};
use leptos::ev;
use leptos::prelude::*;
use stormwall_core::StickyKind;

/// The key that picks a kind: E event, C command, A aggregate, P policy, R read model,
/// U user (actor), S system, H hotspot.
pub(super) fn shortcut(kind: StickyKind) -> char {
    match kind {
        StickyKind::DomainEvent => 'E',
        StickyKind::Command => 'C',
        StickyKind::Aggregate => 'A',
        StickyKind::Policy => 'P',
        StickyKind::ReadModel => 'R',
        StickyKind::Actor => 'U',
        StickyKind::ExternalSystem => 'S',
        StickyKind::Hotspot => 'H',
    }
}

/// B draws a bounded context, K connects two stickies, V (or Esc) selects.
pub(super) fn tool_for_key(key: &str) -> Option<Tool> {
    let upper = key.to_uppercase();
    let k = upper
        .chars()
        .next()
        .filter(|_| upper.chars().count() == 1)?;
    match k {
        'B' => Some(Tool::Frame),
        'K' => Some(Tool::Connect),
        'V' => Some(Tool::Select),
        k => StickyKind::ALL
            .into_iter()
            .find(|kind| shortcut(*kind) == k)
            .map(Tool::Place),
    }
}

#[component]
pub(super) fn Palette() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let toggle = move |tool: Tool| {
        ui.tool
            .update(|t| *t = if *t == tool { Tool::Select } else { tool });
        ui.connect_from.set(None);
    };
    let phase = Memo::new(move |_| ui.workshop.with(|w| w.phase));
    view! {
        <nav class="palette" aria-label="Sticky kinds and tools">
            <p class="palette-title">"Add"</p>
            {move || {
                let in_phase = phase.get().map_or(&[][..], |p| p.kinds());
                in_phase_first(in_phase)
                .into_iter()
                .map(|kind| {
                    view! {
                        <button
                            class="palette-item"
                            class:in-phase=in_phase.contains(&kind)
                            class:active=move || ui.tool.get() == Tool::Place(kind)
                            data-kind=kind.name()
                            draggable="true"
                            title=format!(
                                "{} ({}): click, then click on the wall; or drag onto the wall",
                                kind.label(),
                                shortcut(kind),
                            )
                            style:--kind-colour=kind.colour()
                            on:click=move |_| toggle(Tool::Place(kind))
                            on:dragstart=move |e: ev::DragEvent| {
                                if let Some(dt) = e.data_transfer() {
                                    let _ = dt.set_data("text/plain", kind.name());
                                }
                            }
                        >
                            <span class="swatch"></span>
                            <span class="palette-label">{kind.label()}</span>
                            <kbd>{shortcut(kind).to_string()}</kbd>
                        </button>
                    }
                })
                .collect_view()
            }}
            <p class="palette-title">"Draw"</p>
            <button
                class="palette-item tool-frame"
                class:active=move || ui.tool.get() == Tool::Frame
                title="Bounded context (B): click on the wall to draw one"
                on:click=move |_| toggle(Tool::Frame)
            >
                <span class="swatch frame-swatch"></span>
                <span class="palette-label">"Bounded context"</span>
                <kbd>"B"</kbd>
            </button>
            <button
                class="palette-item tool-connect"
                class:active=move || ui.tool.get() == Tool::Connect
                title="Arrow (K): click a sticky, then the sticky it leads to"
                on:click=move |_| toggle(Tool::Connect)
            >
                <span class="swatch arrow-swatch">"→"</span>
                <span class="palette-label">"Arrow"</span>
                <kbd>"K"</kbd>
            </button>
            <p class="palette-hint">
                {move || match ui.tool.get() {
                    Tool::Place(_) => "Click on the wall to place it. Shift-click places several. Esc cancels.",
                    Tool::Frame => "Click on the wall where the bounded context starts. Drag its name to move it, its corner to resize it.",
                    Tool::Connect if ui.connect_from.get().is_some() => "Now click the sticky the arrow leads to.",
                    Tool::Connect => "Click the sticky the arrow starts from.",
                    Tool::Select => "",
                }}
            </p>
        </nav>
    }
}

/// Every kind, those of the phase first (in the phase's order), then the others as usual.
fn in_phase_first(in_phase: &[StickyKind]) -> Vec<StickyKind> {
    let rest = StickyKind::ALL
        .into_iter()
        .filter(|k| !in_phase.contains(k));
    in_phase.iter().copied().chain(rest).collect()
}

#[component]
pub(super) fn Legend() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    view! {
        <aside class="legend" role="dialog" aria-label="Legend">
            <header>
                <h2>"Notation and shortcuts"</h2>
                <button class="notice-close" on:click=move |_| ui.legend.set(false)>"×"</button>
            </header>
            <ul class="legend-kinds">
                {StickyKind::ALL
                    .into_iter()
                    .map(|kind| {
                        view! {
                            <li>
                                <span class="swatch" style:--kind-colour=kind.colour()></span>
                                <kbd>{shortcut(kind).to_string()}</kbd>
                                <strong>{kind.label()}</strong>
                                <span class="muted">{legend_hint(kind)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="legend-grammar">
                "Actor → Command → Aggregate → Domain event → Policy → Command; Domain event → Read model → Actor"
            </p>
            <dl class="legend-keys">
                <dt><kbd>"B"</kbd></dt><dd>"draw a bounded context"</dd>
                <dt><kbd>"K"</kbd></dt><dd>"draw an arrow between two stickies"</dd>
                <dt><kbd>"Shift"</kbd>" + click"</dt><dd>"select several stickies"</dd>
                <dt>"double-click / "<kbd>"Enter"</kbd></dt><dd>"edit the text"</dd>
                <dt><kbd>"Delete"</kbd></dt><dd>"remove what is selected"</dd>
                <dt><kbd>"Ctrl"</kbd>" + "<kbd>"Z"</kbd></dt><dd>"undo your last change"</dd>
                <dt><kbd>"Shift"</kbd>" + "<kbd>"Ctrl"</kbd>" + "<kbd>"Z"</kbd></dt><dd>"redo"</dd>
                <dt><kbd>"Esc"</kbd></dt><dd>"back to selecting"</dd>
                <dt><kbd>"Ctrl"</kbd>" + wheel, pinch"</dt><dd>"zoom at the pointer"</dd>
                <dt><kbd>"+"</kbd>" "<kbd>"-"</kbd>" "<kbd>"0"</kbd></dt><dd>"zoom in, out, 100 %"</dd>
                <dt><kbd>"1"</kbd>" "<kbd>"2"</kbd></dt><dd>"fit the board, fit the selection"</dd>
                <dt>"wheel, "<kbd>"Space"</kbd>" + drag, arrows"</dt><dd>"pan the wall"</dd>
                <dt><kbd>"M"</kbd></dt><dd>"the minimap"</dd>
            </dl>
        </aside>
    }
}

fn legend_hint(kind: StickyKind) -> &'static str {
    match kind {
        StickyKind::DomainEvent => "a past-tense fact: Order Placed",
        StickyKind::Command => "an intention: Place Order",
        StickyKind::Aggregate => "what decides: Order",
        StickyKind::Policy => "whenever X, then Y",
        StickyKind::ReadModel => "what someone looks at to decide",
        StickyKind::Actor => "a person or role",
        StickyKind::ExternalSystem => "outside the team's control",
        StickyKind::Hotspot => "a question, risk or conflict",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phase_brings_its_kinds_first_and_keeps_every_kind_once() {
        let order = in_phase_first(&[StickyKind::Hotspot, StickyKind::DomainEvent]);
        assert_eq!(&order[..2], &[StickyKind::Hotspot, StickyKind::DomainEvent]);
        assert_eq!(order.len(), StickyKind::ALL.len());
        assert_eq!(in_phase_first(&[]), StickyKind::ALL.to_vec());
    }
}
