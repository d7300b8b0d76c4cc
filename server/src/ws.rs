//! One WebSocket session: the socket's IO only. Decisions belong to the board actor.

use crate::actor::{generation_of, BoardError, BoardHandle, Done, Joined, Outgoing, Who, Wire};
use crate::inbound::{self, Inbound, Verdict};
use crate::registry::{ConnectionRefused, Registry};
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::stream::{FuturesOrdered, StreamExt};
use futures::{FutureExt, SinkExt};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use stormwall_core::protocol::{ClientMsg, Link, ServerMsg, PROTOCOL_VERSION};
use stormwall_core::ErrorCode;
use stormwall_core::{BoardId, Role as Right};
use thiserror::Error;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;
use uuid::Uuid;

/// Frames above this close the connection (abuse); frames between `MAX_MESSAGE_BYTES` and this
/// are read only to answer with a clear error.
const HARD_FRAME_LIMIT: usize = 1024 * 1024;

/// Messages to a client go out in frames of at most this size. The WebSocket library copies
/// each frame into a buffer that keeps its capacity for the connection's life: sent whole, a
/// 6 MB welcome would leave 6 MB behind in every connection of a big board.
const FRAGMENT: usize = 64 * 1024;

type Socket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// How long a new connection has to say `hello` with its key.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// Close codes (the 4000s are the application's; browsers show them to the page).
use stormwall_core::protocol::close::{
    FORBIDDEN as CLOSE_FORBIDDEN, REVOKED as CLOSE_REVOKED, UNAUTHORIZED as CLOSE_UNAUTHORIZED,
};

/// What a page shows when its link was rotated away.
pub const REVOKED: &str = "This link was revoked; ask the facilitator for a new one.";

/// Why a session ended early.
#[derive(Debug, Error)]
enum End {
    #[error("socket: {0}")]
    Socket(#[from] tungstenite::Error),
    #[error("the client did not read for {0:?}")]
    SendTimeout(Duration),
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "code": ErrorCode::Refused, "message": message.into() });
    (status, axum::Json(body)).into_response()
}

/// `?since=N`: absent, or a whole number of events the log can hold.
fn since(params: &HashMap<String, String>) -> Result<Option<u64>, String> {
    let Some(raw) = params.get("since") else {
        return Ok(None);
    };
    match raw.parse::<u64>() {
        Ok(n) if n <= i64::MAX as u64 => Ok(Some(n)),
        _ => Err(format!(
            "since={:?} is not a sequence number: give a whole number from 0 to {}",
            raw.chars().take(30).collect::<String>(),
            i64::MAX
        )),
    }
}

/// The `Sec-WebSocket-Accept` for a valid WebSocket handshake (RFC 6455, version 13).
fn handshake(headers: &HeaderMap) -> Result<String, &'static str> {
    let has = |name: header::HeaderName, token: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    };
    if !has(header::UPGRADE, "websocket") || !has(header::CONNECTION, "upgrade") {
        return Err("this address takes WebSocket connections only");
    }
    if !has(header::SEC_WEBSOCKET_VERSION, "13") {
        return Err("WebSocket version 13 is required");
    }
    let key = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .ok_or("the WebSocket handshake has no key")?;
    Ok(derive_accept_key(key.as_bytes()))
}

fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        // The library's 128 KiB buffers per socket would dominate an idle client's memory;
        // board messages are small, and buffers grow when needed.
        .read_buffer_size(8 * 1024)
        .write_buffer_size(8 * 1024)
        .max_message_size(Some(HARD_FRAME_LIMIT))
        .max_frame_size(Some(HARD_FRAME_LIMIT))
}

/// Opens a board's WebSocket. The Origin and Host checks are the `guard`'s, in front of every
/// route; this checks the handshake, the parameters and the connection caps, then upgrades.
pub async fn upgrade(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
) -> Response {
    let accept = match handshake(req.headers()) {
        Ok(accept) => accept,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let author = params
        .get("name")
        .and_then(|n| stormwall_core::text::display_name(n));
    let since = match since(&params) {
        Ok(since) => since,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let Ok(board_id) = id.parse::<BoardId>() else {
        return refuse(StatusCode::NOT_FOUND, "no such board");
    };
    let connection = match registry.connection(peer.ip()) {
        Ok(connection) => connection,
        Err(e @ ConnectionRefused::Full(_)) => {
            return refuse(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        }
        Err(e @ ConnectionRefused::TooManyFromAddress(_)) => {
            return refuse(StatusCode::TOO_MANY_REQUESTS, e.to_string())
        }
    };
    // An id that names no board is answered like a wrong key, after the hello: the bare id
    // tells nobody whether a board exists.
    let handle = match registry.open(board_id).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(board = %board_id, error = %e, "cannot open board");
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "the board cannot be opened right now",
            );
        }
    };
    let upgrading = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        let _counted = connection;
        match upgrading.await {
            Ok(upgraded) => {
                let io = TokioIo::new(upgraded);
                let socket =
                    WebSocketStream::from_raw_socket(io, Role::Server, Some(socket_config())).await;
                match handle {
                    Some(handle) => session(socket, handle, registry, author, since).await,
                    None => no_board(socket, &registry).await,
                }
            }
            Err(e) => tracing::debug!(error = %e, "WebSocket upgrade failed"),
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_ACCEPT, accept)
        .body(Body::empty())
        .expect("a valid response")
}

async fn session(
    socket: Socket,
    handle: BoardHandle,
    registry: Registry,
    author: Option<String>,
    since: Option<u64>,
) {
    let me = Uuid::new_v4();
    let mut out = Out::new(socket, registry.settings().send_timeout);
    tokio::select! {
        result = run(&mut out, &handle, &registry, me, author, since) => {
            if let Err(e) = result {
                tracing::debug!(board = %handle.id(), error = %e, "session ended");
            }
        }
        _ = registry.stopping() => {
            let _ = out.close(CloseCode::Away, "the server is stopping").await;
        }
    }
    // Presence is cleaned up with the connection, however it ended.
    handle.leave(me).await;
}

/// A socket on an id that names no board: refused after its hello, as a wrong key would be.
async fn no_board(socket: Socket, registry: &Registry) {
    let mut out = Out::new(socket, registry.settings().send_timeout);
    if let Ok(Some(_)) = hello(&mut out).await {
        let message = BoardError::Denied.to_string();
        let _ = out
            .refuse(ErrorCode::Forbidden, &message, CLOSE_FORBIDDEN)
            .await;
    }
}

/// The sending half of a session: messages go out in fragments, and every write leaves
/// within the deadline, or the session ends (a client that stops reading must not pin what
/// is queued for it). Messages are fed to the socket's buffer and written by `flush`, so
/// that what is ready at once (an event burst, an event and its ack) costs one write.
struct Out {
    socket: Socket,
    deadline: Duration,
    /// Whether frames were fed since the last flush.
    unflushed: bool,
}

impl Out {
    fn new(socket: Socket, deadline: Duration) -> Self {
        Self {
            socket,
            deadline,
            unflushed: false,
        }
    }

    /// A socket operation, within the deadline. Most complete at once (the kernel's buffer
    /// has room), and those never arm a timer: registering and cancelling one per write is
    /// work on every delivery for a deadline that almost never matters.
    async fn timed(
        deadline: Duration,
        op: impl Future<Output = Result<(), tungstenite::Error>>,
    ) -> Result<(), End> {
        let mut op = std::pin::pin!(op);
        if let Some(done) = op.as_mut().now_or_never() {
            return Ok(done?);
        }
        match tokio::time::timeout(deadline, op).await {
            Ok(done) => Ok(done?),
            Err(_) => Err(End::SendTimeout(deadline)),
        }
    }

    /// Queues a frame; the socket's buffer is written out once it passes its size (8 KiB)
    /// and waits, within the deadline, while the client does not read.
    async fn frame(&mut self, frame: Message) -> Result<(), End> {
        Self::timed(self.deadline, self.socket.feed(frame)).await?;
        self.unflushed = true;
        Ok(())
    }

    /// Writes everything queued so far.
    async fn flush(&mut self) -> Result<(), End> {
        if !std::mem::take(&mut self.unflushed) {
            return Ok(());
        }
        Self::timed(self.deadline, self.socket.flush()).await
    }

    /// One text message (JSON serialised once, its bytes shared by every recipient, never
    /// copied but into the socket's buffer), in frames of `FRAGMENT` bytes.
    async fn wire(&mut self, text: Wire) -> Result<(), End> {
        let mut opcode = OpCode::Data(Data::Text);
        let mut rest = text;
        loop {
            let part = rest.split_to(rest.len().min(FRAGMENT));
            let last = rest.is_empty();
            self.frame(Message::Frame(Frame::message(part, opcode, last)))
                .await?;
            if last {
                return Ok(());
            }
            opcode = OpCode::Data(Data::Continue);
        }
    }

    async fn msg(&mut self, msg: &ServerMsg) -> Result<(), End> {
        let json = serde_json::to_string(msg).expect("server messages always serialise");
        self.wire(json.into()).await
    }

    /// A refusal the client can show, then the end of the connection.
    async fn refuse(&mut self, code: ErrorCode, message: &str, close: u16) -> Result<(), End> {
        self.msg(&ServerMsg::error(code, message, None)).await?;
        self.close(CloseCode::from(close), "").await
    }

    async fn close(&mut self, code: CloseCode, reason: &'static str) -> Result<(), End> {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        self.frame(Message::Close(Some(frame))).await?;
        self.flush().await
    }
}

/// Sends the welcome (shared with everyone who joined at this seq, then let go of); returns
/// the seq the client now has.
async fn welcome(out: &mut Out, joined: &mut Joined) -> Result<u64, End> {
    let welcome = std::mem::take(&mut joined.welcome);
    out.wire(welcome).await?;
    Ok(joined.seq)
}

/// Who is on the board, this connection included.
async fn roster(out: &mut Out, joined: &Joined, me: Uuid) -> Result<(), End> {
    let msg = ServerMsg::Roster {
        you: me,
        participants: joined.roster.clone(),
    };
    out.msg(&msg).await
}

/// Events forwarded in one write at most, beyond the one that woke the session.
const BATCH: usize = 64;

/// Commands of one connection being committed at once, at most; beyond that the session stops
/// reading from the socket until answers come (back-pressure on that client alone).
const IN_FLIGHT: usize = 64;

/// How far behind a resuming client may be and still get the missing events rather than a
/// fresh welcome.
const MAX_CATCH_UP: u64 = 5_000;

/// Sends a resuming client exactly the events it missed; `None` when a welcome is better.
async fn catch_up(
    out: &mut Out,
    registry: &Registry,
    board: BoardId,
    seq: u64,
    since: u64,
) -> Result<Option<u64>, End> {
    if since > seq || seq - since > MAX_CATCH_UP {
        return Ok(None);
    }
    let Ok(missed) = registry.store().load_range(board, since + 1, seq).await else {
        return Ok(None);
    };
    if missed.len() as u64 != seq - since {
        return Ok(None);
    }
    out.msg(&ServerMsg::Resume {
        protocol: PROTOCOL_VERSION,
        since,
    })
    .await?;
    for e in missed {
        let msg = ServerMsg::Event {
            seq: e.seq,
            command_id: e.command_id,
            event: e.event,
        };
        out.msg(&msg).await?;
    }
    Ok(Some(seq))
}

/// A command's answer to come, with its id.
type Answer = Pin<Box<dyn Future<Output = (Uuid, Result<Done, BoardError>)> + Send>>;

/// What reading one frame led to.
enum Read {
    Continue,
    Submitted(Answer),
    Stop,
}

/// The first message: the link's key and the browser's id, or `None` (after telling the
/// client why) when something else came first or nothing came in time.
async fn hello(out: &mut Out) -> Result<Option<(String, Option<Uuid>)>, End> {
    let first = tokio::time::timeout(HELLO_TIMEOUT, async {
        loop {
            match out.socket.next().await {
                Some(Ok(Message::Text(text))) => return Some(text),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                _ => return None,
            }
        }
    })
    .await;
    let text = match first {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(None),
        Err(_) => {
            let message = "no hello: send the board link's key first";
            out.refuse(ErrorCode::Unauthorized, message, CLOSE_UNAUTHORIZED)
                .await?;
            return Ok(None);
        }
    };
    match inbound::parse(&text).ok() {
        Some(ClientMsg::Hello { key, browser }) => Ok(Some((key, browser))),
        _ => {
            let message = "the first message must be {\"type\":\"hello\",\"key\":...} with \
                           the key of the board's link (the part after #k= in it)";
            out.refuse(ErrorCode::Unauthorized, message, CLOSE_UNAUTHORIZED)
                .await?;
            Ok(None)
        }
    }
}

/// One connection's state between frames.
struct Session<'a> {
    handle: &'a BoardHandle,
    me: Uuid,
    author: Option<String>,
    /// The key this connection was opened with, its role, and that link's generation.
    key: String,
    right: Right,
    generation: u64,
    /// Who this is in votes: the browser's id and the display name.
    voter: String,
    /// Whether the actor's link generations are still there to watch.
    watching: bool,
    joined: Joined,
    /// The last seq this client has been sent.
    sent_seq: u64,
    /// The size and rate limits and the presence throttles (see `inbound`).
    inbound: Inbound,
}

async fn run(
    out: &mut Out,
    handle: &BoardHandle,
    registry: &Registry,
    me: Uuid,
    author: Option<String>,
    since: Option<u64>,
) -> Result<(), End> {
    let Some((key, browser)) = hello(out).await? else {
        return Ok(());
    };
    let name = author.clone().unwrap_or_else(|| "Guest".to_owned());
    let voter = format!("{}/{name}", browser.unwrap_or(me));
    let who = Who {
        id: me,
        name,
        voter: voter.clone(),
    };
    let mut joined = match handle.join(who, key.clone()).await {
        Ok(joined) => joined,
        Err(BoardError::Denied) => {
            let message = BoardError::Denied.to_string();
            out.refuse(ErrorCode::Forbidden, &message, CLOSE_FORBIDDEN)
                .await?;
            return Ok(());
        }
        Err(_) => return Ok(()),
    };
    let resumed = match since {
        Some(since) => catch_up(out, registry, handle.id(), joined.seq, since).await?,
        None => None,
    };
    let sent_seq = match resumed {
        Some(seq) => {
            joined.welcome = Wire::new();
            seq
        }
        None => welcome(out, &mut joined).await?,
    };
    roster(out, &joined, me).await?;
    let right = joined.granted.role;
    let generation = generation_of(&joined.revocations.borrow_and_update(), right);
    let mut s = Session {
        handle,
        me,
        author,
        key,
        right,
        generation,
        voter,
        watching: true,
        joined,
        sent_seq,
        inbound: Inbound::new(registry.settings().rate_limit, Instant::now()),
    };
    s.arrived(out).await?;
    // Answers to come, in the order the commands were sent: reading and forwarding go on
    // while earlier commands are being committed (up to `IN_FLIGHT` of them).
    let mut answers = FuturesOrdered::new();
    loop {
        // What the last turn queued goes out before waiting for more.
        out.flush().await?;
        tokio::select! {
            changed = s.joined.revocations.changed(), if s.watching => {
                if changed.is_err() {
                    // The actor is gone; the event stream notices and rejoins.
                    s.watching = false;
                    continue;
                }
                let current = generation_of(&s.joined.revocations.borrow_and_update(), s.right);
                if current != s.generation {
                    out.refuse(ErrorCode::LinkRevoked, REVOKED, CLOSE_REVOKED).await?;
                    return Ok(());
                }
            }
            incoming = out.socket.next(), if answers.len() < IN_FLIGHT => {
                match s.read(out, incoming).await? {
                    Read::Continue => {}
                    Read::Submitted(answer) => answers.push_back(answer),
                    Read::Stop => return Ok(()),
                }
            }
            Some((command_id, answer)) = answers.next(), if !answers.is_empty() => {
                s.answer(out, command_id, answer).await?;
            }
            event = s.joined.events.recv() => {
                s.forward(out, event).await?;
                s.forward_ready(out).await?;
            }
            presence = s.joined.presence.recv() => match presence {
                Ok(p) if p.from != s.me => out.wire(p.json.clone()).await?,
                // Presence is ephemeral: what a slow client missed is superseded anyway. A
                // closed stream means the actor is gone; the event stream notices too.
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return Ok(()),
            }
        }
    }
}

impl Session<'_> {
    /// After the welcome: this connection's rights and links, the server's clock, its dots in
    /// an open vote, and who leads the room's view.
    async fn arrived(&mut self, out: &mut Out) -> Result<(), End> {
        self.access(out).await?;
        if let Some((vote, dots)) = self.joined.ballot.take() {
            out.msg(&ServerMsg::Ballot { vote, dots }).await?;
        }
        if let Some((leader, view)) = self.joined.leading {
            let msg = ServerMsg::Follow {
                leader,
                view: Some(view),
            };
            out.msg(&msg).await?;
        }
        Ok(())
    }

    async fn access(&mut self, out: &mut Out) -> Result<(), End> {
        let links: Vec<Link> = self.joined.granted.keys.links();
        let msg = ServerMsg::Access {
            role: self.right,
            links,
            now: crate::actor::now_ms(),
        };
        out.msg(&msg).await
    }

    /// Messages other than commands and presence: dots, follow me, rotating a link.
    async fn workshop(&mut self, out: &mut Out, msg: ClientMsg) -> Result<(), End> {
        let need = match msg {
            ClientMsg::Dot { .. } => Right::Edit,
            _ => Right::Facilitator,
        };
        if let Err(refused) = stormwall_core::workshop::require(self.right, need) {
            return out
                .msg(&ServerMsg::error(refused.code(), refused.to_string(), None))
                .await;
        }
        match msg {
            ClientMsg::Dot { vote, sticky, add } => {
                let voter = self.voter.clone();
                match self.handle.dot(voter, vote, sticky, add).await {
                    Ok(dots) => out.msg(&ServerMsg::Ballot { vote, dots }).await,
                    Err(e) => {
                        out.msg(&ServerMsg::error(e.code(), e.to_string(), None))
                            .await
                    }
                }
            }
            ClientMsg::Follow { view } => {
                self.handle.follow(self.me, view);
                Ok(())
            }
            ClientMsg::RotateLink { role } => {
                match self.handle.rotate(role, self.key.clone()).await {
                    Ok(granted) => {
                        // This connection stays, under its own new key if it rotated that.
                        if let Some(k) = granted.keys.0.get(&self.right) {
                            self.key = k.clone();
                        }
                        self.generation =
                            generation_of(&self.joined.revocations.borrow(), self.right);
                        self.joined.granted = granted;
                        self.access(out).await
                    }
                    Err(e) => {
                        out.msg(&ServerMsg::error(e.code(), e.to_string(), None))
                            .await
                    }
                }
            }
            _ => Ok(()),
        }
    }

    /// Reads one frame and does what `inbound` decides: presence goes to the actor, a command
    /// is submitted within the rate limit, follow me and the other workshop messages go to
    /// `workshop`, anything else is answered with an error.
    async fn read(
        &mut self,
        out: &mut Out,
        incoming: Option<Result<Message, tungstenite::Error>>,
    ) -> Result<Read, End> {
        let text = match incoming {
            None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Ok(Read::Stop),
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => {
                let msg = ServerMsg::error(
                    ErrorCode::BadMessage,
                    "binary frames are not part of the protocol; send JSON text",
                    None,
                );
                out.msg(&msg).await?;
                return Ok(Read::Continue);
            }
            Some(Ok(_)) => return Ok(Read::Continue), // ping/pong are answered by the library
        };
        let parsed = inbound::parse(&text);
        match self.inbound.judge(&parsed, Instant::now()) {
            Verdict::Accept => {}
            Verdict::Drop => return Ok(Read::Continue),
            Verdict::Disconnect => {
                out.close(CloseCode::Policy, "too many refused messages; slow down")
                    .await?;
                return Ok(Read::Stop);
            }
            Verdict::RateLimited => {
                let command_id = match &parsed {
                    Ok(ClientMsg::Command { command_id, .. }) => Some(*command_id),
                    _ => None,
                };
                let message = format!(
                    "too many changes: at most {} a second on average; this one was not \
                     executed, send it again in a moment",
                    self.inbound.per_second()
                );
                out.msg(&ServerMsg::error(
                    ErrorCode::RateLimited,
                    message,
                    command_id,
                ))
                .await?;
                return Ok(Read::Continue);
            }
        }
        let (command_id, command) = match parsed {
            Ok(ClientMsg::Command {
                command_id,
                command,
            }) => (command_id, command),
            Ok(ClientMsg::Presence { cursor, editing }) => {
                self.handle.presence(self.me, cursor, editing);
                return Ok(Read::Continue);
            }
            Ok(ClientMsg::Hello { .. }) => {
                let msg = ServerMsg::error(ErrorCode::BadMessage, "hello is said once", None);
                out.msg(&msg).await?;
                return Ok(Read::Continue);
            }
            Ok(msg) => {
                self.workshop(out, msg).await?;
                return Ok(Read::Continue);
            }
            Err(unreadable) => {
                let msg = ServerMsg::error(unreadable.code(), unreadable.to_string(), None);
                out.msg(&msg).await?;
                return Ok(Read::Continue);
            }
        };
        match self
            .handle
            .submit(Some(command_id), self.author.clone(), self.right, command)
            .await
        {
            Ok(answer) => Ok(Read::Submitted(Box::pin(async move {
                (command_id, answer.await)
            }))),
            Err(e) => {
                let msg = ServerMsg::error(e.code(), e.to_string(), Some(command_id));
                out.msg(&msg).await?;
                Ok(Read::Continue)
            }
        }
    }

    /// Answers a command: its own events first, then the ack (or the refusal). Its cost
    /// beyond the first event is charged to the rate limit now that it is known.
    async fn answer(
        &mut self,
        out: &mut Out,
        command_id: Uuid,
        answer: Result<Done, BoardError>,
    ) -> Result<(), End> {
        match answer {
            Ok(done) => {
                self.inbound.produced(done.events);
                // Forward this command's own events before acknowledging it, so the client
                // sees the outcome before the "done".
                while self.sent_seq < done.seq {
                    match self.joined.events.try_recv() {
                        Ok(e) if e.seq > self.sent_seq => {
                            out.wire(e.json.clone()).await?;
                            self.sent_seq = e.seq;
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
                let seq = done.seq;
                out.msg(&ServerMsg::Ack { command_id, seq }).await
            }
            Err(e) => {
                out.msg(&ServerMsg::error(e.code(), e.to_string(), Some(command_id)))
                    .await
            }
        }
    }

    /// Forwards the events already waiting in the broadcast, so that they share one write
    /// (a few at most: the other branches get their turn).
    async fn forward_ready(&mut self, out: &mut Out) -> Result<(), End> {
        for _ in 0..BATCH {
            let event = match self.joined.events.try_recv() {
                Ok(e) => Ok(e),
                Err(TryRecvError::Empty) => return Ok(()),
                Err(TryRecvError::Lagged(n)) => Err(RecvError::Lagged(n)),
                Err(TryRecvError::Closed) => Err(RecvError::Closed),
            };
            let restart = event.is_err();
            self.forward(out, event).await?;
            if restart {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Forwards a stored event; a client that fell too far behind (or an actor that
    /// restarted its stream) starts over from a fresh welcome rather than with a gap.
    async fn forward(
        &mut self,
        out: &mut Out,
        event: Result<Arc<Outgoing>, RecvError>,
    ) -> Result<(), End> {
        match event {
            Ok(e) => {
                if e.seq > self.sent_seq {
                    out.wire(e.json.clone()).await?;
                    self.sent_seq = e.seq;
                }
                Ok(())
            }
            Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => {
                let who = Who {
                    id: self.me,
                    name: self.author.clone().unwrap_or_else(|| "Guest".to_owned()),
                    voter: self.voter.clone(),
                };
                let Ok(mut again) = self.handle.join(who, self.key.clone()).await else {
                    return Ok(());
                };
                self.generation = generation_of(&again.revocations.borrow_and_update(), self.right);
                self.watching = true;
                self.joined = again;
                self.sent_seq = welcome(out, &mut self.joined).await?;
                roster(out, &self.joined, self.me).await?;
                self.arrived(out).await
            }
        }
    }
}
