//! Exports over HTTP and from the command line, against a real server and database.

use crate::common::TestDb;
use std::io::Read;
use stormwall_core::ErrorCode;
use stormwall_core::{
    BoardId, Command, ConnectorId, Field, FrameId, Position, Rect, StickyId, StickyKind,
};
use stormwall_testkit::{
    http::{get, imported_board, new_board},
    Client,
};
use uuid::Uuid;

/// The article's `User` board, built over the WebSocket.
async fn user_board(server: &stormwall::RunningServer) -> BoardId {
    let board = new_board(server.addr, "Users").await;
    let (mut c, _) = Client::join_board(server.addr, board).await;
    let add = |kind, text: &str, x, y, fields: &[(&str, &str)]| {
        let id = StickyId(Uuid::new_v4());
        (
            id,
            vec![
                Command::AddSticky {
                    id,
                    kind,
                    text: text.into(),
                    pos: Position::new(x, y),
                    size: None,
                },
                Command::SetStickyFields {
                    id,
                    fields: fields.iter().map(|(n, t)| Field::new(*n, *t)).collect(),
                },
            ],
        )
    };
    let (user, a) = add(
        StickyKind::Aggregate,
        "User",
        200,
        390,
        &[("name", "String"), ("email", "String")],
    );
    let (cn, b) = add(
        StickyKind::Command,
        "Change Name",
        0,
        400,
        &[("name", "String")],
    );
    let (nc, d) = add(
        StickyKind::DomainEvent,
        "Name Changed",
        420,
        400,
        &[("name", "String")],
    );
    for command in a.into_iter().chain(b).chain(d) {
        c.run(command).await;
    }
    for (from, to) in [(cn, user), (user, nc)] {
        c.run(Command::AddConnector {
            id: ConnectorId(Uuid::new_v4()),
            from,
            to,
            label: None,
        })
        .await;
    }
    c.run(Command::DescribeSticky {
        id: user,
        description: "Someone who signs in | \"quoted\"".into(),
    })
    .await;
    board
}

#[tokio::test]
async fn glossary_rust_and_json_download_over_http() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = user_board(&server).await;
    let base = format!("http://{}/api/boards/{board}/export", server.addr);

    let md = get(format!("{base}/glossary")).await.unwrap();
    assert_eq!(md.status(), 200);
    assert!(md.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/markdown"));
    assert!(md.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("users-glossary.md"));
    let md = md.text().await.unwrap();
    assert!(
        md.contains("| User | Aggregate | Someone who signs in \\| \"quoted\" |"),
        "{md}"
    );

    let csv = get(format!("{base}/glossary?format=csv"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("\"Someone who signs in | \"\"quoted\"\"\""),
        "{csv}"
    );
    let json: serde_json::Value = get(format!("{base}/glossary?format=json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["board"], "Users");
    let bad = get(format!("{base}/glossary?format=pdf")).await.unwrap();
    assert_eq!(bad.status(), 400);

    let archive = get(format!("{base}/rust")).await.unwrap();
    assert_eq!(archive.headers()["content-type"], "application/gzip");
    let bytes = archive.bytes().await.unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
    let mut user_rs = String::new();
    let mut names = Vec::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().display().to_string();
        if path.ends_with("src/no_context/user.rs") {
            entry.read_to_string(&mut user_rs).unwrap();
        }
        names.push(path);
    }
    assert!(
        names.contains(&"users_domain/Cargo.toml".to_owned()),
        "{names:?}"
    );
    assert!(user_rs.contains("impl Aggregate for User"), "{user_rs}");

    let preview: serde_json::Value = get(format!("{base}/rust/preview"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(preview["name"], "users_domain");

    // JSON out, JSON in: a new board with the same content.
    let exported = get(format!("{base}/json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let id = imported_board(server.addr, exported.clone()).await;
    let again = get(format!(
        "http://{}/api/boards/{id}/export/json",
        server.addr,
    ))
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert_eq!(again, exported);

    let not_a_board = client
        .post(format!("http://{}/api/boards/import", server.addr))
        .body("{\"hello\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_board.status(), 400);
    let unknown = get(format!(
        "http://{}/api/boards/{}/export/rust",
        server.addr,
        Uuid::new_v4()
    ))
    .await
    .unwrap();
    assert_eq!(unknown.status(), 401, "no key opens an unknown board");
    server.stop().await;
}

const SCRIPT: &str = "</text><script>alert(1)</script>";

#[tokio::test]
async fn the_board_downloads_as_an_svg_picture_that_runs_nothing() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = user_board(&server).await;
    let (mut c, _) = Client::join_board(server.addr, board).await;
    c.run(Command::AddFrame {
        id: FrameId(Uuid::new_v4()),
        name: "Accounts".into(),
        rect: Rect::new(-20, 350, 800, 300),
    })
    .await;
    c.run(Command::AddSticky {
        id: StickyId(Uuid::new_v4()),
        kind: StickyKind::Hotspot,
        text: SCRIPT.into(),
        pos: Position::new(2000, 2000),
        size: None,
    })
    .await;
    let base = format!("http://{}/api/boards/{board}/export/svg", server.addr);
    let stickies = |svg: &str| svg.matches("<rect class=\"sticky\"").count();

    let whole = get(&base).await.unwrap();
    assert_eq!(whole.status(), 200);
    let headers = whole.headers().clone();
    assert_eq!(headers["content-type"], "image/svg+xml");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains("filename=\"users.svg\""),
        "{disposition}"
    );
    // Opened straight from its URL, the picture may run and load nothing.
    assert_eq!(
        headers["content-security-policy"],
        stormwall::export::PICTURE_CSP
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let svg = whole.text().await.unwrap();
    assert!(
        svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert_eq!(stickies(&svg), 4);
    assert_eq!(svg.matches("class=\"arrow-line\"").count(), 2);
    assert!(!svg.contains("<script"), "{svg}");
    // Escaped, in lines wrapped anywhere (there are no spaces to wrap at).
    assert!(svg.contains(">&lt;/text&gt;&lt;"), "{svg}");
    assert!(svg.contains("alert(1)&lt;/"), "{svg}");

    let context = get(format!("{base}?frame=Accounts")).await.unwrap();
    assert_eq!(context.status(), 200);
    assert!(context.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("users-accounts.svg"));
    let svg = context.text().await.unwrap();
    assert_eq!(stickies(&svg), 3, "the hotspot lies outside the context");
    assert_eq!(svg.matches("<rect class=\"frame\"").count(), 1);
    let blank = get(format!("{base}?frame=")).await.unwrap();
    assert_eq!(
        stickies(&blank.text().await.unwrap()),
        4,
        "a blank name: the whole board"
    );

    let unknown_frame = get(format!("{base}?frame=Shipping")).await.unwrap();
    assert_eq!(unknown_frame.status(), 400);
    assert_ne!(
        unknown_frame.headers()["content-security-policy"],
        stormwall::export::PICTURE_CSP,
        "an error is not a picture: the usual policy"
    );
    let body: serde_json::Value = unknown_frame.json().await.unwrap();
    assert_eq!(body["code"], ErrorCode::UnknownFrame.as_str());
    assert!(body["message"].as_str().unwrap().contains("Shipping"));
    let unknown_board = get(format!(
        "http://{}/api/boards/{}/export/svg",
        server.addr,
        Uuid::new_v4()
    ))
    .await
    .unwrap();
    assert_eq!(unknown_board.status(), 401, "no key opens an unknown board");
    server.stop().await;
}

#[tokio::test]
async fn the_command_line_exports_while_the_server_runs_and_imports_when_it_is_stopped() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = user_board(&server).await;
    let bin = env!("CARGO_BIN_EXE_stormwall");
    let cli = |args: Vec<String>| {
        let db = db.url();
        async move {
            tokio::process::Command::new(bin)
                .arg("--database")
                .arg(db)
                .args(args)
                .output()
                .await
                .unwrap()
        }
    };
    let id = board.to_string();
    let out = cli(vec![
        "export".into(),
        "glossary".into(),
        "--board".into(),
        id.clone(),
        "--format".into(),
        "csv".into(),
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("context,term,kind,definition,used,notes")
    );

    let dir = tempfile::tempdir().unwrap();
    let out = cli(vec![
        "export".into(),
        "rust".into(),
        "--board".into(),
        id.clone(),
        "--out".into(),
        dir.path().display().to_string(),
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let user = std::fs::read_to_string(dir.path().join("src/no_context/user.rs")).unwrap();
    assert!(user.contains("ChangeName { name: String },"), "{user}");

    let out = cli(vec![
        "export".into(),
        "json".into(),
        "--board".into(),
        id.clone(),
    ])
    .await;
    let file = dir.path().join("board.json");

    let svg = cli(vec![
        "export".into(),
        "svg".into(),
        "--board".into(),
        id.clone(),
    ])
    .await;
    assert!(
        svg.status.success(),
        "{}",
        String::from_utf8_lossy(&svg.stderr)
    );
    let picture = String::from_utf8_lossy(&svg.stdout);
    assert!(picture.starts_with("<?xml"), "{picture}");
    assert_eq!(picture.matches("<rect class=\"sticky\"").count(), 3);
    let no_frame = cli(vec![
        "export".into(),
        "svg".into(),
        "--board".into(),
        id.clone(),
        "--frame".into(),
        "Shipping".into(),
    ])
    .await;
    assert!(!no_frame.status.success());
    assert!(String::from_utf8_lossy(&no_frame.stderr).contains("no bounded context \"Shipping\""));
    std::fs::write(&file, &out.stdout).unwrap();

    let unknown = cli(vec![
        "export".into(),
        "json".into(),
        "--board".into(),
        Uuid::new_v4().to_string(),
    ])
    .await;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no board"));

    // Operators list every board, and print fresh links for one while the server runs: the
    // new facilitator link opens it, the old one no longer does.
    let boards = cli(vec!["boards".into()]).await;
    let listed = String::from_utf8_lossy(&boards.stdout).to_string();
    assert!(listed.contains(&id), "{listed}");
    let links = cli(vec!["links".into(), "--board".into(), id.clone()]).await;
    let printed = String::from_utf8_lossy(&links.stdout).to_string();
    assert!(
        links.status.success(),
        "{}",
        String::from_utf8_lossy(&links.stderr)
    );
    let facilitator = printed
        .lines()
        .find(|l| l.starts_with("facilitator"))
        .and_then(|l| l.split("#k=").nth(1))
        .expect("a facilitator link")
        .to_owned();
    assert_eq!(
        printed.matches(&format!("/b/{id}#k=")).count(),
        3,
        "{printed}"
    );
    let http = reqwest::Client::new();
    let url = format!("http://{}/api/boards/{id}", server.addr);
    let new = http
        .get(&url)
        .bearer_auth(&facilitator)
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), 200);
    let old = get(&url).await.unwrap();
    assert_eq!(old.status(), 403, "the old facilitator link was replaced");

    // Import writes: on SQLite not while the server holds the file, with a clear message.
    // (PostgreSQL is shared by several writers, and an import writes a new board only.)
    if !db.is_postgres() {
        let busy = cli(vec!["import".into(), file.display().to_string()]).await;
        assert!(!busy.status.success());
        assert!(String::from_utf8_lossy(&busy.stderr).contains("already using the database"));
    }
    server.stop().await;
    let imported = cli(vec!["import".into(), file.display().to_string()]).await;
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    // The new board's id, then its three links.
    let printed = String::from_utf8_lossy(&imported.stdout).to_string();
    let new_id = printed.lines().next().unwrap().trim().to_owned();
    assert!(printed.contains(&format!("/b/{new_id}#k=")), "{printed}");
    let again = cli(vec![
        "export".into(),
        "json".into(),
        "--board".into(),
        new_id,
    ])
    .await;
    assert_eq!(again.stdout, out.stdout);
}
