//! Exports over HTTP (and the archive the command line writes too): glossary, Rust crate,
//! board JSON, the board as an SVG picture, and import of a board file.

use crate::http::ApiError;
use crate::http::Key;
use crate::registry::Registry;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use stormwall_core::export::svg::{self, Scope};
use stormwall_core::export::{glossary, ident, json, rust, File};
use stormwall_core::protocol::Created;
use stormwall_core::{Board, Role};

/// The live board behind an id from a URL, for a key that may see it (every link may
/// export), shared with its actor, not copied.
async fn board(registry: &Registry, id: &str, key: Key) -> Result<Arc<Board>, ApiError> {
    let (handle, _) = crate::http::authorize(registry, id, key, Role::View).await?;
    Ok(handle.state().await?.0)
}

/// Runs CPU-heavy work (an export or import of a big board) on the blocking pool, so that it
/// does not stall the sockets served by the same async worker.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Reads a board file and imports it as a new board: the HTTP endpoint and the home page's
/// server function both come here.
pub async fn import_file(registry: &Registry, body: Bytes) -> Result<Created, ApiError> {
    let file = blocking(move || {
        let text = std::str::from_utf8(&body)
            .map_err(|_| ApiError::BadRequest("the file is not UTF-8 text".into()))?;
        json::parse(text).map_err(|e| ApiError::BadRequest(e.to_string()))
    })
    .await??;
    Ok(registry.import(file).await?)
}

fn download(content_type: &str, filename: &str, body: impl Into<axum::body::Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}

/// A file-name-safe slug of a board title.
pub fn slug(board: &Board) -> String {
    ident::snake(&board.title, "board").replace('_', "-")
}

#[derive(Deserialize)]
pub struct Format {
    pub format: Option<String>,
}

/// The glossary as `md` (default), `csv` or `json`.
pub fn glossary_file(
    board: &Board,
    format: &str,
) -> Result<(&'static str, String, String), ApiError> {
    let g = glossary::glossary(board);
    let slug = slug(board);
    Ok(match format {
        "md" | "markdown" => (
            "text/markdown; charset=utf-8",
            format!("{slug}-glossary.md"),
            g.to_markdown(),
        ),
        "csv" => (
            "text/csv; charset=utf-8",
            format!("{slug}-glossary.csv"),
            g.to_csv(),
        ),
        "json" => (
            "application/json",
            format!("{slug}-glossary.json"),
            g.to_json(),
        ),
        other => {
            return Err(ApiError::BadRequest(format!(
                "unknown glossary format {:?}; use md, csv or json",
                other.chars().take(20).collect::<String>()
            )))
        }
    })
}

pub async fn glossary_handler(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    key: Key,
    Query(q): Query<Format>,
) -> Result<Response, ApiError> {
    let board = board(&registry, &id, key).await?;
    let format = q.format.unwrap_or_else(|| "md".into());
    let (content_type, name, body) = blocking(move || glossary_file(&board, &format)).await??;
    Ok(download(content_type, &name, body))
}

/// The generated crate as a `.tar.gz` with one top folder named after the crate.
pub fn rust_archive(generated: &rust::RustCrate) -> std::io::Result<Vec<u8>> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for File { path, contents } in &generated.files {
        let mut header = tar::Header::new_gnu();
        header.set_size(contents.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(
            &mut header,
            format!("{}/{path}", generated.name),
            contents.as_bytes(),
        )?;
    }
    tar.into_inner()?.finish()
}

pub async fn rust_handler(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    key: Key,
) -> Result<Response, ApiError> {
    let board = board(&registry, &id, key).await?;
    let (generated, bytes) = blocking(move || {
        let generated = rust::generate(&board);
        let bytes = rust_archive(&generated);
        (generated, bytes)
    })
    .await?;
    let bytes = bytes.map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(download(
        "application/gzip",
        &format!("{}.tar.gz", generated.name),
        bytes,
    ))
}

#[derive(Serialize, Deserialize)]
pub struct Preview {
    pub name: String,
    pub files: Vec<File>,
    pub warnings: Vec<String>,
}

/// The generated crate as JSON, for the preview in the UI.
pub async fn rust_preview(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    key: Key,
) -> Result<Json<Preview>, ApiError> {
    let board = board(&registry, &id, key).await?;
    let rust::RustCrate {
        name,
        files,
        warnings,
    } = blocking(move || rust::generate(&board)).await?;
    Ok(Json(Preview {
        name,
        files,
        warnings,
    }))
}

pub async fn json_handler(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    key: Key,
) -> Result<Response, ApiError> {
    let board = board(&registry, &id, key).await?;
    let (name, file) = blocking(move || (slug(&board), json::to_string(&board))).await?;
    Ok(download(
        "application/json",
        &format!("{name}.stormwall.json"),
        file,
    ))
}

#[derive(Deserialize)]
pub struct Picture {
    /// A bounded context's name (or id); the whole board without one.
    pub frame: Option<String>,
}

/// The picture's scope: a blank `frame` is the whole board.
pub fn picture_scope(frame: Option<String>) -> Scope {
    match frame {
        Some(name) if !name.trim().is_empty() => Scope::FrameNamed(name),
        _ => Scope::Board,
    }
}

/// The SVG picture and its file name.
pub fn svg_file(board: &Board, scope: &Scope) -> Result<(String, String), ApiError> {
    let name = format!("{}.svg", svg::file_stem(board, scope)?);
    Ok((name, svg::svg(board, scope)?))
}

/// The policy of a downloaded picture: an SVG opened straight from its URL is a document of
/// this origin, so nothing in it may run or load (its styles are inline attributes).
pub const PICTURE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

pub async fn svg_handler(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    key: Key,
    Query(q): Query<Picture>,
) -> Result<Response, ApiError> {
    let board = board(&registry, &id, key).await?;
    let scope = picture_scope(q.frame);
    let (name, body) = blocking(move || svg_file(&board, &scope)).await??;
    let mut resp = download("image/svg+xml", &name, body);
    // The guard keeps a policy a handler set (see `guard::with_headers`).
    resp.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PICTURE_CSP),
    );
    Ok(resp)
}

/// `POST /api/boards/import` with a board file: a new board, `201 {"id", "links"}`.
pub async fn import_handler(
    State(registry): State<Registry>,
    body: Bytes,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let created = import_file(&registry, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
