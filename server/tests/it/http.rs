//! The HTTP surface: API, pages, unknown ids, and the database lock.

use crate::common::{sqlite_only, TestDb};
use stormwall::store::{EventStore, StoreError};
use stormwall_core::ErrorCode;
use stormwall_testkit::http::{get, new_board};
use uuid::Uuid;

#[tokio::test]
async fn a_board_is_found_with_its_link_and_its_page_tells_nothing_without_one() {
    let db = TestDb::new();
    let server = db.start().await;
    let id = new_board(server.addr, "  Ticketing ").await;
    let base = format!("http://{}", server.addr);
    let one: serde_json::Value = get(format!("{base}/api/boards/{id}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one["summary"]["title"], "Ticketing");
    assert_eq!(one["summary"]["id"], id.to_string());
    assert_eq!(one["role"], "facilitator");
    // The page itself is served, but the server renders nothing of the board: its key rides
    // in the address's fragment, which browsers never send.
    let page = reqwest::get(format!("{base}/b/{id}")).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(!page.text().await.unwrap().contains("Ticketing"));
    // Nor does the home page list the server's boards.
    let home = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(!home.text().await.unwrap().contains("Ticketing"));
    server.stop().await;
}

#[tokio::test]
async fn a_board_with_a_blank_title_is_refused_clearly() {
    let db = TestDb::new();
    let server = db.start().await;
    let resp = reqwest::Client::new()
        .post(format!("http://{}/api/boards", server.addr))
        .json(&serde_json::json!({ "title": "   " }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], ErrorCode::EmptyTitle.as_str());
    server.stop().await;
    let store = EventStore::open_read_only(&db.url()).await.unwrap();
    assert!(
        store.list_boards().await.unwrap().is_empty(),
        "nothing created"
    );
}

#[tokio::test]
async fn unknown_boards_open_nothing_anywhere() {
    let db = TestDb::new();
    let server = db.start().await;
    let base = format!("http://{}", server.addr);
    let unknown = Uuid::new_v4();
    let http = reqwest::Client::new();
    for path in [
        format!("/api/boards/{unknown}"),
        "/api/boards/garbage".to_owned(),
    ] {
        let resp = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(resp.status(), 401, "{path} without a key");
        let resp = http
            .get(format!("{base}{path}"))
            .bearer_auth("a".repeat(40))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "{path} with a key");
    }
    let resp = http
        .get(format!("{base}/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    // A socket on an id that names no board is refused like a wrong key, after its hello.
    let (ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/ws/boards/{unknown}", server.addr))
            .await
            .unwrap();
    let mut c = stormwall_testkit::Client::from_stream(ws);
    c.hello(&"a".repeat(40)).await.unwrap();
    let (code, before) = c.closed().await;
    assert_eq!(code, 4403);
    assert!(
        matches!(&before[..], [stormwall_core::protocol::ServerMsg::Error { code, .. }] if *code == ErrorCode::Forbidden),
        "{before:?}"
    );
    // Not even an id: 404 at the upgrade.
    let err = tokio_tungstenite::connect_async(format!("ws://{}/ws/boards/garbage", server.addr))
        .await
        .unwrap_err();
    match err {
        tokio_tungstenite::tungstenite::Error::Http(resp) => assert_eq!(resp.status(), 404),
        other => panic!("expected an HTTP 404, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn a_second_server_on_the_same_file_is_refused() {
    let db = TestDb::new();
    // On PostgreSQL several servers share the database (see `instances`).
    if !crate::common::sqlite_only(&db, "the lock on SQLite's file") {
        return;
    }
    let server = db.start().await;
    match EventStore::open(&db.url()).await {
        Err(StoreError::InUse { .. }) => {}
        Err(other) => panic!("expected InUse, got {other}"),
        Ok(_) => panic!("a second store opened the same file"),
    }
    // The real binary says so and exits non-zero.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_stormwall"))
        .args(["--database", &db.url(), "--addr", "127.0.0.1:0"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already using the database"), "{stderr}");

    // Once the first one stops, the file is free again.
    server.stop().await;
    let again = db.start().await;
    again.stop().await;
}

#[tokio::test]
async fn events_cannot_be_changed_in_the_database() {
    let db = TestDb::new();
    let server = db.start().await;
    new_board(server.addr, "Immutable").await;
    server.stop().await;
    let (update, delete) = ("UPDATE events SET payload = '{}'", "DELETE FROM events");
    let refusals = if db.is_postgres() {
        let pool = sqlx::PgPool::connect(&db.url()).await.unwrap();
        [
            sqlx::query(update).execute(&pool).await.map(|_| ()),
            sqlx::query(delete).execute(&pool).await.map(|_| ()),
            sqlx::query("TRUNCATE events")
                .execute(&pool)
                .await
                .map(|_| ()),
        ]
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url()).await.unwrap();
        [
            sqlx::query(update).execute(&pool).await.map(|_| ()),
            sqlx::query(delete).execute(&pool).await.map(|_| ()),
            // SQLite has no TRUNCATE: a DELETE without WHERE is its truncate.
            sqlx::query("DELETE FROM events WHERE 1")
                .execute(&pool)
                .await
                .map(|_| ()),
        ]
    };
    let [update, delete, truncate] = refusals.map(|r| r.unwrap_err().to_string());
    assert!(update.contains("events are immutable"), "{update}");
    assert!(delete.contains("append-only"), "{delete}");
    assert!(truncate.contains("append-only"), "{truncate}");
}

#[tokio::test]
async fn help_documents_the_flags_and_their_environment_variables() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_stormwall"))
        .arg("--help")
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--database",
        "DATABASE_URL",
        "--addr",
        "LEPTOS_SITE_ADDR",
        "sqlite://stormwall.db",
        "127.0.0.1:3000",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

#[tokio::test]
async fn the_database_file_is_created_and_migrated_on_first_start() {
    let db = TestDb::new();
    if !sqlite_only(&db, "the SQLite file") {
        return;
    }
    assert!(!db.path().exists());
    let server = db.start().await;
    assert!(db.path().exists());
    new_board(server.addr, "First").await;
    server.stop().await;
}

#[tokio::test]
async fn export_help_documents_each_export() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_stormwall"))
        .args(["export", "--help"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in ["glossary", "rust", "json"] {
        assert!(
            help.contains(needle),
            "export --help lacks {needle}:\n{help}"
        );
    }
}
