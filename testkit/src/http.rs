//! The HTTP calls the tests and the load tool make besides the socket. `addr` is the server's
//! `host:port` (a `SocketAddr`, or a string).

use crate::links;
use std::fmt::Display;
use stormwall_core::protocol::Created;
use stormwall_core::{BoardId, Role};

/// `POST /api/boards`: the new board's id and links (kept, see [`links`]).
pub async fn create_board(addr: impl Display, title: &str) -> Result<Created, String> {
    let request = reqwest::Client::new()
        .post(format!("http://{addr}/api/boards"))
        .json(&serde_json::json!({ "title": title }));
    created(request).await
}

/// `POST /api/boards/import` with a board file: the new board's id and links (kept).
pub async fn import_board(
    addr: impl Display,
    file: impl Into<reqwest::Body>,
) -> Result<Created, String> {
    let request = reqwest::Client::new()
        .post(format!("http://{addr}/api/boards/import"))
        .body(file);
    created(request).await
}

/// A new board's id, for tests: [`create_board`], and a failure fails the test.
pub async fn new_board(addr: impl Display, title: &str) -> BoardId {
    match create_board(addr, title).await {
        Ok(created) => created.id,
        Err(e) => panic!("board not created: {e}"),
    }
}

/// An imported board's id, for tests: [`import_board`], and a failure fails the test.
pub async fn imported_board(addr: impl Display, file: impl Into<reqwest::Body>) -> BoardId {
    match import_board(addr, file).await {
        Ok(created) => created.id,
        Err(e) => panic!("board not imported: {e}"),
    }
}

/// A `201 {"id", "links"}` answer to this request, with its three links; they are kept.
async fn created(request: reqwest::RequestBuilder) -> Result<Created, String> {
    let resp = request.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    if status != 201 {
        return Err(format!("{status}: {text}"));
    }
    let created: Created =
        serde_json::from_str(&text).map_err(|e| format!("unexpected answer {text}: {e}"))?;
    if created.links.len() != 3 {
        return Err(format!("three links expected: {created:?}"));
    }
    links::remember(&created);
    Ok(created)
}

/// `GET url`, with the facilitator's key when the URL names a board made through this kit.
pub async fn get(url: impl AsRef<str>) -> reqwest::Result<reqwest::Response> {
    let url = url.as_ref();
    match links::board_in(url) {
        Some(board) => get_with_key(url, &links::key(board, Role::Facilitator)).await,
        None => reqwest::get(url).await,
    }
}

/// `GET url` with a link's key (`Authorization: Bearer`).
pub async fn get_with_key(url: impl AsRef<str>, key: &str) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .get(url.as_ref())
        .bearer_auth(key)
        .send()
        .await
}

/// `GET /api/stats` (`Null` when the server does not answer).
pub async fn stats(addr: impl Display) -> serde_json::Value {
    match reqwest::get(format!("http://{addr}/api/stats")).await {
        Ok(r) => r.json().await.unwrap_or_default(),
        Err(_) => serde_json::Value::Null,
    }
}
