//! Server functions. Their bodies run on the server only, through the [`Backend`] the server
//! provides as context; in the browser they are HTTP calls (POST: a board link's key travels
//! in the body, never in a URL). Each has a fixed path (the server's `guard` gives the import
//! its larger body limit by path).

use leptos::prelude::*;
use stormwall_core::protocol::{Created, LoggedEvent, Opened};
use stormwall_core::BoardId;

#[cfg(feature = "ssr")]
pub use backend::{Backend, BoxFuture, Failure, SharedBackend};

#[cfg(feature = "ssr")]
mod backend {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use stormwall_core::protocol::{Created, LoggedEvent, Opened};
    use stormwall_core::BoardId;

    pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

    /// Why the server could not do what a server function asked; each variant is one HTTP
    /// status, and its message is fit to show a user.
    #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
    pub enum Failure {
        /// The request itself is wrong (400): a bad range, a refused title, a bad file.
        #[error("{0}")]
        BadRequest(String),
        /// The link's key does not open this board (403): wrong, revoked, or no such board.
        #[error("{0}")]
        Denied(String),
        /// The server cannot answer right now (503); the details are in its log.
        #[error("{0}")]
        Unavailable(String),
    }

    /// What the UI needs from the server. The server crate implements it; the app crate cannot
    /// depend on the server (the server depends on the app), so the dependency is inverted.
    pub trait Backend: Send + Sync + 'static {
        /// A new board and its three links.
        fn create_board(&self, title: String) -> BoxFuture<'_, Result<Created, Failure>>;
        /// The board and the role `key` gives on it; `Denied` for a wrong or revoked key
        /// (or an unknown board: the two are not told apart).
        fn open_board(&self, id: BoardId, key: String) -> BoxFuture<'_, Result<Opened, Failure>>;
        /// A new board from an exported board file.
        fn import(&self, file: String) -> BoxFuture<'_, Result<Created, Failure>>;
        /// Events `from..=to` (at most a page of them) of a board `key` opens.
        fn history(
            &self,
            id: BoardId,
            key: String,
            from: u64,
            to: u64,
        ) -> BoxFuture<'_, Result<Vec<LoggedEvent>, Failure>>;
    }

    pub type SharedBackend = Arc<dyn Backend>;
}

#[cfg(feature = "ssr")]
fn backend() -> Result<SharedBackend, ServerFnError> {
    use_context::<SharedBackend>().ok_or_else(|| ServerFnError::new("server misconfigured"))
}

/// The failure as the browser sees it: its message, with the HTTP status it stands for.
#[cfg(feature = "ssr")]
fn fail(failure: Failure) -> ServerFnError {
    let status = match failure {
        Failure::BadRequest(_) => http::StatusCode::BAD_REQUEST,
        Failure::Denied(_) => http::StatusCode::FORBIDDEN,
        Failure::Unavailable(_) => http::StatusCode::SERVICE_UNAVAILABLE,
    };
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(status);
    }
    ServerFnError::new(failure.to_string())
}

/// The address of a board's link: the key rides in the fragment, which browsers never send
/// to a server (so it stays out of logs and `Referer` headers).
pub fn board_link(id: BoardId, key: &str) -> String {
    format!("/b/{id}#k={key}")
}

/// Creates a board and sends the browser to it with its facilitator link.
#[server(endpoint = "create_board")]
pub async fn create_board(title: String) -> Result<Created, ServerFnError> {
    let created = backend()?.create_board(title).await.map_err(fail)?;
    if let Some(key) = created.key(stormwall_core::Role::Facilitator) {
        leptos_axum::redirect(&board_link(created.id, key));
    }
    Ok(created)
}

/// The board's title and the role the key gives; `None` when the key does not open it (wrong,
/// revoked, or no such board: not told apart). An error means the server could not answer.
#[server(endpoint = "open_board")]
pub async fn open_board(id: String, key: String) -> Result<Option<Opened>, ServerFnError> {
    let Ok(id) = id.parse::<BoardId>() else {
        return Ok(None);
    };
    match backend()?.open_board(id, key).await {
        Ok(opened) => Ok(Some(opened)),
        Err(Failure::Denied(_)) => Ok(None),
        Err(failure) => Err(fail(failure)),
    }
}

/// What the page says when a link does not open a board.
pub const DENIED: &str =
    "This link does not open a board: it may have been revoked or mistyped. Ask the facilitator for a new one.";

/// A page of a board's stored events, for the history slider.
#[server(endpoint = "board_history")]
pub async fn board_history(
    id: BoardId,
    key: String,
    from: u64,
    to: u64,
) -> Result<Vec<LoggedEvent>, ServerFnError> {
    // Sequence numbers are stored as SQL integers (i64); beyond that nothing can match.
    let max = i64::MAX as u64;
    if from == 0 || from > max || to > max || to < from {
        return Err(fail(Failure::BadRequest(format!(
            "events {from} to {to} are not a range of this log: \
             give 1 <= from <= to <= {max}"
        ))));
    }
    backend()?.history(id, key, from, to).await.map_err(fail)
}

/// Imports a board file (from "Export → Board JSON") as a new board.
#[server(endpoint = "import_board")]
pub async fn import_board(file: String) -> Result<Created, ServerFnError> {
    backend()?.import(file).await.map_err(fail)
}
