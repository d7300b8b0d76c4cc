//! The HTTP calls the tests and the load tool make besides the socket.

use stormwall_core::protocol::Created;

/// `POST /api/boards`: the new board's id and links.
pub async fn create_board(addr: &str, title: &str) -> Result<Created, String> {
    let request = reqwest::Client::new()
        .post(format!("http://{addr}/api/boards"))
        .json(&serde_json::json!({ "title": title }));
    created(request).await
}

/// `POST /api/boards/import` with a board file: the new board's id and links.
pub async fn import_board(addr: &str, file: impl Into<reqwest::Body>) -> Result<Created, String> {
    let request = reqwest::Client::new()
        .post(format!("http://{addr}/api/boards/import"))
        .body(file);
    created(request).await
}

/// A `201 {"id", "links"}` answer to this request.
async fn created(request: reqwest::RequestBuilder) -> Result<Created, String> {
    let resp = request.send().await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    if status != 201 {
        return Err(format!("{status}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("unexpected answer {text}: {e}"))
}

/// `GET /api/stats` (`Null` when the server does not answer).
pub async fn stats(addr: &str) -> serde_json::Value {
    match reqwest::get(format!("http://{addr}/api/stats")).await {
        Ok(r) => r.json().await.unwrap_or_default(),
        Err(_) => serde_json::Value::Null,
    }
}
