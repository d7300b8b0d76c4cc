//! The JSON API: `GET /api/boards`, `POST /api/boards`, `GET /api/boards/{id}`.

use crate::actor::BoardError;
use crate::registry::Registry;
use crate::store::{StoreError, StoredEvent};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use stormwall_core::protocol::BoardSummary;
use stormwall_core::BoardId;
use thiserror::Error;

/// What can go wrong in an HTTP request; each variant is one HTTP outcome.
#[derive(Debug, Error)]
pub enum ApiError {
    #[error("no board with id {0}")]
    UnknownBoard(String),
    #[error(transparent)]
    Board(#[from] BoardError),
    #[error("{0}")]
    BadRange(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error")]
    Internal(String),
    #[error("the database is unavailable")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Picture(#[from] stormwall_core::export::svg::SvgError),
}

#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::UnknownBoard(_) => (StatusCode::NOT_FOUND, "unknown_board"),
            ApiError::BadRange(_) => (StatusCode::BAD_REQUEST, "bad_range"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            ApiError::Board(BoardError::Rejected(e)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, e.code())
            }
            ApiError::Board(e) => (StatusCode::SERVICE_UNAVAILABLE, e.code()),
            ApiError::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, "storage_failed"),
            ApiError::Picture(e) => (StatusCode::BAD_REQUEST, e.code()),
        };
        if status.is_server_error() {
            // The client gets the short message; the log keeps the cause.
            tracing::error!(error = ?self, "request failed");
        }
        let body = ErrorBody {
            code,
            message: self.to_string(),
        };
        (status, Json(body)).into_response()
    }
}

#[derive(Deserialize)]
pub struct NewBoard {
    pub title: String,
}

#[derive(Serialize, Deserialize)]
pub struct Created {
    pub id: BoardId,
}

/// Boards open in memory and WebSocket connections, for operators and the load tool.
pub async fn stats(State(registry): State<Registry>) -> Json<crate::registry::Stats> {
    Json(registry.stats().await)
}

pub async fn list_boards(
    State(registry): State<Registry>,
) -> Result<Json<Vec<BoardSummary>>, ApiError> {
    Ok(Json(registry.store().list_boards().await?))
}

pub async fn create_board(
    State(registry): State<Registry>,
    Json(new): Json<NewBoard>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = registry.create(new.title).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

pub async fn get_board(
    State(registry): State<Registry>,
    Path(id): Path<String>,
) -> Result<Json<BoardSummary>, ApiError> {
    let unknown = || ApiError::UnknownBoard(id.chars().take(64).collect());
    let board_id: BoardId = id.parse().map_err(|_| unknown())?;
    registry
        .store()
        .board_summary(board_id)
        .await?
        .map(Json)
        .ok_or_else(unknown)
}

/// Most events one history request returns; clients page with `from`.
pub const MAX_EVENTS_PER_REQUEST: u64 = 5_000;

/// A sequence number from a query string: a whole number the log can hold (SQL integers
/// stop at i64::MAX), or a 400 that says so.
fn seq_param(query: &HashMap<String, String>, name: &str) -> Result<Option<u64>, ApiError> {
    let Some(raw) = query.get(name) else {
        return Ok(None);
    };
    match raw.parse::<u64>() {
        Ok(n) if n <= i64::MAX as u64 => Ok(Some(n)),
        _ => Err(ApiError::BadRange(format!(
            "{name}={:?} is not a sequence number: give a whole number from 1 to {}",
            raw.chars().take(30).collect::<String>(),
            i64::MAX
        ))),
    }
}

/// `GET /api/boards/{id}/events?from=1&to=100`: stored events with their seq, time and command,
/// for history replay. At most `MAX_EVENTS_PER_REQUEST` per call.
pub async fn board_events(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<StoredEvent>>, ApiError> {
    let unknown = || ApiError::UnknownBoard(id.chars().take(64).collect());
    let board_id: BoardId = id.parse().map_err(|_| unknown())?;
    let from = seq_param(&query, "from")?.unwrap_or(1).max(1);
    let to = seq_param(&query, "to")?.unwrap_or(i64::MAX as u64);
    if to < from {
        return Err(ApiError::BadRange(format!(
            "to ({to}) is before from ({from})"
        )));
    }
    let to = to.min(from.saturating_add(MAX_EVENTS_PER_REQUEST - 1));
    if registry.store().board_summary(board_id).await?.is_none() {
        return Err(unknown());
    }
    Ok(Json(registry.store().load_range(board_id, from, to).await?))
}
