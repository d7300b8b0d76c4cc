//! A WebSocket client that speaks the protocol in its typed messages.
//!
//! Two kinds of methods: those that return a `Result` (what the load tool uses, and tests of
//! failures), and the tests' shorthands, which open a board by its id (its key from
//! [`links`](crate::links)), wait at most [`RECV_LIMIT`] and fail the test on anything
//! unexpected.

use crate::links;
use futures::{SinkExt, StreamExt};
use std::fmt;
use std::fmt::Display;
use std::time::Duration;
use stormwall_core::protocol::{ClientMsg, ServerMsg};
use stormwall_core::{Board, BoardId, Command, Position, Role, StickyId};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why a client could not go on.
#[derive(Debug)]
pub enum Error {
    Socket(tungstenite::Error),
    /// The server closed the connection (or the socket ended).
    Closed,
    /// Nothing came within the time given.
    Timeout(Duration),
    /// A frame that is not a protocol message (binary, or text that is not a `ServerMsg`).
    Unreadable(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Socket(e) => write!(f, "socket: {e}"),
            Error::Closed => write!(f, "the connection closed"),
            Error::Timeout(t) => write!(f, "nothing within {t:?}"),
            Error::Unreadable(what) => write!(f, "not a protocol message: {what}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<tungstenite::Error> for Error {
    fn from(e: tungstenite::Error) -> Self {
        Error::Socket(e)
    }
}

/// How long the tests' shorthands wait for a message before failing the test.
pub const RECV_LIMIT: Duration = Duration::from_secs(5);

/// The WebSocket address of a board on a server at `addr` (`host:port`).
pub fn board_url(addr: impl Display, board: BoardId) -> String {
    format!("ws://{addr}/ws/boards/{board}")
}

/// The `hello` frame with the facilitator's key of a board made through the kit (for sockets
/// a test drives itself).
pub fn hello_frame(board: BoardId) -> Message {
    let msg = ClientMsg::Hello {
        key: links::key(board, Role::Facilitator),
        browser: None,
    };
    Message::Text(
        serde_json::to_string(&msg)
            .expect("client messages serialise")
            .into(),
    )
}

pub struct Client {
    ws: Socket,
}

impl Client {
    /// Connects (with `TCP_NODELAY`, as a browser's small messages go out at once).
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let (ws, _) = tokio_tungstenite::connect_async_with_config(url, None, true).await?;
        Ok(Self { ws })
    }

    /// Connects over a TCP stream the caller made (e.g. with a tiny receive buffer).
    pub async fn connect_on(url: &str, stream: TcpStream) -> Result<Self, Error> {
        let (ws, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream)).await?;
        Ok(Self { ws })
    }

    /// Wraps a socket connected by the caller (custom headers or TCP settings).
    pub fn from_stream(ws: Socket) -> Self {
        Self { ws }
    }

    /// Connects, says hello with `key` and reads up to the welcome, which it returns.
    pub async fn join(url: &str, key: &str) -> Result<(Self, ServerMsg), Error> {
        let mut client = Self::connect(url).await?;
        client.hello(key).await?;
        let welcome = client.welcome().await?;
        Ok((client, welcome))
    }

    pub async fn send(&mut self, msg: &ClientMsg) -> Result<(), Error> {
        let text = serde_json::to_string(msg).expect("client messages serialise");
        self.send_text(text).await
    }

    /// Sends a text frame as it is (a message serialised earlier, or a malformed one).
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<(), Error> {
        self.send_frame(Message::Text(text.into().into())).await
    }

    /// Sends any frame (binary, oversize, close).
    pub async fn send_frame(&mut self, frame: Message) -> Result<(), Error> {
        Ok(self.ws.send(frame).await?)
    }

    /// The first message on every connection: a link's key.
    pub async fn hello(&mut self, key: &str) -> Result<(), Error> {
        let msg = ClientMsg::Hello {
            key: key.to_owned(),
            browser: None,
        };
        self.send(&msg).await
    }

    /// Sends a command under a new id, which it returns.
    pub async fn command(&mut self, command: Command) -> Result<Uuid, Error> {
        let command_id = Uuid::new_v4();
        self.command_with_id(command_id, command).await?;
        Ok(command_id)
    }

    /// Sends a command under a given id (a retry, or a queue sent again).
    pub async fn command_with_id(
        &mut self,
        command_id: Uuid,
        command: Command,
    ) -> Result<(), Error> {
        self.send(&ClientMsg::Command {
            command_id,
            command,
        })
        .await
    }

    /// The next frame, whatever it is (`Error::Closed` once the socket ends). Cancel-safe.
    pub async fn next_frame(&mut self) -> Result<Message, Error> {
        match self.ws.next().await {
            Some(frame) => Ok(frame?),
            None => Err(Error::Closed),
        }
    }

    /// The next protocol message (pings and pongs skipped). Cancel-safe: it only waits on
    /// the socket, so it can be one branch of a `select!`.
    pub async fn next(&mut self) -> Result<ServerMsg, Error> {
        loop {
            match self.next_frame().await? {
                Message::Text(text) => {
                    return serde_json::from_str(&text).map_err(|e| {
                        Error::Unreadable(format!(
                            "{e}: {}",
                            text.chars().take(200).collect::<String>()
                        ))
                    })
                }
                Message::Ping(_) | Message::Pong(_) => continue,
                Message::Close(_) => return Err(Error::Closed),
                other => return Err(Error::Unreadable(format!("{other:?}"))),
            }
        }
    }

    /// The next protocol message within `limit`.
    pub async fn next_within(&mut self, limit: Duration) -> Result<ServerMsg, Error> {
        match tokio::time::timeout(limit, self.next()).await {
            Ok(msg) => msg,
            Err(_) => Err(Error::Timeout(limit)),
        }
    }

    /// Reads up to the welcome (resumes and errors before it are skipped) and returns it.
    pub async fn welcome(&mut self) -> Result<ServerMsg, Error> {
        loop {
            let msg = self.next().await?;
            if matches!(msg, ServerMsg::Welcome { .. }) {
                return Ok(msg);
            }
        }
    }

    /// Reads until the acknowledgement of `command_id`; a refusal of it is returned as such.
    pub async fn answer(&mut self, command_id: Uuid) -> Result<ServerMsg, Error> {
        loop {
            match self.next().await? {
                msg @ ServerMsg::Ack { command_id: c, .. } if c == command_id => return Ok(msg),
                msg @ ServerMsg::Error {
                    command_id: Some(c),
                    ..
                } if c == command_id => return Ok(msg),
                _ => {}
            }
        }
    }

    /// Sends where this user's pointer is and what they edit.
    pub async fn presence(
        &mut self,
        cursor: Option<Position>,
        editing: Option<StickyId>,
    ) -> Result<(), Error> {
        self.send(&ClientMsg::Presence { cursor, editing }).await
    }

    /// Says hello with the facilitator's key of a board made through the kit.
    pub async fn hello_board(&mut self, board: BoardId) -> Result<(), Error> {
        self.hello(&links::key(board, Role::Facilitator)).await
    }

    // The tests' shorthands: they fail the test rather than return an error.

    /// Joins a board made through the kit as its facilitator; the client and its welcome.
    pub async fn join_board(addr: impl Display, board: BoardId) -> (Self, ServerMsg) {
        Self::join_as_with_key(addr, board, None, &links::key(board, Role::Facilitator)).await
    }

    /// Joins a board made through the kit with a display name, as its facilitator.
    pub async fn join_as(addr: impl Display, board: BoardId, name: &str) -> (Self, ServerMsg) {
        let key = links::key(board, Role::Facilitator);
        Self::join_as_with_key(addr, board, Some(name), &key).await
    }

    /// Joins a board with a given key (of some role).
    pub async fn join_with_key(addr: impl Display, board: BoardId, key: &str) -> (Self, ServerMsg) {
        Self::join_as_with_key(addr, board, None, key).await
    }

    /// Joins a board with a display name (none: the server picks one) and a given key; fails
    /// the test unless the first board message is the welcome.
    pub async fn join_as_with_key(
        addr: impl Display,
        board: BoardId,
        name: impl Into<Option<&str>>,
        key: &str,
    ) -> (Self, ServerMsg) {
        let mut url = board_url(addr, board);
        if let Some(name) = name.into() {
            url = format!("{url}?name={name}");
        }
        let mut client = Self::connect(&url).await.expect("ws connects");
        client.hello(key).await.expect("hello sent");
        let welcome = client.recv().await;
        assert!(matches!(welcome, ServerMsg::Welcome { .. }), "{welcome:?}");
        (client, welcome)
    }

    /// The board as a newcomer gets it now, and its seq.
    pub async fn board_now(addr: impl Display, board: BoardId) -> (Board, u64) {
        let (_, welcome) = Self::join_board(addr, board).await;
        let ServerMsg::Welcome { board, seq, .. } = welcome else {
            unreachable!("join returns the welcome")
        };
        (board, seq)
    }

    /// Sends a command and waits for its acknowledgement (its events pass by); a refusal
    /// fails the test.
    pub async fn run(&mut self, command: Command) {
        let id = self.command(command).await.expect("command sent");
        loop {
            match self.recv().await {
                ServerMsg::Ack { command_id, .. } if command_id == id => return,
                ServerMsg::Error { message, .. } => panic!("refused: {message}"),
                _ => {}
            }
        }
    }

    /// The next protocol message, whatever it is; fails the test after [`RECV_LIMIT`] of
    /// silence, or if the socket closes.
    pub async fn recv_any(&mut self) -> ServerMsg {
        match self.next_within(RECV_LIMIT).await {
            Ok(msg) => msg,
            Err(e) => panic!("no message: {e}"),
        }
    }

    /// The next message about the board (presence and the facilitator's kit are skipped).
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

    /// The next presence message (`roster`, `presence` or `left`), skipping the rest.
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

    /// Fails the test if a board message arrives within a short while (presence may).
    pub async fn expect_silence(&mut self) {
        let r = tokio::time::timeout(Duration::from_millis(300), self.recv()).await;
        assert!(r.is_err(), "expected silence, got {r:?}");
    }

    /// The close frame's code (0 without one) and the messages before it; fails the test
    /// after [`RECV_LIMIT`] of silence.
    pub async fn closed(&mut self) -> (u16, Vec<ServerMsg>) {
        let mut before = Vec::new();
        loop {
            let frame = tokio::time::timeout(RECV_LIMIT, self.next_frame())
                .await
                .expect("closed within the limit");
            match frame {
                Ok(Message::Text(text)) => {
                    before.push(serde_json::from_str(&text).expect("valid ServerMsg"))
                }
                Ok(Message::Close(Some(f))) => return (u16::from(f.code), before),
                Ok(Message::Close(None)) | Err(_) => return (0, before),
                Ok(_) => continue,
            }
        }
    }

    /// The socket itself, for what this type does not offer.
    pub fn socket(&mut self) -> &mut Socket {
        &mut self.ws
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
