//! Server functions. Their bodies run on the server only, through the [`Backend`] the server
//! provides as context; in the browser they are HTTP calls. Each has a fixed path (the
//! server's `guard` gives the import its larger body limit by path).

use leptos::prelude::*;
use stormwall_core::protocol::{BoardSummary, LoggedEvent};
use stormwall_core::BoardId;

#[cfg(feature = "ssr")]
pub use backend::{Backend, BoxFuture, Failure, SharedBackend};

#[cfg(feature = "ssr")]
mod backend {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use stormwall_core::protocol::{BoardSummary, LoggedEvent};
    use stormwall_core::BoardId;

    pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

    /// Why the server could not do what a server function asked; each variant is one HTTP
    /// status, and its message is fit to show a user.
    #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
    pub enum Failure {
        /// The request itself is wrong (400): a bad range, a refused title, a bad file.
        #[error("{0}")]
        BadRequest(String),
        /// The server cannot answer right now (503); the details are in its log.
        #[error("{0}")]
        Unavailable(String),
    }

    /// What the UI needs from the server. The server crate implements it; the app crate cannot
    /// depend on the server (the server depends on the app), so the dependency is inverted.
    pub trait Backend: Send + Sync + 'static {
        fn list_boards(&self) -> BoxFuture<'_, Result<Vec<BoardSummary>, Failure>>;
        fn create_board(&self, title: String) -> BoxFuture<'_, Result<BoardId, Failure>>;
        fn board_summary(
            &self,
            id: BoardId,
        ) -> BoxFuture<'_, Result<Option<BoardSummary>, Failure>>;
        /// A new board from an exported board file.
        fn import(&self, file: String) -> BoxFuture<'_, Result<BoardId, Failure>>;
        /// Events `from..=to` (at most a page of them) of an existing board.
        fn history(
            &self,
            id: BoardId,
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
        Failure::Unavailable(_) => http::StatusCode::SERVICE_UNAVAILABLE,
    };
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(status);
    }
    ServerFnError::new(failure.to_string())
}

/// All boards, newest first.
#[server(endpoint = "list_boards")]
pub async fn list_boards() -> Result<Vec<BoardSummary>, ServerFnError> {
    backend()?.list_boards().await.map_err(fail)
}

/// Creates a board and sends the browser to it.
#[server(endpoint = "create_board")]
pub async fn create_board(title: String) -> Result<BoardId, ServerFnError> {
    let id = backend()?.create_board(title).await.map_err(fail)?;
    leptos_axum::redirect(&format!("/b/{id}"));
    Ok(id)
}

/// The board's title and creation time, or `None` for an unknown id.
#[server(endpoint = "find_board")]
pub async fn find_board(id: String) -> Result<Option<BoardSummary>, ServerFnError> {
    let Ok(id) = id.parse::<BoardId>() else {
        return Ok(None);
    };
    backend()?.board_summary(id).await.map_err(fail)
}

/// A page of a board's stored events, for the history slider.
#[server(endpoint = "board_history")]
pub async fn board_history(
    id: BoardId,
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
    backend()?.history(id, from, to).await.map_err(fail)
}

/// Imports a board file (from "Export → Board JSON") as a new board.
#[server(endpoint = "import_board")]
pub async fn import_board(file: String) -> Result<BoardId, ServerFnError> {
    backend()?.import(file).await.map_err(fail)
}
