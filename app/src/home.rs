//! The home page: start a board, import one, or open one this browser has opened before.
//! There is no list of all boards: a board is reached through its link.

use crate::api::CreateBoard;
use crate::recent;
use leptos::prelude::*;
use leptos_meta::Title;
use stormwall_core::limits::MAX_TITLE_CHARS;

#[component]
pub fn HomePage() -> impl IntoView {
    let create = ServerAction::<CreateBoard>::new();
    let import_error = RwSignal::new(None::<String>);
    let error = move || {
        create.value().get().and_then(|r| r.err()).map(|e| {
            // ServerFnError's Display prefixes the variant; people want the reason only.
            let msg = e.to_string();
            msg.split_once(": ")
                .map(|(_, m)| m.to_owned())
                .unwrap_or(msg)
        })
    };
    view! {
        <Title text="Stormwall · EventStorming boards" />
        <main class="home">
            <header class="home-header">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <h1>"Stormwall"</h1>
                </div>
                <p class="tagline">
                    "An endless paper wall for EventStorming: events, commands, aggregates and policies, live with your whole team."
                </p>
            </header>
            <section class="card new-board">
                <h2>"New board"</h2>
                <ActionForm action=create attr:class="new-board-form">
                    <input
                        type="text"
                        name="title"
                        placeholder="What are we exploring? e.g. Conference ticketing"
                        maxlength=MAX_TITLE_CHARS.to_string()
                        required
                        autofocus
                        aria-label="Board title"
                    />
                    <button type="submit" class="button primary">"Create board"</button>
                </ActionForm>
                <Show when=move || error().is_some()>
                    <p class="form-error" role="alert">{error}</p>
                </Show>
            </section>
            <section class="card import-board">
                <h2>"Import"</h2>
                <p class="muted">"A board file exported from Stormwall (Export → Board JSON) becomes a new board."</p>
                <input
                    type="file"
                    class="import-file"
                    accept=".json,application/json"
                    aria-label="Board file"
                    on:change=move |e| {
                        #[cfg(feature = "hydrate")]
                        import_file(e, import_error);
                        #[cfg(not(feature = "hydrate"))]
                        let _ = (e, import_error);
                    }
                />
                <Show when=move || import_error.with(|e| e.is_some())>
                    <p class="form-error" role="alert">{move || import_error.get()}</p>
                </Show>
            </section>
            <section class="card board-list">
                <h2>"Your boards"</h2>
                <KnownBoards />
            </section>
        </main>
    }
}

/// Reads the chosen file and imports it; on success the browser goes to the new board.
#[cfg(feature = "hydrate")]
fn import_file(e: leptos::ev::Event, error: RwSignal<Option<String>>) {
    use wasm_bindgen::JsCast;
    let Some(input) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string());
        let Some(text) = text else {
            error.set(Some("The file could not be read.".into()));
            return;
        };
        match crate::api::import_board(text).await {
            Ok(created) => match created.key(stormwall_core::Role::Facilitator) {
                Some(key) => {
                    let _ = window()
                        .location()
                        .set_href(&crate::api::board_link(created.id, key));
                }
                None => error.set(Some("The server gave no link to the new board.".into())),
            },
            Err(e) => {
                let msg = e.to_string();
                error.set(Some(
                    msg.split_once(": ")
                        .map(|(_, m)| m.to_owned())
                        .unwrap_or(msg),
                ));
            }
        }
    });
}

/// The boards this browser knows (its own storage; the server keeps no list of them).
#[component]
fn KnownBoards() -> impl IntoView {
    // Read after hydration: the server cannot see this browser's storage.
    let boards = RwSignal::new(None::<Vec<recent::Entry>>);
    Effect::new(move |_| boards.set(Some(recent::boards())));
    move || {
        match boards.get() {
        None => view! { <p class="muted">"Loading your boards…"</p> }.into_any(),
        Some(list) if list.is_empty() => view! {
            <p class="muted">
                "No boards in this browser yet. Create one above, or open a link someone shared with you."
            </p>
        }
        .into_any(),
        Some(list) => view! {
            <ul class="boards">
                {list
                    .into_iter()
                    .map(|b| {
                        let date = b.opened_at.get(..10).unwrap_or_default().to_owned();
                        view! {
                            <li data-role=b.role.name()>
                                <a href=format!("/b/{}", b.id)>
                                    <span class="board-title">{b.title}</span>
                                    <span class="board-role">{b.role.label()}</span>
                                    <span class="board-date">{date}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    }
    }
}
