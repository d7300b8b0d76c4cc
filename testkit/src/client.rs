//! A WebSocket client that speaks the protocol in its typed messages.

use futures::{SinkExt, StreamExt};
use std::fmt;
use std::time::Duration;
use stormwall_core::protocol::{ClientMsg, ServerMsg};
use stormwall_core::{BoardId, Command};
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

/// The WebSocket address of a board on a server at `addr` (`host:port`).
pub fn board_url(addr: &str, board: BoardId) -> String {
    format!("ws://{addr}/ws/boards/{board}")
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

    /// The socket itself, for what this type does not offer.
    pub fn socket(&mut self) -> &mut Socket {
        &mut self.ws
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
