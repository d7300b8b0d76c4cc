//! The Stormwall UI, rendered on the server (`ssr`) and hydrated in the browser (`hydrate`).
//!
//! # Layout
//! - [`api`]: server functions (create, open with a link's key, history, import) and the
//!   [`api::Backend`] trait the server implements for them.
//! - [`home`]: the home page: new board, import, the boards this browser has opened.
//! - [`board`]: the board page: palette, wall, timeline, stickies, the facilitator's kit.
//! - [`client`]: the browser side of the WebSocket protocol; it owns the board's signals.
//! - [`recent`]: the boards this browser has opened, with their links' keys.

// Leptos view types nest deeply; release builds need more room to compute their layout.
#![recursion_limit = "256"]

pub mod api;
pub mod board;
pub mod client;
pub mod home;
pub mod recent;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Tests (and people reading the DOM) can tell when the page has become interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/stormwall.css" />
        <Title formatter=title_text text="Stormwall" />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("") view=home::HomePage />
                <Route path=path!("/b/:id") view=board::BoardPage />
            </Routes>
        </Router>
    }
}

/// Every page title goes through this. On the server, `leptos_meta` writes the `<title>` text
/// into the HTML as it is, so a board titled `</title><script>…` would end the element and run
/// the script: the text is escaped there. In the browser it becomes `document.title`, which
/// is plain text and must not be escaped.
fn title_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        escape_html(&text)
    } else {
        text
    }
}

/// Text made safe for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A 404 page; sets the HTTP status when rendered on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Not found · Stormwall" />
        <main class="not-found">
            <h1>"Nothing on this wall"</h1>
            <p>"There is no board at this address. It may have been mistyped."</p>
            <a class="button primary" href="/">"Go to your boards"</a>
        </main>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
