//! The JSON API: `POST /api/boards`, `GET /api/boards/{id}`, `GET /api/boards/{id}/events`.
//! Every request about a board brings one of its link keys as `Authorization: Bearer KEY`.

use crate::access::Granted;
use crate::actor::{BoardError, BoardHandle};
use crate::registry::Registry;
use crate::store::{StoreError, StoredEvent};
use axum::extract::FromRequestParts;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use stormwall_core::protocol::{BoardSummary, Created, Opened};
use stormwall_core::ErrorCode;
use stormwall_core::{BoardId, Role};
use thiserror::Error;

/// What can go wrong in an HTTP request; each variant is one HTTP outcome.
#[derive(Debug, Error)]
pub enum ApiError {
    #[error("this board needs one of its links: send its key as `Authorization: Bearer KEY`")]
    Unauthorized,
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
    code: ErrorCode,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            ApiError::Board(BoardError::Denied) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            ApiError::Board(BoardError::Rejected(
                e @ (stormwall_core::Error::ReadOnly | stormwall_core::Error::FacilitatorOnly),
            )) => (StatusCode::FORBIDDEN, e.code()),
            ApiError::BadRange(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRange),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
            ApiError::Board(BoardError::Rejected(e)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, e.code())
            }
            ApiError::Board(e) => (StatusCode::SERVICE_UNAVAILABLE, e.code()),
            ApiError::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::StorageFailed),
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

/// The key of a board link, from `Authorization: Bearer KEY` (never from the URL: URLs end
/// up in logs).
pub struct Key(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Key {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty());
        Ok(Key(key))
    }
}

/// The board `id` names, if `key` opens it with at least `need`: 401 without a key, 403 for
/// a wrong or revoked key or an unknown board (the two are not told apart), 403 for too
/// little a role.
pub async fn authorize(
    registry: &Registry,
    id: &str,
    key: Key,
    need: Role,
) -> Result<(BoardHandle, Granted), ApiError> {
    let key = key.0.ok_or(ApiError::Unauthorized)?;
    let board_id: BoardId = id.parse().map_err(|_| BoardError::Denied)?;
    let (handle, granted) = registry.access(board_id, &key).await?;
    stormwall_core::workshop::require(granted.role, need).map_err(BoardError::from)?;
    Ok((handle, granted))
}

/// `GET /healthz`: the process is up and serving requests (liveness). Answers any `Host`.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// How long readiness waits for the database before saying it is not ready.
const READY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// `GET /readyz`: the server takes new work: its database answers and it is not stopping
/// (a load balancer stops sending clients here as soon as shutdown begins). Answers any `Host`.
pub async fn readyz(State(registry): State<Registry>) -> (StatusCode, &'static str) {
    if registry.is_stopping() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping\n");
    }
    match tokio::time::timeout(READY_WAIT, registry.store().ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database too slow\n"),
    }
}

/// Boards open in memory and WebSocket connections, for operators and the load tool.
pub async fn stats(State(registry): State<Registry>) -> Json<crate::registry::Stats> {
    Json(registry.stats().await)
}

/// `POST /api/boards {"title"}`: a new board, `201 {"id", "links"}` with its three links.
pub async fn create_board(
    State(registry): State<Registry>,
    Json(new): Json<NewBoard>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let created = registry.create(new.title).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `GET /api/boards/{id}`: the board's title and creation time, and the key's role.
pub async fn get_board(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    key: Key,
) -> Result<Json<Opened>, ApiError> {
    let (handle, granted) = authorize(&registry, &id, key, Role::View).await?;
    let summary = summary(&registry, handle.id()).await?;
    Ok(Json(Opened {
        summary,
        role: granted.role,
    }))
}

/// A board's title and creation time.
pub async fn summary(registry: &Registry, id: BoardId) -> Result<BoardSummary, ApiError> {
    registry
        .store()
        .board_summary(id)
        .await?
        .ok_or(ApiError::Board(BoardError::Denied))
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
    key: Key,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Vec<StoredEvent>>, ApiError> {
    let (handle, _) = authorize(&registry, &id, key, Role::View).await?;
    let board_id = handle.id();
    let from = seq_param(&query, "from")?.unwrap_or(1).max(1);
    let to = seq_param(&query, "to")?.unwrap_or(i64::MAX as u64);
    if to < from {
        return Err(ApiError::BadRange(format!(
            "to ({to}) is before from ({from})"
        )));
    }
    let to = to.min(from.saturating_add(MAX_EVENTS_PER_REQUEST - 1));
    Ok(Json(registry.store().load_range(board_id, from, to).await?))
}
