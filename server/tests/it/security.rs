//! The front door under attack: people's text in server-rendered HTML, cross-site requests,
//! DNS rebinding, out-of-range numbers, oversize bodies, a second server through a symlink,
//! and the security headers. Each test is one class of attack from the security review.

use crate::common::{sqlite_only, TestDb};
use std::time::Duration;
use stormwall::store::{EventStore, StoreError};
use stormwall::{Config, RunningServer};
use stormwall_core::limits::{MAX_BOARD_FILE_BYTES, MAX_STICKIES, MAX_TEXT_CHARS};
use stormwall_core::protocol::{BoardSummary, ServerMsg};
use stormwall_core::ErrorCode;
use stormwall_testkit::{
    http::{get, new_board},
    Client,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Strings that end elements, open scripts or break out of attributes wherever they land.
const HOSTILE: [&str; 5] = [
    "</title><img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "\"><svg onload=alert(1)>",
    "'><iframe src=javascript:alert(1)>",
    "</textarea><a href=javascript:alert(1)>x</a>",
];

/// What must never appear in a page built from those strings: the markup itself.
const MARKUP: [&str; 5] = [
    "<img src=x",
    "<script>alert",
    "<svg onload",
    "<iframe src=javascript",
    "<a href=javascript",
];

fn assert_no_markup(html: &str, what: &str) {
    for m in MARKUP {
        assert!(
            !html.contains(m),
            "{what}: {m:?} reached the HTML unescaped"
        );
    }
}

async fn html(url: String) -> String {
    get(url).await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn people_s_text_in_server_rendered_pages_stays_text() {
    let db = TestDb::new();
    let server = db.start().await;
    let base = format!("http://{}", server.addr);
    let mut boards = Vec::new();
    for title in HOSTILE {
        boards.push(new_board(server.addr, title).await);
    }
    // The board page: its <title> (the stored XSS of the review) and its header.
    for (board, title) in boards.iter().zip(HOSTILE) {
        let page = html(format!("{base}/b/{board}")).await;
        assert_no_markup(&page, &format!("board page titled {title:?}"));
        assert!(page.contains("<title>"), "the page has a title");
    }
    // The home page lists no board of the server's (each browser keeps its own list).
    let home = html(format!("{base}/")).await;
    assert_no_markup(&home, "home page");
    // Error pages: a hostile path and a hostile board id.
    for path in HOSTILE {
        let page = html(format!("{base}/b/{}", urlencode(path))).await;
        assert_no_markup(&page, "not-found page");
        let page = html(format!("{base}/{}", urlencode(path))).await;
        assert_no_markup(&page, "not-found page");
    }
    // API errors are JSON, never HTML.
    let resp = get(format!("{base}/api/boards/{}", urlencode(HOSTILE[1])))
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    server.stop().await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

async fn board_count(db: &TestDb) -> usize {
    let store = EventStore::open_read_only(&db.url()).await.unwrap();
    let list: Vec<BoardSummary> = store.list_boards().await.unwrap();
    store.close().await;
    list.len()
}

/// Every state-changing endpoint, as a browser on another site could send it: each a form
/// post (no CORS preflight) or a JSON one.
fn state_changing(base: &str) -> Vec<(String, &'static str, String)> {
    let file = r#"{"format":"stormwall-board","version":1,"title":"Forged","stickies":[],"frames":[],"connectors":[]}"#;
    vec![
        (
            format!("{base}/api/boards"),
            "application/json",
            r#"{"title":"Forged"}"#.into(),
        ),
        (
            format!("{base}/api/boards"),
            "text/plain",
            r#"{"title":"Forged"}"#.into(),
        ),
        (
            format!("{base}/api/boards/import"),
            "text/plain",
            file.into(),
        ),
        (
            format!("{base}/api/create_board"),
            "application/x-www-form-urlencoded",
            "title=Forged".into(),
        ),
        (
            format!("{base}/api/import_board"),
            "application/x-www-form-urlencoded",
            format!("file={}", urlencode(file)),
        ),
        (
            format!("{base}/api/board_history"),
            "application/x-www-form-urlencoded",
            "id=00000000-0000-4000-8000-000000000000&key=k&from=1&to=2".into(),
        ),
        (
            format!("{base}/api/open_board"),
            "application/x-www-form-urlencoded",
            "id=x&key=k".into(),
        ),
    ]
}

#[tokio::test]
async fn cross_site_requests_are_refused_on_every_state_changing_endpoint() {
    let db = TestDb::new();
    let server = db.start().await;
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::new();
    for (url, content_type, body) in state_changing(&base) {
        for (header, value) in [
            ("origin", "https://evil.example"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
        ] {
            let resp = http
                .post(&url)
                .header("content-type", content_type)
                .header(header, value)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 403, "{url} with {header}: {value}");
            let text = resp.text().await.unwrap();
            assert!(text.contains(ErrorCode::CrossSite.as_str()), "{text}");
        }
    }
    assert_eq!(board_count(&db).await, 0, "nothing was created");

    // The same requests from our own page go through.
    let own = format!("http://{}", server.addr);
    let resp = http
        .post(format!("{base}/api/create_board"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &own)
        .header("sec-fetch-site", "same-origin")
        .body("title=Ours")
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success() || resp.status().is_redirection());
    assert_eq!(board_count(&db).await, 1);
    server.stop().await;
}

/// A raw HTTP/1.1 request (reqwest will not send a Host of our choosing); the status and body.
async fn raw(server: &RunningServer, request: &str) -> (u16, String) {
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut response)).await;
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn requests_for_foreign_host_names_are_refused_against_dns_rebinding() {
    let db = TestDb::new();
    let server = db
        .start_with(|c| c.public_url = vec!["https://storm.example.com".into()])
        .await;
    let port = server.addr.port();
    let board = new_board(server.addr, "Rebinding").await;
    let key = stormwall_testkit::key(board, stormwall_core::Role::View);
    let get = |host: &str| {
        format!(
            "GET /api/boards/{board} HTTP/1.1\r\nHost: {host}\r\n\
             Authorization: Bearer {key}\r\nConnection: close\r\n\r\n"
        )
    };
    // An attacker's name pointed at this server: refused, whatever the Origin says.
    let (status, body) = raw(&server, &get(&format!("evil.example:{port}"))).await;
    assert_eq!(status, 421, "{body}");
    assert!(body.contains("--public-url"), "{body}");
    // The names we answer to.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "storm.example.com".to_owned(),
    ] {
        let (status, body) = raw(&server, &get(&host)).await;
        assert_eq!(status, 200, "{host}: {body}");
    }
    // A WebSocket with Host and Origin both the attacker's (the old check compared them).
    let ws = format!(
        "GET /ws/boards/{board} HTTP/1.1\r\nHost: evil.example:{port}\r\n\
         Origin: http://evil.example:{port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    );
    let (status, _) = raw(&server, &ws).await;
    assert_eq!(status, 421);
    // The public URL's own pages may change things; its Origin is ours.
    let post = |origin: &str| {
        let body = r#"{"title":"From our page"}"#;
        format!(
            "POST /api/boards HTTP/1.1\r\nHost: storm.example.com\r\nOrigin: {origin}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    assert_eq!(
        raw(&server, &post("https://storm.example.com")).await.0,
        201
    );
    assert_eq!(raw(&server, &post("https://evil.example")).await.0, 403);
    server.stop().await;
}

#[tokio::test]
async fn a_bad_public_url_is_a_clear_error_at_start() {
    let db = TestDb::new();
    let mut config = Config::for_database(db.url());
    config.public_url = vec!["storm.example.com".into()];
    let err = RunningServer::start(config).await.err().expect("refused");
    assert!(err.to_string().contains("--public-url"), "{err}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Headers").await;
    let base = format!("http://{}", server.addr);
    for path in [
        "/".to_owned(),
        format!("/b/{board}"),
        "/api/boards".to_owned(),
        "/no/such/page".to_owned(),
        "/favicon.svg".to_owned(),
    ] {
        let resp = get(format!("{base}{path}")).await.unwrap();
        let h = resp.headers().clone();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap().to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("'unsafe-eval'"), "{path}: {csp}");
        assert!(
            !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{path}: {csp}"
        );
        let body = resp.text().await.unwrap();
        // Leptos' inline scripts carry the nonce the policy names, so they alone may run.
        if let Some(at) = body.find("<script") {
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .and_then(|n| n.split('\'').next())
                .unwrap_or_else(|| panic!("{path}: a page with scripts needs a nonce: {csp}"));
            let tag = &body[at..at + body[at..].find('>').unwrap()];
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: {tag}");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn numbers_out_of_range_get_400_with_a_clear_message() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Numbers").await;
    let base = format!("http://{}", server.addr);
    for query in [
        "from=9223372036854775808",
        "from=18446744073709551615",
        "from=18446744073709551616",
        "to=9223372036854775808",
        "from=-1",
        "from=abc",
        "from=5&to=2",
    ] {
        let resp = get(format!("{base}/api/boards/{board}/events?{query}"))
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{query}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert!(
            body["message"].as_str().unwrap().contains("from"),
            "{query}: {body}"
        );
    }
    // The largest seq the log can hold is a valid, empty page.
    let resp = get(format!(
        "{base}/api/boards/{board}/events?from=9223372036854775807"
    ))
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "[]");
    // The history server function.
    let http = reqwest::Client::new();
    for (from, to) in [
        ("9223372036854775808", "9223372036854775809"),
        ("0", "5"),
        ("5", "2"),
    ] {
        let resp = http
            .post(format!("{base}/api/board_history"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("id={board}&key=k&from={from}&to={to}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{from}..{to}");
        assert!(resp.text().await.unwrap().contains("not a range"));
    }
    // The WebSocket's resume point.
    for since in ["18446744073709551616", "9223372036854775808", "x"] {
        let err = tokio_tungstenite::connect_async(format!(
            "ws://{}/ws/boards/{board}?since={since}",
            server.addr
        ))
        .await
        .unwrap_err();
        match err {
            tokio_tungstenite::tungstenite::Error::Http(resp) => {
                assert_eq!(resp.status(), 400, "since={since}")
            }
            other => panic!("expected 400, got {other:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn bodies_over_their_limit_get_413_and_at_the_limit_are_read() {
    let db = TestDb::new();
    let server = db.start().await;
    let base = format!("http://{}", server.addr);
    for path in [
        "/api/boards/import",
        "/api/import_board",
        "/api/boards",
        "/api/open_board",
    ] {
        let limit = if path.contains("import") {
            MAX_BOARD_FILE_BYTES
        } else {
            stormwall::guard::MAX_SMALL_BODY_BYTES
        };
        // Over the limit: refused from the Content-Length alone, before the body is read.
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            server.addr,
            limit + 1
        );
        let (status, body) = raw(&server, &request).await;
        assert_eq!(status, 413, "{path}: {body}");
        assert!(body.contains("at most"), "{body}");
        // A streamed body of unknown length is refused too.
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            server.addr
        );
        assert_eq!(raw(&server, &request).await.0, 411, "{path}");
    }
    // A link's key exactly at the small limit is read (and opens nothing), not refused.
    let prefix = "id=00000000-0000-4000-8000-000000000000&key=";
    let body = format!(
        "{prefix}{}",
        "k".repeat(stormwall::guard::MAX_SMALL_BODY_BYTES - prefix.len())
    );
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/open_board"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "null");
    // Exactly at the limit, the body is read: a 10 MB and a 32 MB file that are not boards
    // get the import's own error (400), not 413 or 500.
    let http = reqwest::Client::new();
    for size in [10 * 1024 * 1024, MAX_BOARD_FILE_BYTES] {
        let junk = format!("{}{}", "x".repeat(size - 2), "{}");
        let resp = http
            .post(format!("{base}/api/boards/import"))
            .body(junk.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{size} bytes to the import endpoint");
        let form = format!("file={}", &junk[..size - 5]);
        let resp = http
            .post(format!("{base}/api/import_board"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.status(),
            400,
            "{size} bytes to the import server function"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn a_second_server_through_a_symlink_or_a_hard_link_is_refused() {
    let db = TestDb::new();
    if !sqlite_only(&db, "links to the SQLite file") {
        return;
    }
    let server = db.start().await;
    let link = db.dir.path().join("link.db");
    std::os::unix::fs::symlink(db.path(), &link).unwrap();
    let hard = db.dir.path().join("hard.db");
    std::fs::hard_link(db.path(), &hard).unwrap();
    let relative = format!(
        "sqlite://{}/../{}/board.db",
        db.dir.path().display(),
        db.dir.path().file_name().unwrap().to_string_lossy()
    );
    for url in [
        format!("sqlite://{}", link.display()),
        format!("sqlite://{}", hard.display()),
        relative,
    ] {
        match EventStore::open(&url).await {
            Err(StoreError::InUse { .. }) => {}
            Err(other) => panic!("{url}: expected InUse, got {other}"),
            Ok(_) => panic!("{url}: a second writer opened the same database"),
        }
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_stormwall"))
            .args(["--database", &url, "--addr", "127.0.0.1:0"])
            .output()
            .await
            .unwrap();
        assert!(!out.status.success(), "{url}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("already using the database"), "{stderr}");
    }
    // The refused attempts left the running server's database working.
    let board = new_board(server.addr, "Still fine").await;
    let (mut c, _) = Client::join_board(server.addr, board).await;
    c.command(stormwall_core::Command::RenameBoard {
        title: "Renamed".into(),
    })
    .await
    .unwrap();
    assert!(matches!(c.recv().await, ServerMsg::Event { .. }));
    assert!(matches!(c.recv().await, ServerMsg::Ack { .. }));
    server.stop().await;
}

#[tokio::test]
async fn flags_out_of_range_are_clear_errors_not_panics() {
    for (flag, value) in [
        ("--idle-board-secs", "inf"),
        ("--idle-board-secs", "NaN"),
        ("--idle-board-secs", "-1"),
        ("--rate-limit", "0"),
        ("--rate-limit", "inf"),
        ("--send-timeout-secs", "1e300"),
        ("--max-connections", "0"),
    ] {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_stormwall"))
            .args([&format!("{flag}={value}"), "--database", "sqlite::memory:"])
            .output()
            .await
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(flag) && !stderr.contains("panicked"),
            "{flag} {value}: {stderr}"
        );
    }
}

#[tokio::test]
async fn the_largest_boards_round_trip_through_export_and_import() {
    let db = TestDb::new();
    let server = db.start().await;
    // As many stickies as a board holds, each with the longest text, every character one
    // that JSON escapes (the 2,000-sticky board of the review exported to 6.5 MB and came
    // back 413).
    let board =
        stormwall_core::sample::wall("Largest", MAX_STICKIES, |_| "\"".repeat(MAX_TEXT_CHARS));
    let file = stormwall_core::export::json::to_string(&board);
    assert!(file.len() > 10_000_000, "{} bytes", file.len());
    let first = stormwall_testkit::http::imported_board(server.addr, file).await;
    let base = format!("http://{}", server.addr);
    let exported = html(format!("{base}/api/boards/{first}/export/json")).await;
    let second = stormwall_testkit::http::imported_board(server.addr, exported.clone()).await;
    let again = html(format!("{base}/api/boards/{second}/export/json")).await;
    assert_eq!(again, exported);
    server.stop().await;
}
