//! The home page: start a board, or open one.

use crate::api::{list_boards, CreateBoard};
use leptos::prelude::*;
use leptos_meta::Title;
use stormwall_core::limits::MAX_TITLE_CHARS;

#[component]
pub fn HomePage() -> impl IntoView {
    let create = ServerAction::<CreateBoard>::new();
    let boards = Resource::new(move || create.version().get(), |_| list_boards());
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
                <h2>"Boards"</h2>
                <Suspense fallback=|| view! { <p class="muted">"Loading boards…"</p> }>
                    {move || Suspend::new(async move {
                        match boards.await {
                            Ok(list) if list.is_empty() => {
                                view! {
                                    <p class="muted">"No boards yet. Create the first one above."</p>
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="boards">
                                        {list
                                            .into_iter()
                                            .map(|b| {
                                                let date = b.created_at.get(..10).unwrap_or_default().to_owned();
                                                view! {
                                                    <li>
                                                        <a href=format!("/b/{}", b.id)>
                                                            <span class="board-title">{b.title}</span>
                                                            <span class="board-date">{date}</span>
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(e) => {
                                view! {
                                    <p class="form-error">"Could not load boards: " {e.to_string()}</p>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Suspense>
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
            Ok(id) => {
                let _ = window().location().set_href(&format!("/b/{id}"));
            }
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
