//! After the workshop: downloads (glossary, Rust crate, board JSON), a preview of the
//! generated crate, and the glossary panel where definitions are edited in place. Previews are
//! computed in the browser from the live board with the same core code the server uses.

use super::WallUi;
use leptos::ev;
use leptos::prelude::*;
use stormwall_core::export::{glossary, rust};
use stormwall_core::{Command, StickyId};

/// Which panel is open on the right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Panel {
    Export,
    Glossary,
}

pub(super) fn toggle(ui: WallUi, panel: Panel) {
    ui.panel
        .update(|p| *p = if *p == Some(panel) { None } else { Some(panel) });
}

#[component]
pub(super) fn Panels() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    move || match ui.panel.get() {
        Some(Panel::Export) => view! { <ExportPanel /> }.into_any(),
        Some(Panel::Glossary) => view! { <GlossaryPanel /> }.into_any(),
        None => ().into_any(),
    }
}

#[component]
fn ExportPanel() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let base = format!("/api/boards/{}/export", ui.client.board_id);
    let generated = Memo::new(move |_| {
        ui.client.board.with(|b| {
            b.as_ref().map(|b| {
                let c = rust::generate(b);
                (c.name, c.files, c.warnings)
            })
        })
    });
    let shown = RwSignal::new("src/lib.rs".to_owned());
    let contents = move || {
        generated.with(|g| {
            g.as_ref().and_then(|(_, files, _)| {
                shown.with(|p| {
                    files
                        .iter()
                        .find(|f| &f.path == p)
                        .map(|f| f.contents.clone())
                })
            })
        })
    };
    view! {
        <aside class="side-panel export-panel" aria-label="Export">
            <header>
                <h2>"Export"</h2>
                <button class="notice-close" on:click=move |_| ui.panel.set(None)>"×"</button>
            </header>
            <h3>"Ubiquitous language"</h3>
            <p class="muted">"Every term by bounded context, with its definition and where it is used."</p>
            <div class="download-row">
                <a class="button export-glossary-md" href=format!("{base}/glossary?format=md") download>"Markdown"</a>
                <a class="button export-glossary-csv" href=format!("{base}/glossary?format=csv") download>"CSV"</a>
                <a class="button export-glossary-json" href=format!("{base}/glossary?format=json") download>"JSON"</a>
            </div>
            <h3>"Rust aggregates"</h3>
            <p class="muted">
                "A Cargo crate: one module per bounded context, one per aggregate, with Command, Event and Error enums and test skeletons. It compiles as it is."
            </p>
            <div class="download-row">
                <a class="button primary export-rust" href=format!("{base}/rust") download>
                    {move || generated.with(|g| g.as_ref().map(|(n, _, _)| format!("Download {n}.tar.gz")).unwrap_or_default())}
                </a>
            </div>
            <Show when=move || generated.with(|g| g.as_ref().is_some_and(|(_, _, w)| !w.is_empty()))>
                <ul class="export-warnings">
                    {move || {
                        generated
                            .with(|g| g.as_ref().map(|(_, _, w)| w.clone()).unwrap_or_default())
                            .into_iter()
                            .map(|w| view! { <li>{w}</li> })
                            .collect_view()
                    }}
                </ul>
            </Show>
            <div class="preview">
                <ul class="preview-files">
                    {move || {
                        generated
                            .with(|g| {
                                g.as_ref()
                                    .map(|(_, files, _)| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>())
                                    .unwrap_or_default()
                            })
                            .into_iter()
                            .map(|path| {
                                let p = path.clone();
                                view! {
                                    <li>
                                        <button
                                            class="preview-file"
                                            class:active=move || shown.with(|s| *s == p)
                                            on:click={
                                                let path = path.clone();
                                                move |_| shown.set(path.clone())
                                            }
                                        >
                                            {path.clone()}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <pre class="preview-code"><code>{contents}</code></pre>
            </div>
            <h3>"The whole board"</h3>
            <p class="muted">"JSON that imports into a new board, losslessly (home page → Import)."</p>
            <div class="download-row">
                <a class="button export-json" href=format!("{base}/json") download>"Board JSON"</a>
            </div>
        </aside>
    }
}

#[component]
fn GlossaryPanel() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let g = Memo::new(move |_| ui.client.board.with(|b| b.as_ref().map(glossary::glossary)));
    view! {
        <aside class="side-panel glossary-panel" aria-label="Glossary">
            <header>
                <h2>"Glossary"</h2>
                <button class="notice-close" on:click=move |_| ui.panel.set(None)>"×"</button>
            </header>
            {move || {
                g.get()
                    .map(|g| {
                        let contexts = g
                            .contexts
                            .into_iter()
                            .map(|ctx| {
                                let name = ctx
                                    .context
                                    .clone()
                                    .unwrap_or_else(|| "Outside any bounded context".into());
                                let terms = ctx
                                    .terms
                                    .into_iter()
                                    .map(|t| {
                                        let notes = t.notes().join(" · ");
                                        view! {
                                            <li class="glossary-term" data-term=t.term.clone()>
                                                <div class="glossary-head">
                                                    <strong>{t.term.clone()}</strong>
                                                    <span class="muted">{t.kind.label()}</span>
                                                </div>
                                                <DefinitionEditor
                                                    stickies=t.stickies.clone()
                                                    definition=t.definition.clone().unwrap_or_default()
                                                />
                                                <Show when={
                                                    let empty = t.used.is_empty();
                                                    move || !empty
                                                }>
                                                    <p class="glossary-used">{t.used.join(" · ")}</p>
                                                </Show>
                                                <Show when={
                                                    let empty = notes.is_empty();
                                                    move || !empty
                                                }>
                                                    <p class="glossary-notes">{notes.clone()}</p>
                                                </Show>
                                            </li>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <section class="glossary-context">
                                        <h3>{name}</h3>
                                        <ul>{terms}</ul>
                                    </section>
                                }
                            })
                            .collect_view();
                        let questions = g
                            .questions
                            .into_iter()
                            .map(|q| view! { <li>{q.question}</li> })
                            .collect_view();
                        view! {
                            {contexts}
                            <section class="glossary-context">
                                <h3>"Open questions"</h3>
                                <ul class="glossary-questions">{questions}</ul>
                            </section>
                        }
                    })
            }}
        </aside>
    }
}

/// A term's definition, saved to every sticky that carries the term when the field loses focus.
#[component]
fn DefinitionEditor(stickies: Vec<StickyId>, definition: String) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let original = definition.clone();
    view! {
        <textarea
            class="glossary-definition"
            rows="2"
            placeholder="No definition yet: what does it mean here?"
            prop:value=definition
            on:blur=move |e: ev::FocusEvent| {
                let text = event_target_value(&e);
                if text == original {
                    return;
                }
                let commands: Vec<Command> = stickies
                    .iter()
                    .map(|id| Command::DescribeSticky { id: *id, description: text.clone() })
                    .collect();
                let command = match commands.len() {
                    1 => commands.into_iter().next().expect("one command"),
                    _ => Command::Batch { expect: vec![], commands },
                };
                ui.client.send(command);
            }
        ></textarea>
    }
}
