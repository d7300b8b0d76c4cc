//! Shared helpers: a real server on port 0 with a throwaway SQLite file, and protocol clients.

use futures::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;
use stormwall::{Config, RunningServer};
use stormwall_core::protocol::{ClientMsg, Created, ServerMsg};
use stormwall_core::{Board, BoardId, Command, Role};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

pub struct TestDb {
    pub dir: tempfile::TempDir,
}

impl TestDb {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("board.db")
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}", self.path().display())
    }

    pub async fn start(&self) -> RunningServer {
        self.start_with(|_| {}).await
    }

    /// Starts a server with some settings changed from the test defaults.
    pub async fn start_with(&self, change: impl FnOnce(&mut Config)) -> RunningServer {
        let mut config = Config::for_database(self.url());
        change(&mut config);
        RunningServer::start(config).await.expect("server starts")
    }
}

/// `GET /api/stats`.
pub async fn stats(server: &RunningServer) -> serde_json::Value {
    reqwest::get(format!("http://{}/api/stats", server.addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The links of every board the tests created, so that helpers can open them.
static LINKS: LazyLock<Mutex<HashMap<BoardId, Created>>> = LazyLock::new(Default::default);

/// The key of one of a test board's links.
pub fn key(board: BoardId, role: Role) -> String {
    let links = LINKS.lock().unwrap();
    let created = links.get(&board).expect("a board created by this test");
    created
        .key(role)
        .expect("every board has three links")
        .to_owned()
}

/// The test board named in a URL, if any.
fn board_in(url: &str) -> Option<BoardId> {
    let links = LINKS.lock().unwrap();
    links.keys().find(|b| url.contains(&b.to_string())).copied()
}

/// The `hello` frame with a test board's facilitator key.
pub fn hello_frame(board: BoardId) -> Message {
    let msg = ClientMsg::Hello {
        key: key(board, Role::Facilitator),
        browser: None,
    };
    Message::Text(serde_json::to_string(&msg).unwrap().into())
}

/// `GET url`, with the facilitator's key when the URL names a test board.
pub async fn get(url: impl AsRef<str>) -> reqwest::Result<reqwest::Response> {
    let url = url.as_ref();
    let mut req = reqwest::Client::new().get(url);
    if let Some(board) = board_in(url) {
        req = req.bearer_auth(key(board, Role::Facilitator));
    }
    req.send().await
}

pub async fn create_board(server: &RunningServer, title: &str) -> BoardId {
    let resp = reqwest::Client::new()
        .post(format!("http://{}/api/boards", server.addr))
        .json(&serde_json::json!({ "title": title }))
        .send()
        .await
        .unwrap();
    created(resp).await
}

/// Imports a board file over HTTP; the new board's id.
pub async fn import_board(server: &RunningServer, file: impl Into<reqwest::Body>) -> BoardId {
    let resp = reqwest::Client::new()
        .post(format!("http://{}/api/boards/import", server.addr))
        .body(file)
        .send()
        .await
        .unwrap();
    created(resp).await
}

/// The id in a `201 {"id": ..., "links": ...}` answer; the links are kept for the helpers.
async fn created(resp: reqwest::Response) -> BoardId {
    assert_eq!(resp.status(), 201);
    let created: Created = resp.json().await.unwrap();
    assert_eq!(created.links.len(), 3, "three links: {created:?}");
    let id = created.id;
    LINKS.lock().unwrap().insert(id, created);
    id
}

/// A command that adds one domain event with this text, at the origin.
pub fn add_sticky(text: &str) -> Command {
    Command::AddSticky {
        id: stormwall_core::StickyId(Uuid::new_v4()),
        kind: stormwall_core::StickyKind::DomainEvent,
        text: text.into(),
        pos: stormwall_core::Position::new(0, 0),
        size: None,
    }
}

pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Client {
    /// Connects and returns the client with the welcome it got.
    pub async fn join(server: &RunningServer, board: BoardId) -> (Self, ServerMsg) {
        Self::connect(format!("ws://{}/ws/boards/{board}", server.addr)).await
    }

    async fn connect(url: String) -> (Self, ServerMsg) {
        let board = board_in(&url).expect("a test board");
        Self::connect_with(url, &key(board, Role::Facilitator)).await
    }

    /// Connects to a board with a given key; returns the client and its welcome.
    pub async fn join_with_key(
        server: &RunningServer,
        board: BoardId,
        key: &str,
    ) -> (Self, ServerMsg) {
        Self::connect_with(format!("ws://{}/ws/boards/{board}", server.addr), key).await
    }

    async fn connect_with(url: String, key: &str) -> (Self, ServerMsg) {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("ws connects");
        let mut client = Self { ws };
        client.hello(key).await;
        let welcome = client.recv().await;
        assert!(matches!(welcome, ServerMsg::Welcome { .. }), "{welcome:?}");
        (client, welcome)
    }

    /// Wraps a socket connected by the test itself (custom URL or headers).
    pub fn from_stream(ws: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Self {
        Self { ws }
    }

    /// Says hello with a link's key (the first message on every connection).
    pub async fn hello(&mut self, key: &str) {
        let msg = ClientMsg::Hello {
            key: key.to_owned(),
            browser: None,
        };
        self.send_raw(serde_json::to_string(&msg).unwrap()).await;
    }

    /// Says hello with the facilitator's key of a test board.
    pub async fn hello_board(&mut self, board: BoardId) {
        self.hello(&key(board, Role::Facilitator)).await;
    }

    /// Sends any frame (binary, malformed, oversize).
    pub async fn send_frame(&mut self, frame: Message) {
        self.ws.send(frame).await.unwrap();
    }

    pub async fn send_raw(&mut self, text: impl Into<String>) {
        self.ws
            .send(Message::Text(text.into().into()))
            .await
            .unwrap();
    }

    pub async fn command(&mut self, command: Command) -> Uuid {
        let command_id = Uuid::new_v4();
        self.command_with_id(command_id, command).await;
        command_id
    }

    /// Sends a command and waits for its acknowledgement (its events pass by); a refusal
    /// fails the test.
    pub async fn run(&mut self, command: Command) {
        let id = self.command(command).await;
        loop {
            match self.recv().await {
                ServerMsg::Ack { command_id, .. } if command_id == id => return,
                ServerMsg::Error { message, .. } => panic!("refused: {message}"),
                _ => {}
            }
        }
    }

    /// Sends a command under a given id (a retry, or a queue sent again).
    pub async fn command_with_id(&mut self, command_id: Uuid, command: Command) {
        let msg = ClientMsg::Command {
            command_id,
            command,
        };
        self.send_raw(serde_json::to_string(&msg).unwrap()).await;
    }

    /// The board as a newcomer gets it now, and its seq.
    pub async fn board_now(server: &RunningServer, board: BoardId) -> (Board, u64) {
        let (_, welcome) = Self::join(server, board).await;
        let ServerMsg::Welcome { board, seq, .. } = welcome else {
            unreachable!("join returns the welcome")
        };
        (board, seq)
    }

    /// The next protocol message about the board (presence is skipped); fails the test after
    /// 5 s of silence.
    pub async fn recv(&mut self) -> ServerMsg {
        loop {
            match self.recv_any().await {
                ServerMsg::Roster { .. }
                | ServerMsg::Presence { .. }
                | ServerMsg::Left { .. }
                | ServerMsg::Access { .. }
                | ServerMsg::Follow { .. }
                | ServerMsg::Ballot { .. } => continue,
                msg => return msg,
            }
        }
    }

    /// The next presence message (`roster`, `presence` or `left`), skipping board messages.
    pub async fn recv_presence(&mut self) -> ServerMsg {
        loop {
            match self.recv_any().await {
                msg @ (ServerMsg::Roster { .. }
                | ServerMsg::Presence { .. }
                | ServerMsg::Left { .. }) => return msg,
                _ => continue,
            }
        }
    }

    /// The next protocol message, whatever it is.
    pub async fn recv_any(&mut self) -> ServerMsg {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("a message within 5 s")
                .expect("socket open")
                .expect("frame readable");
            match frame {
                Message::Text(text) => {
                    return serde_json::from_str(&text).expect("valid ServerMsg")
                }
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// Asserts no board message arrives for a short while (presence may).
    pub async fn expect_silence(&mut self) {
        let r = tokio::time::timeout(Duration::from_millis(300), self.recv()).await;
        assert!(r.is_err(), "expected silence, got {r:?}");
    }

    /// Sends where this user's pointer is and what they edit.
    pub async fn presence(
        &mut self,
        cursor: Option<stormwall_core::Position>,
        editing: Option<stormwall_core::StickyId>,
    ) {
        let msg = ClientMsg::Presence { cursor, editing };
        self.send_raw(serde_json::to_string(&msg).unwrap()).await;
    }

    /// Connects with a display name.
    pub async fn join_as(server: &RunningServer, board: BoardId, name: &str) -> (Self, ServerMsg) {
        Self::connect(format!(
            "ws://{}/ws/boards/{board}?name={name}",
            server.addr
        ))
        .await
    }

    /// Connects with a display name and a given key (of some role).
    pub async fn join_as_with_key(
        server: &RunningServer,
        board: BoardId,
        name: &str,
        key: &str,
    ) -> (Self, ServerMsg) {
        let url = format!("ws://{}/ws/boards/{board}?name={name}", server.addr);
        Self::connect_with(url, key).await
    }

    /// The next message of the facilitator's kit or access (`access`, `ballot`, `follow`) or
    /// an error, skipping the rest.
    pub async fn recv_workshop(&mut self) -> ServerMsg {
        loop {
            match self.recv_any().await {
                msg @ (ServerMsg::Access { .. }
                | ServerMsg::Ballot { .. }
                | ServerMsg::Follow { .. }
                | ServerMsg::Error { .. }) => return msg,
                _ => continue,
            }
        }
    }

    /// Sends any client message.
    pub async fn send(&mut self, msg: &ClientMsg) {
        self.send_raw(serde_json::to_string(msg).unwrap()).await;
    }

    /// The close frame's code and reason, skipping messages before it (fails after 5 s).
    pub async fn closed(&mut self) -> (u16, Vec<ServerMsg>) {
        let mut before = Vec::new();
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .expect("closed within 5 s");
            match frame {
                Some(Ok(Message::Text(text))) => before.push(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Close(Some(f)))) => return (u16::from(f.code), before),
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => return (0, before),
                Some(Ok(_)) => continue,
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
