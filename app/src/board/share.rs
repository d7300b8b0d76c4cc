//! The board's links, as this user may hand them out: each as a full address to copy, and
//! for the facilitator a way to replace one (whoever uses the old link is disconnected).

use super::WallUi;
use leptos::html;
use leptos::prelude::*;
use stormwall_core::protocol::Link;
use stormwall_core::Role;

/// What each link lets its holder do, in the dialog's words.
fn what(role: Role) -> &'static str {
    match role {
        Role::Facilitator => "Runs the workshop: phases, timer, votes, follow me, locking and these links. Keep it to yourself.",
        Role::Edit => "Adds, moves and edits stickies, and votes.",
        Role::View => "Watches the board live and exports it; changes nothing.",
    }
}

#[component]
pub(super) fn ShareDialog() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let links = move || {
        let mut links = ui.client.access.links.get();
        links.sort_by_key(|l| std::cmp::Reverse(l.role));
        links
    };
    view! {
        <aside class="share-dialog" role="dialog" aria-label="Share this board">
            <header>
                <h2>"Share this board"</h2>
                <button class="notice-close" on:click=move |_| ui.share_open.set(false)>"×"</button>
            </header>
            <p class="muted">
                "Anyone with a link can open the board with what it allows. Links are secret: send them only to the people they are for."
            </p>
            <Show when=move || ui.client.access.links.with(|l| l.is_empty())>
                <p class="muted">"The links arrive with the connection…"</p>
            </Show>
            <For each=links key=|l| (l.role, l.key.clone()) let:link>
                <ShareLink link />
            </For>
        </aside>
    }
}

#[component]
fn ShareLink(link: Link) -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let input = NodeRef::<html::Input>::new();
    let url = full_url(&link, ui);
    let role = link.role;
    let copied = RwSignal::new(false);
    let copy = {
        let url = url.clone();
        move |_| {
            copy_text(&url, input);
            copied.set(true);
            set_timeout(
                move || {
                    let _ = copied.try_set(false);
                },
                std::time::Duration::from_secs(2),
            );
        }
    };
    let confirming = RwSignal::new(false);
    view! {
        <section class="share-entry" data-role=role.name()>
            <h3>{format!("{} link", role.label())}</h3>
            <p class="muted">{what(role)}</p>
            <div class="share-row">
                <input
                    class="share-link"
                    data-role=role.name()
                    readonly
                    node_ref=input
                    prop:value=url
                    aria-label=format!("{} link", role.label())
                    on:focus=move |_| {
                        if let Some(el) = input.get_untracked() {
                            el.select();
                        }
                    }
                />
                <button class="button copy-link" data-role=role.name() on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
            <Show when=move || ui.facilitates()>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button
                            class="button rotate-link"
                            data-role=role.name()
                            title="Make a new link; people using this one are disconnected"
                            on:click=move |_| confirming.set(true)
                        >
                            "Replace link…"
                        </button>
                    }
                >
                    <p class="rotate-warning">
                        {format!(
                            "A new {} link replaces this one: everyone who opened the board with the old link is disconnected and needs the new one.",
                            role.label().to_lowercase()
                        )}
                    </p>
                    <div class="share-row">
                        <button
                            class="button danger rotate-confirm"
                            data-role=role.name()
                            on:click=move |_| {
                                confirming.set(false);
                                ui.client.rotate(role);
                            }
                        >
                            "Replace the link"
                        </button>
                        <button class="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </div>
                </Show>
            </Show>
        </section>
    }
}

fn full_url(link: &Link, ui: WallUi) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!(
        "{origin}{}",
        crate::api::board_link(ui.client.board_id, &link.key)
    )
}

/// Copies with the clipboard API; where it is missing or refused (an insecure origin, say),
/// the address is selected for the user to copy themselves.
fn copy_text(text: &str, input: NodeRef<html::Input>) {
    if let Some(el) = input.get_untracked() {
        el.select();
    }
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        // Only secure pages have a clipboard: elsewhere the property is missing altogether.
        let navigator = window().navigator();
        let Some(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into())
            .ok()
            .and_then(|c| c.dyn_into::<web_sys::Clipboard>().ok())
        else {
            return;
        };
        let promise = clipboard.write_text(text);
        leptos::task::spawn_local(async move {
            if wasm_bindgen_futures::JsFuture::from(promise).await.is_err() {
                if let Some(el) = input.get_untracked() {
                    let _ = el.focus();
                    el.select();
                }
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
