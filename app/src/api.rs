//! Server functions. Their bodies run on the server only, through the [`Backend`] the server
//! provides as context; in the browser they are HTTP calls.

use leptos::prelude::*;
use stormwall_core::protocol::{BoardSummary, LoggedEvent};
use stormwall_core::BoardId;

#[cfg(feature = "ssr")]
pub use backend::{Backend, BoxFuture, SharedBackend};

#[cfg(feature = "ssr")]
mod backend {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use stormwall_core::protocol::{BoardSummary, LoggedEvent};
    use stormwall_core::BoardId;

    pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

    /// What the UI needs from the server. The server crate implements it; the app crate cannot
    /// depend on the server (the server depends on the app), so the dependency is inverted.
    /// Errors are messages fit to show a user.
    pub trait Backend: Send + Sync + 'static {
        fn list_boards(&self) -> BoxFuture<'_, Result<Vec<BoardSummary>, String>>;
        fn create_board(&self, title: String) -> BoxFuture<'_, Result<BoardId, String>>;
        fn board_summary(&self, id: BoardId)
            -> BoxFuture<'_, Result<Option<BoardSummary>, String>>;
        /// A new board from an exported board file; errors are fit to show.
        fn import(&self, file: String) -> BoxFuture<'_, Result<BoardId, String>>;
        /// Events `from..=to` (at most a page of them) of an existing board.
        fn history(
            &self,
            id: BoardId,
            from: u64,
            to: u64,
        ) -> BoxFuture<'_, Result<Vec<LoggedEvent>, String>>;
    }

    pub type SharedBackend = Arc<dyn Backend>;
}

#[cfg(feature = "ssr")]
fn backend() -> Result<SharedBackend, ServerFnError> {
    use_context::<SharedBackend>().ok_or_else(|| ServerFnError::new("server misconfigured"))
}

/// All boards, newest first.
#[server]
pub async fn list_boards() -> Result<Vec<BoardSummary>, ServerFnError> {
    backend()?.list_boards().await.map_err(ServerFnError::new)
}

/// Creates a board and sends the browser to it.
#[server]
pub async fn create_board(title: String) -> Result<BoardId, ServerFnError> {
    let id = backend()?
        .create_board(title)
        .await
        .map_err(ServerFnError::new)?;
    leptos_axum::redirect(&format!("/b/{id}"));
    Ok(id)
}

/// The board's title and creation time, or `None` for an unknown id.
#[server]
pub async fn find_board(id: String) -> Result<Option<BoardSummary>, ServerFnError> {
    let Ok(id) = id.parse::<BoardId>() else {
        return Ok(None);
    };
    backend()?
        .board_summary(id)
        .await
        .map_err(ServerFnError::new)
}

/// A page of a board's stored events, for the history slider.
#[server]
pub async fn board_history(
    id: BoardId,
    from: u64,
    to: u64,
) -> Result<Vec<LoggedEvent>, ServerFnError> {
    backend()?
        .history(id, from, to)
        .await
        .map_err(ServerFnError::new)
}

/// Imports a board file (from "Export → Board JSON") as a new board.
#[server]
pub async fn import_board(file: String) -> Result<BoardId, ServerFnError> {
    backend()?.import(file).await.map_err(ServerFnError::new)
}
