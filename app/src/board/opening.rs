//! Opening a board with its link. The server renders nothing of a board (it cannot know the
//! key: the fragment `#k=…` never reaches it); the browser takes the key from the fragment,
//! or the one it kept for this board, asks the server what it opens, remembers it, and drops
//! the fragment from the address bar so a copied address never hands the link on.

use super::Wall;
use crate::api;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use stormwall_core::protocol::BoardSummary;
use stormwall_core::Role;

// Only the browser gets past `Pending`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Opening {
    Pending,
    /// Neither the address nor this browser has a key for the board.
    NoKey,
    /// The key does not open it (wrong, revoked, or no such board: not told apart).
    Denied,
    /// The server could not be asked.
    Unreachable(String),
    Open {
        summary: BoardSummary,
        role: Role,
        key: String,
    },
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let params = use_params_map();
    let state = RwSignal::new(Opening::Pending);
    // Effects run in the browser only: the server renders the neutral placeholder.
    Effect::new(move |_| {
        let id = params.read().get("id").unwrap_or_default();
        state.set(Opening::Pending);
        #[cfg(feature = "hydrate")]
        open(id, state);
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    });
    // Another link pasted over this one only changes the fragment: no page load happens.
    let hash_handle = window_event_listener(leptos::ev::hashchange, move |_| {
        if key_in_fragment().is_some() {
            let _ = window().location().reload();
        }
    });
    on_cleanup(move || hash_handle.remove());
    move || {
        match state.get() {
        Opening::Pending => view! { <p class="muted loading">"Opening board…"</p> }.into_any(),
        Opening::Open { summary, role, key } => view! { <Wall summary role key /> }.into_any(),
        Opening::NoKey => closed(
            "This board needs its link",
            "Boards are private: open the link the facilitator shared (it ends in #k=…). This browser has no key for this board.",
        ),
        Opening::Denied => closed("The board could not be opened", api::DENIED),
        Opening::Unreachable(e) => closed(
            "The board could not be opened",
            &format!("The server could not answer right now ({e}). Reload the page to try again."),
        ),
    }
    }
}

/// A page in place of the board: why it is not shown, and the way home.
pub(super) fn closed(title: &str, message: &str) -> AnyView {
    view! {
        <main class="not-found board-closed">
            <h1>{title.to_owned()}</h1>
            <p class="board-closed-message">{message.to_owned()}</p>
            <a class="button primary" href="/">"Go to your boards"</a>
        </main>
    }
    .into_any()
}

/// The key in the address's fragment (`#k=KEY`), if any.
fn key_in_fragment() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let hash = window().location().hash().ok()?;
        hash.trim_start_matches('#')
            .split('&')
            .find_map(|part| part.strip_prefix("k="))
            .filter(|k| !k.is_empty())
            .map(|k| {
                js_sys::decode_uri_component(k)
                    .map(String::from)
                    .unwrap_or_else(|_| k.to_owned())
            })
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

#[cfg(feature = "hydrate")]
fn open(id: String, state: RwSignal<Opening>) {
    use crate::recent;
    let Ok(board) = id.parse::<stormwall_core::BoardId>() else {
        state.set(Opening::Denied);
        return;
    };
    let from_link = key_in_fragment();
    let Some(key) = from_link.clone().or_else(|| recent::key_for(board)) else {
        state.set(Opening::NoKey);
        return;
    };
    leptos::task::spawn_local(async move {
        match api::open_board(id, key.clone()).await {
            Ok(Some(opened)) => {
                recent::remember(recent::Entry {
                    id: board,
                    title: opened.summary.title.clone(),
                    role: opened.role,
                    key: key.clone(),
                    opened_at: recent::now_rfc3339(),
                });
                if from_link.is_some() {
                    if let Ok(history) = window().history() {
                        let _ = history.replace_state_with_url(
                            &wasm_bindgen::JsValue::NULL,
                            "",
                            Some(&format!("/b/{board}")),
                        );
                    }
                }
                state.set(Opening::Open {
                    summary: opened.summary,
                    role: opened.role,
                    key,
                });
            }
            // The server answered: the key does not open this board.
            Ok(None) => state.set(Opening::Denied),
            Err(e) => state.set(Opening::Unreachable(e.to_string())),
        }
    });
}
