//! Exports over HTTP and from the command line, against a real server and database.

use crate::common::{create_board, Client, TestDb};
use std::io::Read;
use stormwall_core::protocol::ServerMsg;
use stormwall_core::{BoardId, Command, ConnectorId, Field, Position, StickyId, StickyKind};
use uuid::Uuid;

/// Runs a command and waits for its acknowledgement.
async fn run(client: &mut Client, command: Command) {
    let id = client.command(command).await;
    loop {
        match client.recv().await {
            ServerMsg::Ack { command_id, .. } if command_id == id => return,
            ServerMsg::Error { message, .. } => panic!("refused: {message}"),
            _ => {}
        }
    }
}

/// The article's `User` board, built over the WebSocket.
async fn user_board(server: &stormwall::RunningServer) -> BoardId {
    let board = create_board(server, "Users").await;
    let (mut c, _) = Client::join(server, board).await;
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
        run(&mut c, command).await;
    }
    for (from, to) in [(cn, user), (user, nc)] {
        run(
            &mut c,
            Command::AddConnector {
                id: ConnectorId(Uuid::new_v4()),
                from,
                to,
                label: None,
            },
        )
        .await;
    }
    run(
        &mut c,
        Command::DescribeSticky {
            id: user,
            description: "Someone who signs in | \"quoted\"".into(),
        },
    )
    .await;
    board
}

#[tokio::test]
async fn glossary_rust_and_json_download_over_http() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = user_board(&server).await;
    let base = format!("http://{}/api/boards/{board}/export", server.addr);

    let md = reqwest::get(format!("{base}/glossary")).await.unwrap();
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

    let csv = reqwest::get(format!("{base}/glossary?format=csv"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("\"Someone who signs in | \"\"quoted\"\"\""),
        "{csv}"
    );
    let json: serde_json::Value = reqwest::get(format!("{base}/glossary?format=json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["board"], "Users");
    let bad = reqwest::get(format!("{base}/glossary?format=pdf"))
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    let archive = reqwest::get(format!("{base}/rust")).await.unwrap();
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

    let preview: serde_json::Value = reqwest::get(format!("{base}/rust/preview"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(preview["name"], "users_domain");

    // JSON out, JSON in: a new board with the same content.
    let exported = reqwest::get(format!("{base}/json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let created = client
        .post(format!("http://{}/api/boards/import", server.addr))
        .body(exported.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id: serde_json::Value = created.json().await.unwrap();
    let again = reqwest::get(format!(
        "http://{}/api/boards/{}/export/json",
        server.addr,
        id["id"].as_str().unwrap()
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
    let unknown = reqwest::get(format!(
        "http://{}/api/boards/{}/export/rust",
        server.addr,
        Uuid::new_v4()
    ))
    .await
    .unwrap();
    assert_eq!(unknown.status(), 404);
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

    // Import writes: not while the server holds the database, with a clear message.
    let busy = cli(vec!["import".into(), file.display().to_string()]).await;
    assert!(!busy.status.success());
    assert!(String::from_utf8_lossy(&busy.stderr).contains("already using the database"));
    server.stop().await;
    let imported = cli(vec!["import".into(), file.display().to_string()]).await;
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let new_id = String::from_utf8_lossy(&imported.stdout).trim().to_owned();
    let again = cli(vec![
        "export".into(),
        "json".into(),
        "--board".into(),
        new_id,
    ])
    .await;
    assert_eq!(again.stdout, out.stdout);
}
